/**
 * `ipasn publish` without a broker (`--dry-run` connects to nothing): local validation with line
 * numbers, routing, what is held back, the CSV column mapping (every sample of docs/examples),
 * exit codes. The real-broker tests are in kafka.integration.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Agencies } from '@ipasn/contracts';
import { topicNames } from '@ipasn/pipeline';
import { UsageError } from '../src/errors.js';
import { CsvMapper, detectDelimiter } from '../src/publish/csv.js';
import { csvEvents, openInput } from '../src/publish/input.js';
import { PublishPlanner, type LocalReject, type PublishCounts } from '../src/publish/planner.js';
import type { PublishSummary } from '../src/publish/summary.js';
import { BIN, ROOT, T, ev, lines, nip, rec, upsert } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'ipasn-publish-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const EXAMPLES = join(ROOT, '..', '..', 'docs', 'examples');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The binary with a broker nobody listens on: a dry run must not need one. */
function publish(args: readonly string[], input = ''): Run {
  const r = spawnSync(process.execPath, [BIN, 'publish', ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, KAFKA_BROKERS: '127.0.0.1:1', IPASN_TOPIC_PREFIX: 'p.' },
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function summaryOf(run: Run): PublishSummary {
  return JSON.parse(run.stdout) as PublishSummary;
}

function rejectsOf(run: Run): { line: number; reason: string; fate: string; id: string | null }[] {
  return run.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { line: number; reason: string; fate: string; id: string | null });
}

/** The CSV path of the command, in-process (no binary to spawn): the events each row maps to, decided. */
async function planCsv(path: string, options: { agency?: string; type?: string } = {}): Promise<{ counts: PublishCounts; rejects: LocalReject[]; events: Record<string, unknown>[] }> {
  const planner = new PublishPlanner({ agencies: Agencies.default(), ingestionTime: new Date(), topics: topicNames('p.'), agency: options.agency, sendInvalid: false });
  const rejects: LocalReject[] = [];
  const events: Record<string, unknown>[] = [];
  const input = await openInput(path);
  for await (const item of csvEvents(input.chunks, { agency: options.agency, type: options.type, defaultTime: new Date().toISOString() })) {
    if (item.bytes) events.push(JSON.parse(item.bytes.toString('utf8')) as Record<string, unknown>);
    const d = planner.decide(item);
    if (d.reject) rejects.push(d.reject);
  }
  return { counts: planner.counts, rejects, events };
}

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('NDJSON, dry run', () => {
  const a = nip(1);
  const input = lines(
    /* 1 */ upsert(a, {}, '3004'),
    /* 2 */ 'not json',
    /* 3 */ '{"source":"/agencies/3015","subject":"198501012010011002", cut',
    /* 4 */ rec(T.training, a, { recordId: 't1', kind: 'TECHNICAL', hours: -1, completedOn: '2025-01-01' }, '3004'),
    /* 5 */ rec(T.training, a, { recordId: 't1', kind: 'TECHNICAL', hours: 8, completedOn: '2025-01-01' }, '9999'),
    /* 6 */ '',
    /* 7 */ rec(T.appraisal, a, { recordId: 's1', year: 2024, predicate: 'BAIK' }, '3015'),
    /* 8 */ rec(T.appraisal, a, { recordId: 's1', year: 2099, predicate: 'BAIK' }, '3004'),
  );
  const again = upsert(a, {}, '3004');
  const dup = lines(again, again);

  it('routes by source, holds back the invalid, reports each reject with its line, sends nothing', () => {
    const run = publish(['--dry-run', '--json', '-q', '-'], input);
    expect(run.code).toBe(0);
    const s = summaryOf(run);
    expect(s).toMatchObject({
      dryRun: true,
      events: 7,
      emptyLines: 1,
      valid: 2,
      duplicates: 0,
      rejected: { total: 5, byReason: { MALFORMED: 2, SCHEMA_INVALID: 1, UNKNOWN_AGENCY: 1, FUTURE_DATED: 1 } },
      heldBack: 5,
      unroutable: 2,
      routed: { total: 2, byTopic: { 'p.ipasn.ingress.3004': 1, 'p.ipasn.ingress.3015': 1 } },
      sent: 0,
      expected: { events: 2, dlq: 0, eventsTopic: 'p.ipasn.events', dlqTopic: 'p.ipasn.dlq' },
    });
    expect(rejectsOf(run).map((r) => [r.line, r.reason, r.fate])).toEqual([
      [2, 'MALFORMED', 'unroutable'],
      [3, 'MALFORMED', 'held'],
      [4, 'SCHEMA_INVALID', 'held'],
      [5, 'UNKNOWN_AGENCY', 'unroutable'],
      [8, 'FUTURE_DATED', 'held'],
    ]);
  });

  it('--send-invalid routes what has a known agency, for the DLQ', () => {
    const s = summaryOf(publish(['--dry-run', '--json', '-q', '--send-invalid', '-'], input));
    expect(s).toMatchObject({ heldBack: 2, unroutable: 2, routed: { total: 5 }, expected: { events: 2, dlq: 3 } });
  });

  it('--agency sends everything to one topic: other sources are AGENCY_MISMATCH, unreadable lines routable', () => {
    const run = publish(['--dry-run', '--json', '-q', '--send-invalid', '--agency', '3004', '-'], input);
    const s = summaryOf(run);
    expect(s).toMatchObject({ valid: 1, unroutable: 0, heldBack: 0, routed: { total: 7, byTopic: { 'p.ipasn.ingress.3004': 7 } }, expected: { events: 1, dlq: 6 } });
    expect(rejectsOf(run).find((r) => r.line === 7)).toMatchObject({ reason: 'AGENCY_MISMATCH', fate: 'sent' });
    expect(rejectsOf(run).find((r) => r.line === 5)).toMatchObject({ reason: 'UNKNOWN_AGENCY' });
  });

  it('counts a repeated (source, id) as a duplicate the normalizer drops, and still sends it', () => {
    const s = summaryOf(publish(['--dry-run', '--json', '-q', '-'], dup));
    expect(s).toMatchObject({ valid: 2, duplicates: 1, routed: { total: 2 }, expected: { events: 1 } });
  });

  it('prints readable reject lines and a summary table without --json', () => {
    const run = publish(['--dry-run', '-q', '-'], input);
    expect(run.stderr).toContain('line 4: SCHEMA_INVALID data.hours');
    expect(run.stderr).toContain('[held back]');
    expect(run.stdout).toMatch(/^would send 2 \(dry run: nothing sent\)$/mu);
    expect(run.stdout).toMatch(/^ {2}UNKNOWN_AGENCY +1$/mu);
  });

  it('writes the rejects to --rejects FILE and the events to --emit FILE', () => {
    const rejects = join(tmp, 'rejects.ndjson');
    const emitted = join(tmp, 'emitted.ndjson');
    const run = publish(['--dry-run', '-q', '--rejects', rejects, '--emit', emitted, '-'], input);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(readFileSync(rejects, 'utf8').trim().split('\n')).toHaveLength(5);
    expect(readFileSync(emitted, 'utf8')).toBe(input.replace('\n\n', '\n'));
  });
});

describe('exit codes', () => {
  it('1 for a missing file, 2 for bad options or an agency not in the list', () => {
    expect(publish(['--dry-run', join(tmp, 'missing.ndjson')]).code).toBe(1);
    expect(publish(['--dry-run', '--format', 'xml', '-']).code).toBe(2);
    expect(publish(['--dry-run', '--agency', '9999', '-']).code).toBe(2);
    expect(publish(['--dry-run', '--type', 'x', file('a.ndjson', '')]).code).toBe(2);
    expect(publish(['--dry-run']).code).toBe(2);
    const badEnv = spawnSync(process.execPath, [BIN, 'publish', '--dry-run', '-'], { input: '', encoding: 'utf8', env: { ...process.env, KAFKA_BROKERS: 'no port here' } });
    expect(badEnv.status).toBe(2);
    expect(badEnv.stderr).toContain('KAFKA_BROKERS');
  });
});

describe('CSV column mapping', () => {
  const samples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.csv'));

  it('every sample of docs/examples maps to valid events only, one per row', async () => {
    expect(samples.length).toBeGreaterThanOrEqual(9);
    for (const sample of samples) {
      const { counts, rejects } = await planCsv(join(EXAMPLES, sample));
      const rows = readFileSync(join(EXAMPLES, sample), 'utf8').trim().split('\n').length - 1;
      expect(rejects, sample).toEqual([]);
      expect(counts, sample).toMatchObject({ events: rows, valid: rows });
    }
  });

  it('has a sample per event type, and all-types.csv (a type column, ; as delimiter) maps to the same events', async () => {
    const perType = (await Promise.all(samples.filter((f) => f !== 'all-types.csv').map(async (f) => (await planCsv(join(EXAMPLES, f))).events))).flat();
    expect([...new Set(perType.map((e) => e['type']))].sort()).toEqual(Object.values(T).sort());
    const all = (await planCsv(join(EXAMPLES, 'all-types.csv'))).events;
    const text = (es: Record<string, unknown>[]): string[] => es.map((e) => JSON.stringify(e)).sort();
    expect(text(all)).toEqual(text(perType));
  });

  it('maps cells as documented through the binary: envelope columns, data fields, numerals, empty cells left out, header forms', () => {
    const csv = file(
      'map.csv',
      '\uFEFFID,Agency,NIP,Time,Record_Id,Kind,Hours,Completed On,Leadership-Level,Name\r\n' +
        `t-1,3004,${nip(1)},2025-06-01T09:00:00+07:00,TRN-1,TECHNICAL,24,2025-03-14,,"Pelatihan ""Arsip"", Digital"\r\n`,
    );
    const out = join(tmp, 'map.ndjson');
    const run = publish(['--dry-run', '--json', '-q', '--emit', out, csv]);
    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ format: 'csv', events: 1, valid: 1, routed: { byTopic: { 'p.ipasn.ingress.3004': 1 } } });
    expect(readFileSync(out, 'utf8')).toBe(
      `${JSON.stringify({
        specversion: '1.0',
        id: 't-1',
        source: '/agencies/3004',
        type: 'ipasn.training.recorded',
        subject: nip(1),
        time: '2025-06-01T09:00:00+07:00',
        data: { recordId: 'TRN-1', kind: 'TECHNICAL', hours: 24, completedOn: '2025-03-14', name: 'Pelatihan "Arsip", Digital' },
      })}\n`,
    );
  });

  it('derives the same ids on every run when there is no id column; --agency fills the source; time defaults to the start', async () => {
    const csv = file('noid.csv', `nip,reason\n${nip(1)},RETIRED\n${nip(2)},DIED\n${nip(1)},RETIRED\n`);
    const a = await planCsv(csv, { agency: '3004' });
    const b = await planCsv(csv, { agency: '3004' });
    expect(a.events.map((e) => e['id'])).toEqual(b.events.map((e) => e['id']));
    expect(a.events[0]!['id']).toMatch(/^csv-[0-9a-f]{32}$/u);
    expect(a.events[0]!['id']).not.toBe(a.events[1]!['id']);
    expect(a.events[2]!['id']).toBe(a.events[0]!['id']);
    expect(a.events[0]!['source']).toBe('/agencies/3004');
    expect(Date.now() - Date.parse(String(a.events[0]!['time']))).toBeLessThan(60_000);
    expect(a.counts).toMatchObject({ valid: 3, duplicates: 1 });
  });

  it('reports rows by the line they start on: quoted line breaks, empty lines, broken rows', async () => {
    const csv = file(
      'lines.csv',
      [
        'id,agency,nip,time,recordId,level,imposedOn,endsOn,penalty',
        `d-1,3004,${nip(1)},2025-06-01T09:00:00+07:00,HD-1,RINGAN,2025-02-03,2025-08-03,"Teguran\ntertulis"`,
        '',
        `d-2,3004,${nip(1)},2025-06-01T09:00:00+07:00,HD-2,RINGAN,2025-02-03,2025-01-01,x`,
        `d-3,3004,${nip(1)},2025-06-01T09:00:00+07:00,HD-3,RINGAN`,
        ',,,,,,,,',
        `d-4,3004,${nip(1)},2025-06-01T09:00:00+07:00,HD-4,TOTAL,2025-02-03,,`,
      ].join('\n'),
    );
    const { counts, rejects } = await planCsv(csv);
    expect(counts).toMatchObject({ events: 4, valid: 1 });
    expect(rejects.map((r) => [r.line, r.reason, r.fate])).toEqual([
      [5, 'SCHEMA_INVALID', 'held'],
      [6, 'MALFORMED', 'unroutable'],
      [8, 'SCHEMA_INVALID', 'held'],
    ]);
  });

  it('bounds a row at 64 KiB (csv-parse max_record_size): an endless cell stops the read with its line, never drops rows silently', async () => {
    const header = 'id,agency,nip,time,recordId,level,imposedOn,endsOn,penalty';
    const row = (id: string, penalty: string) => `${id},3004,${nip(1)},2025-06-01T09:00:00+07:00,HD-${id},RINGAN,2025-02-03,,${penalty}`;
    const near = file('near.csv', [header, row('d-1', 'ok'), row('d-2', `"${'x'.repeat(60_000)}"`), row('d-3', 'ok'), ''].join('\n'));
    expect((await planCsv(near)).events.map((e) => e['id'])).toEqual(['d-1', 'd-2', 'd-3']);
    for (const big of [`"${'x'.repeat(70_000)}"`, 'y'.repeat(70_000)]) {
      const csv = file('huge.csv', [header, row('d-1', 'ok'), row('d-2', big), row('d-3', 'ok'), ''].join('\n'));
      await expect(planCsv(csv)).rejects.toThrow(/^line 3: a CSV row over 65536 characters/u);
    }
    const run = publish(['--dry-run', file('huge2.csv', [header, row('d-1', `"${'x'.repeat(70_000)}"`), ''].join('\n'))]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/line 2: a CSV row over 65536 characters/u);
  });

  it('refuses a header it cannot map (a usage error: exit 2, nothing sent)', async () => {
    const bad = (header: string, options: { type?: string } = {}): Promise<unknown> => planCsv(file('h.csv', `${header}\n`), options);
    await expect(bad('nip,agency,reason,colour')).rejects.toThrow(/unknown column\(s\) "colour"/u);
    await expect(bad('agency,reason')).rejects.toThrow(/"nip"/u);
    await expect(bad('nip,reason')).rejects.toThrow(/--agency/u);
    await expect(bad('nip,agency,recordId,year,imposedOn')).rejects.toThrow(/several event types/u);
    await expect(bad('nip,NIP,agency,reason')).rejects.toBeInstanceOf(UsageError);
    await expect(bad('nip,agency,recordId,year,imposedOn', { type: 'appraisal.recorded' })).resolves.toBeDefined();
    expect(publish(['--dry-run', file('u.csv', 'nip,agency,reason,colour\n')]).code).toBe(2);
  });
});

describe('CsvMapper and detectDelimiter', () => {
  it('infers the type from the signature column of each event type', () => {
    const cases: [string, string][] = [
      ['nip,agency,name,employmentType,jobGroup', T.upsert],
      ['nip,agency,recordId,level,graduatedOn', T.education],
      ['nip,agency,recordId,kind,hours,completedOn', T.training],
      ['nip,agency,recordId,year,score', T.appraisal],
      ['nip,agency,recordId,level,imposedOn', T.discipline],
      ['nip,agency,recordId', T.retract],
      ['nip,agency,toAgencyCode', T.transfer],
      ['nip,agency,reason', T.separate],
    ];
    for (const [header, type] of cases) expect(new CsvMapper(header.split(','), { defaultTime: 'x' }).defaultType, header).toBe(type);
  });

  it('takes , ; or tab, whichever the header uses outside quotes', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a;b;"c,d,e"')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('abc')).toBe(',');
  });

  it('an event with a type cell of its own wins over the inferred type; a row of the wrong width is not an event', () => {
    const m = new CsvMapper(['type', 'nip', 'agency', 'reason'], { defaultTime: '2025-01-01T00:00:00Z' });
    const r = m.map(['ipasn.employee.separated', nip(3), '3004', 'DIED']);
    expect(r.ok && (JSON.parse(r.json) as { type: string }).type).toBe(T.separate);
    expect(m.map(['x'])).toEqual({ ok: false, message: 'the row has 1 cells, the header has 4' });
  });
});

describe('events the helpers build', () => {
  it('are valid ingress events (sanity of the fixtures above)', () => {
    const s = summaryOf(publish(['--dry-run', '--json', '-q', '-'], lines(ev({ type: T.separate, subject: nip(4), data: { reason: 'OTHER' } }))));
    expect(s.valid).toBe(1);
  });
});
