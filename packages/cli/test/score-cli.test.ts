/** `ipasn score` through the built binary: rejects, exit codes, sorting, --by-agency, --agency, duplicates. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REJECT_REASONS } from '@ipasn/contracts';
import { AS_OF, BIN, NOW, T, ev, ipasn, lines, ndjson, nip, rec, rejectsOf, score, statsOf, upsert, type Run } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'ipasn-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('rejects on stderr', () => {
  const owned = nip(1);
  const input = [
    /* 1 */ upsert(owned),
    /* 2 */ 'this is not json',
    /* 3 */ ev({ type: 'ipasn.employee.deleted', subject: owned, data: {} }),
    /* 4 */ rec(T.training, owned, { recordId: 't1', kind: 'TECHNICAL', hours: -1, completedOn: '2025-01-01' }),
    /* 5 */ rec(T.training, '19800110200503100', { recordId: 't1', kind: 'TECHNICAL', hours: 8, completedOn: '2025-01-01' }),
    /* 6 */ rec(T.training, owned, { recordId: 't1', kind: 'TECHNICAL', hours: 8, completedOn: '2025-01-01' }, '9999'),
    /* 7 */ rec(T.training, owned, { recordId: 't1', kind: 'TECHNICAL', hours: 8, completedOn: '2026-01-01' }),
    /* 8 */ rec(T.training, owned, { recordId: 't1', kind: 'TECHNICAL', hours: 8, completedOn: '2025-01-01' }, '3004'),
    /* 9 */ rec(T.retract, owned, { recordId: 'never-sent' }),
    /* 10 */ '',
    /* 11 */ JSON.stringify(JSON.stringify({ specversion: '1.0' })),
    /* 12 */ ev({ type: T.upsert, subject: owned, data: { name: 'x'.repeat(70_000), employmentType: 'PNS', jobGroup: 'PELAKSANA' } }),
    /* 13 */ ev({ type: T.upsert, subject: owned, time: '2025-07-02T10:00:00Z', data: { name: 'B', employmentType: 'PNS', jobGroup: 'PELAKSANA' } }),
    /* 14 */ rec(T.transfer, nip(2), { toAgencyCode: '3004' }),
  ];
  const run = score(['--stats'], lines(...input));
  const rejects = rejectsOf(run.stderr);

  it('exits 0: rejects do not change the exit code', () => {
    expect(run.code).toBe(0);
  });

  it('reports each reject with its 1-based line, reason, id and source', () => {
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'MALFORMED'],
      [3, 'UNSUPPORTED_TYPE'],
      [4, 'SCHEMA_INVALID'],
      [5, 'INVALID_NIP'],
      [6, 'UNKNOWN_AGENCY'],
      [7, 'FUTURE_DATED'],
      [8, 'NOT_OWNER'],
      [9, 'UNKNOWN_RECORD'],
      [11, 'MALFORMED'],
      [12, 'MALFORMED'],
      [13, 'FUTURE_DATED'],
      [14, 'NOT_OWNER'],
    ]);
    for (const r of rejects) {
      expect(typeof r.message).toBe('string');
      expect(r.message.length).toBeGreaterThan(0);
    }
  });

  it('gives null id and source when the event is unreadable, the raw ones otherwise', () => {
    expect(rejects.find((r) => r.line === 2)).toMatchObject({ id: null, source: null });
    expect(rejects.find((r) => r.line === 12)).toMatchObject({ id: null, source: null });
    expect(rejects.find((r) => r.line === 6)).toMatchObject({ source: '/agencies/9999' });
    expect(rejects.find((r) => r.line === 8)?.id).toMatch(/^test-/u);
    expect(rejects.find((r) => r.line === 8)).toMatchObject({ source: '/agencies/3004' });
  });

  it('skips empty lines but counts them in line numbers; --stats ends stderr', () => {
    const stats = statsOf(run.stderr);
    expect(stats).toMatchObject({ lines: 14, emptyLines: 1, accepted: 1, duplicates: 0 });
    expect((stats.rejects as { total: number }).total).toBe(12);
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(/^\{"stats":/u);
  });

  it('still scores the employee whose events were accepted', () => {
    expect(ndjson(run.stdout).map((r) => r.nip)).toEqual([owned]);
  });

  it('keeps stderr pure reject lines without --stats', () => {
    const plain = score([], lines(...input));
    expect(rejectsOf(plain.stderr)).toHaveLength(12);
    expect(plain.stderr.split('\n').filter(Boolean).every((l) => l.startsWith('{"line":'))).toBe(true);
  });

  it('covers every reject reason, AGENCY_MISMATCH with --agency (TOO_MANY_RECORDS, which takes 1,001 records, below)', () => {
    const mismatch = score(['--agency', '4011'], lines(rec(T.training, owned, { recordId: 't9', kind: 'SEMINAR', hours: 2, completedOn: '2025-01-01' }, '3004')));
    const seen = new Set([...rejects.map((r) => r.reason), ...rejectsOf(mismatch.stderr).map((r) => r.reason)]);
    expect([...seen].sort()).toEqual(REJECT_REASONS.filter((r) => r !== 'TOO_MANY_RECORDS').sort());
  });
});

describe('--agency reads the input as one agency topic', () => {
  const a = nip(10);
  const b = nip(11);
  const input = lines(upsert(a, {}, '4011'), upsert(b, {}, '3004'), rec(T.appraisal, a, { recordId: 'a', year: 2024, predicate: 'BAIK' }, '4011'));

  it('rejects other agencies\' events as AGENCY_MISMATCH and keeps its own', () => {
    const run = score(['--agency', '4011'], input);
    expect(run.code).toBe(0);
    expect(rejectsOf(run.stderr).map((r) => [r.line, r.reason, r.source])).toEqual([[2, 'AGENCY_MISMATCH', '/agencies/3004']]);
    expect(ndjson(run.stdout).map((r) => r.nip)).toEqual([a]);
  });

  it('without --agency every event comes from its own topic', () => {
    const run = score([], input);
    expect(rejectsOf(run.stderr)).toEqual([]);
    expect(ndjson(run.stdout).map((r) => r.nip)).toEqual([a, b].sort());
  });

  it('refuses an agency that is not in the list (exit 2)', () => {
    expect(score(['--agency', '9999'], input).code).toBe(2);
  });
});

describe('duplicates: (source, id) is one dedupe window over the input', () => {
  const e = nip(20);
  const first = ev({ id: 'dup-1', type: T.appraisal, subject: e, data: { recordId: 'a', year: 2024, predicate: 'SANGAT_BAIK' } });
  const again = ev({ id: 'dup-1', type: T.appraisal, subject: e, data: { recordId: 'a', year: 2024, predicate: 'BURUK' } });
  const otherSource = ev({ id: 'dup-1', agency: '3004', type: T.training, subject: nip(21), data: { recordId: 't', kind: 'SEMINAR', hours: 2, completedOn: '2025-01-01' } });
  const badTwice = ev({ id: 'bad-1', type: T.appraisal, subject: e, data: { recordId: 'b', year: 2030, predicate: 'BAIK' } });

  it('keeps the first copy whatever the later payload, counts the rest, and rejects are not marked', () => {
    const run = score(['--stats'], lines(upsert(e), first, again, first, otherSource, badTwice, badTwice));
    const stats = statsOf(run.stderr);
    expect(stats).toMatchObject({ accepted: 3, duplicates: 2 });
    expect(rejectsOf(run.stderr).map((r) => [r.line, r.reason])).toEqual([
      [6, 'FUTURE_DATED'],
      [7, 'FUTURE_DATED'],
    ]);
    const row = ndjson<{ nip: string; dimensions: { kinerja: number } }>(run.stdout).find((r) => r.nip === e);
    expect(row?.dimensions.kinerja).toBe(30);
  });
});

describe('output', () => {
  it('is sorted by NIP then rule set, one line per active employee and rule set', () => {
    const nips = [nip(33), nip(31), nip(35), nip(32)];
    const input = lines(...nips.map((n) => upsert(n)), rec(T.separate, nip(35), { reason: 'RETIRED' }));
    const run = score(['--rules', 'all'], input);
    const rows = ndjson<{ nip: string; rules: string }>(run.stdout);
    // --rules all: three lines per active employee (the shipped list), rule sets in id order.
    const expected = [nip(31), nip(32), nip(33)].sort().flatMap((n) => [
      [n, 'bkn-2023'],
      [n, 'perban-8-2019'],
      [n, 'reformulasi-2024'],
    ]);
    expect(rows.map((r) => [r.nip, r.rules])).toEqual(expected);
  });

  it('has exactly the fields of the events.md example, in its order', () => {
    const run = score([], lines(upsert(nip(40))));
    const row = ndjson(run.stdout)[0]!;
    expect(Object.keys(row)).toEqual(['nip', 'agencyCode', 'employmentType', 'rules', 'total', 'category', 'dimensions', 'dataGaps']);
    expect(Object.keys(row.dimensions as object)).toEqual(['kualifikasi', 'kompetensi', 'kinerja', 'disiplin']);
    expect(row).toMatchObject({ rules: 'perban-8-2019', dataGaps: ['APPRAISAL_MISSING', 'EDUCATION_MISSING'] });
  });

  it('reads CRLF files, files without a final newline, and stdin as "-"', () => {
    const crlf = `${upsert(nip(41))}\r\n${upsert(nip(42))}`;
    const run = score(['-'], crlf);
    expect(rejectsOf(run.stderr)).toEqual([]);
    expect(ndjson(run.stdout)).toHaveLength(2);
  });

  it('reads a file argument', () => {
    const file = join(tmp, 'in.ndjson');
    writeFileSync(file, lines(upsert(nip(43))));
    const run = score([file], '');
    expect(run.code).toBe(0);
    expect(ndjson(run.stdout)).toHaveLength(1);
  });
});

describe('--by-agency', () => {
  // The worked example of events.md: three employees of BKN as of 2025-06-30.
  const [p1, p2, k1] = [nip(50), nip(51), nip(52)];
  const input = lines(
    upsert(p1, { jobGroup: 'PELAKSANA' }),
    rec(T.education, p1, { recordId: 'e', level: 'S1', graduatedOn: '2008-08-20' }),
    rec(T.training, p1, { recordId: 't', kind: 'TECHNICAL', hours: 24, completedOn: '2025-02-10' }),
    rec(T.appraisal, p1, { recordId: 'a', year: 2024, predicate: 'BAIK' }),
    upsert(p2, { jobGroup: 'FUNGSIONAL_AHLI_MUDA' }),
    rec(T.education, p2, { recordId: 'e', level: 'S2', graduatedOn: '2015-03-01' }),
    rec(T.training, p2, { recordId: 't', kind: 'FUNCTIONAL', hours: 60, completedOn: '2021-05-01' }),
    rec(T.appraisal, p2, { recordId: 'a', year: 2024, predicate: 'SANGAT_BAIK' }),
    upsert(k1, { employmentType: 'PPPK', jobGroup: 'PELAKSANA' }),
    rec(T.education, k1, { recordId: 'e', level: 'D3', graduatedOn: '2012-09-01' }),
    rec(T.appraisal, k1, { recordId: 'a', year: 2024, predicate: 'BAIK' }),
  );
  const EXAMPLE =
    '{"agencyCode":"4011","rules":"perban-8-2019","headcount":{"PNS":2,"PPPK":1,"total":3},"index":{"PNS":68.75,"PPPK":40,"ASN":59.17},"dimensions":{"kualifikasi":15,"kompetensi":12.5,"kinerja":26.67,"disiplin":5},"categories":{"SANGAT_TINGGI":0,"TINGGI":0,"SEDANG":0,"RENDAH":2,"SANGAT_RENDAH":1},"dataGaps":0}';

  it('scores the three employees 67.5, 70 and 40', () => {
    const rows = ndjson<{ nip: string; total: number }>(score([], input).stdout);
    expect(rows.map((r) => [r.nip, r.total])).toEqual([
      [p1, 67.5],
      [p2, 70],
      [k1, 40],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  });

  it('equals the events.md example line', () => {
    const run = score(['--by-agency'], input);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${EXAMPLE}\n`);
  });

  it('writes one line per agency and rule set, only agencies with active employees', () => {
    const more = `${input}${upsert(nip(53), {}, '3004')}\n${upsert(nip(54), {}, '6171')}\n${rec(T.separate, nip(54), { reason: 'DIED' }, '6171')}\n`;
    const rows = ndjson<{ agencyCode: string; rules: string }>(score(['--by-agency', '--rules', 'all'], more).stdout);
    expect(rows.map((r) => `${r.agencyCode} ${r.rules}`)).toEqual([
      '3004 bkn-2023',
      '3004 perban-8-2019',
      '3004 reformulasi-2024',
      '4011 bkn-2023',
      '4011 perban-8-2019',
      '4011 reformulasi-2024',
    ]);
  });
});

describe('exit codes', () => {
  const ok = lines(upsert(nip(60)));
  it.each([
    ['an unknown option', ['--bogus']],
    ['a bad --as-of', ['--as-of', '2025-02-30']],
    ['a malformed --as-of', ['--as-of', '30-06-2025']],
    ['an unknown rule set', ['--rules', 'perban-2020']],
    ['an unknown rule set in a list', ['--rules', 'bkn-2023,perban-2020']],
    ['"all" inside a list', ['--rules', 'all,bkn-2023']],
    ['a malformed rule-set id', ['--rules', 'Perban 8/2019']],
    ['an unreadable rule-set list', ['--rule-sets-file', '/nonexistent/rule-sets.json']],
    ['a bad --now', ['--now', 'yesterday']],
    ['a bad --agency', ['--agency', '40']],
    ['two input files', ['a.ndjson', 'b.ndjson']],
  ])('2 for %s, with a message and nothing on stdout', (_what, args) => {
    const run = ipasn(['score', ...args], ok);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error|ipasn:/u);
    expect(run.stdout).toBe('');
  });

  it('1 when the input file cannot be read', () => {
    const run = ipasn(['score', join(tmp, 'missing.ndjson')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot read .*missing\.ndjson/u);
    expect(run.stdout).toBe('');
  });

  it('1 when the input is a directory', () => {
    expect(ipasn(['score', tmp]).code).toBe(1);
  });

  it('1 for a missing agency list, 2 for a file that is not one', () => {
    expect(ipasn(['score', '--agencies-file', join(tmp, 'nope.json')], ok).code).toBe(1);
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"agencies": []}');
    expect(ipasn(['score', '--agencies-file', bad], ok).code).toBe(2);
  });

  it('0 for a valid run, and --help', () => {
    expect(score([], ok).code).toBe(0);
    expect(ipasn(['score', '--help']).code).toBe(0);
    expect(ipasn(['--help']).stdout).toMatch(/generate[\s\S]*score/u);
  });

  it('--as-of defaults to the date of --now in Asia/Jakarta', () => {
    // 2025-06-30T18:00Z is already 1 July in Jakarta: the 2024-07-01 technical course is then out of the window.
    const input = lines(upsert(nip(61)), rec(T.training, nip(61), { recordId: 't', kind: 'TECHNICAL', hours: 24, completedOn: '2024-07-01' }));
    const late = ipasn(['score', '--now', '2025-06-30T18:00:00Z', '--stats'], input);
    expect(statsOf(late.stderr).asOf).toBe('2025-07-01');
    expect(ndjson<{ dimensions: { kompetensi: number } }>(late.stdout)[0]?.dimensions.kompetensi).toBe(0);
    const early = ipasn(['score', '--now', NOW, '--stats'], input);
    expect(statsOf(early.stderr).asOf).toBe(AS_OF);
    expect(ndjson<{ dimensions: { kompetensi: number } }>(early.stdout)[0]?.dimensions.kompetensi).toBe(22.5);
  });
});

describe('TOO_MANY_RECORDS (check 10, SCORER_MAX_RECORDS as the live scorer)', () => {
  const owned = nip(7);
  const training = (recordId: string, hours = 8) => rec(T.training, owned, { recordId, kind: 'TECHNICAL', hours, completedOn: '2025-01-01' });
  const withEnv = (env: Record<string, string>, input: string): Run => {
    const r = spawnSync(process.execPath, [BIN, 'score', '--as-of', AS_OF, '--now', NOW], { input, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it('at the default 1,000: the 1,001st new record is rejected on its line; a replace, a retract and then a new record still apply', () => {
    const input = [
      upsert(owned),
      ...Array.from({ length: 1_000 }, (_, i) => training(`t${i}`)),
      /* 1002 */ training('t-over'),
      /* 1003 */ training('t0', 40),
      /* 1004 */ rec(T.retract, owned, { recordId: 't1' }),
      /* 1005 */ training('t-after-retract'),
      /* 1006 */ training('t-over-again'),
    ];
    const run = withEnv({}, lines(...input));
    expect(run.code).toBe(0);
    const rejects = rejectsOf(run.stderr);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [1002, 'TOO_MANY_RECORDS'],
      [1006, 'TOO_MANY_RECORDS'],
    ]);
    expect(rejects[0]?.message).toMatch(/"t-over".*over the limit of 1000 \(SCORER_MAX_RECORDS\)/u);
    expect(rejects[0]?.message).not.toContain(owned);
    expect(ndjson(run.stdout)).toHaveLength(1);
  });

  it('reads SCORER_MAX_RECORDS from the environment, and refuses a bad one (exit 2)', () => {
    const input = lines(upsert(owned), training('a'), training('b'), training('c'), training('a', 16));
    expect(rejectsOf(withEnv({ SCORER_MAX_RECORDS: '2' }, input).stderr).map((r) => [r.line, r.reason])).toEqual([[4, 'TOO_MANY_RECORDS']]);
    expect(rejectsOf(withEnv({ SCORER_MAX_RECORDS: '3' }, input).stderr)).toEqual([]);
    const bad = withEnv({ SCORER_MAX_RECORDS: '0' }, input);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/SCORER_MAX_RECORDS must be a whole number ≥ 1/u);
  });
});
