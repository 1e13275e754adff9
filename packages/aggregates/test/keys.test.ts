import { describe, expect, it } from 'vitest';
import { addContribution, emptyAgencySums, summarize, type AgencySums } from '@ipasn/rules';
import {
  agencyIndexKey,
  agencyKeys,
  aggregatePattern,
  agencyScanPattern,
  contributionOf,
  decodeEntry,
  encodeContribution,
  encodeTombstone,
  escapeGlob,
  invalidReason,
  legsOf,
  metaKey,
  nationalOf,
  parseSums,
  rankingOf,
  SUMS_HASH_FIELDS,
  sumsToHash,
  type Contribution,
} from '../src/index.js';
import { scoredRows, scoreEvent, scoreOf, simulate } from '../src/testing.js';

const NIP = '198501012010011001';

/** The slot-deciding part of a key (Redis Cluster): what is between the first { and the next }. */
function hashTag(key: string): string | null {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : null;
}

describe('key layout', () => {
  it('puts every key of an agency under its hash tag, one slot per agency', () => {
    const k = agencyKeys('ipasn:', '3004', 'perban-8-2019');
    expect(k).toEqual({
      sums: 'ipasn:agg:{3004}:perban-8-2019:sums',
      emp: 'ipasn:agg:{3004}:perban-8-2019:emp',
      meta: 'ipasn:agg:{3004}:meta',
    });
    for (const key of [k.sums, k.emp, k.meta]) expect(hashTag(key)).toBe('3004');
    expect(hashTag(agencyKeys('ipasn:', '3004', 'reformulasi-2024').sums)).toBe('3004');
    expect(metaKey('t1.', '4011')).toBe('t1.agg:{4011}:meta');
  });

  it('keeps the index out of any agency slot and the scan pattern under the prefix', () => {
    expect(agencyIndexKey('ipasn:')).toBe('ipasn:agg:agencies');
    expect(hashTag(agencyIndexKey('ipasn:'))).toBeNull();
    expect(aggregatePattern('ipasn:')).toBe('ipasn:agg:*');
    expect(agencyScanPattern('ipasn:')).toBe('ipasn:agg:{*');
    expect(aggregatePattern('t[1]*?:')).toBe('t\\[1\\]\\*\\?:agg:*');
    expect(escapeGlob('a\\b')).toBe('a\\\\b');
  });

  it.each([
    ['lower-case agency', 'ab12', 'perban-8-2019'],
    ['5-character agency', '30041', 'perban-8-2019'],
    ['brace in agency', '{300', 'perban-8-2019'],
    ['brace in rule set', '3004', 'x}y'],
    ['colon in rule set', '3004', 'a:b'],
    ['glob in rule set', '3004', 'a*'],
    ['empty rule set', '3004', ''],
  ])('refuses a key with a %s', (_what, code, rules) => {
    expect(() => agencyKeys('ipasn:', code, rules)).toThrow(RangeError);
  });
});

describe('entry encoding', () => {
  const c: Contribution = {
    version: 12,
    employmentType: 'PPPK',
    totalQ: 270,
    dimQ: { kualifikasi: 60, kompetensi: 90, kinerja: 100, disiplin: 20 },
    category: 'RENDAH',
    hasGaps: true,
  };

  it('writes the exact text apply-3.lua parses', () => {
    expect(encodeContribution(c)).toBe('12|PPPK|270|60|90|100|20|RENDAH|1');
    expect(encodeTombstone(7)).toBe('7|-');
  });

  it('round-trips contributions and tombstones', () => {
    expect(decodeEntry(encodeContribution(c))).toEqual({ kind: 'contribution', contribution: c });
    expect(decodeEntry(encodeContribution({ ...c, hasGaps: false, version: 0 }))).toEqual({ kind: 'contribution', contribution: { ...c, hasGaps: false, version: 0 } });
    expect(decodeEntry(encodeTombstone(9_007_199_254_740_000))).toEqual({ kind: 'tombstone', version: 9_007_199_254_740_000 });
  });

  it.each(['', '1', 'x|-', '1|-|2', '1|ASN|1|1|1|1|1|RENDAH|0', '1|PNS|1|1|1|1|1|LOW|0', '1|PNS|1|1|1|1|1|RENDAH|2', '1|PNS|1.5|1|1|1|1|RENDAH|0'])(
    'refuses the malformed entry %j',
    (raw) => {
      expect(() => decodeEntry(raw)).toThrow(RangeError);
    },
  );

  it('takes a score event to quarter points exactly', () => {
    const e = scoreEvent({ nip: NIP, rules: 'perban-8-2019', version: 3, agencyCode: '4011', score: scoreOf('perban-8-2019', [60, 90, 100, 20], ['APPRAISAL_MISSING']) });
    expect(contributionOf(e)).toEqual({ version: 3, employmentType: 'PNS', totalQ: 270, dimQ: { kualifikasi: 60, kompetensi: 90, kinerja: 100, disiplin: 20 }, category: e.category, hasGaps: true });
  });
});

describe('legsOf: one Lua call per agency touched', () => {
  const s = scoreOf('perban-8-2019', [60, 90, 100, 20]);
  const base = { nip: NIP, rules: 'perban-8-2019' as const, version: 5, score: s };
  const active = encodeContribution(contributionOf(scoreEvent({ ...base, agencyCode: '3004' })));

  it.each([
    ['a score in the same agency', { agencyCode: '3004', previousAgencyCode: '3004' }, [['current', '3004', active]]],
    ['a first score', { agencyCode: '3004', previousAgencyCode: null }, [['current', '3004', active]]],
    ['a transfer: remove on the old agency, then replace on the new', { agencyCode: '3004', previousAgencyCode: '4011' }, [['previous', '4011', '5|-'], ['current', '3004', active]]],
    ['a separation', { agencyCode: '3004', previousAgencyCode: '3004', status: 'REMOVED' as const }, [['current', '3004', '5|-']]],
    ['a transfer and a separation in one chunk', { agencyCode: '3004', previousAgencyCode: '4011', status: 'REMOVED' as const }, [['previous', '4011', '5|-'], ['current', '3004', '5|-']]],
  ])('%s', (_what, fields, expected) => {
    const legs = legsOf(scoreEvent({ ...base, ...fields }));
    expect(legs.map((l) => [l.role, l.agencyCode, l.entry])).toEqual(expected);
    for (const l of legs) expect([l.nip, l.rules, l.version]).toEqual([NIP, 'perban-8-2019', 5]);
  });

  it.each([
    ['agency code', { agencyCode: '30-4' }],
    ['previous agency code', { previousAgencyCode: 'x' }],
    ['rule set', { ruleSet: 'A{B}' }],
    ['version', { version: -1 }],
    ['not quarter points', { total: 67.1 }],
  ])('refuses a score event with a bad %s', (reason, patch) => {
    expect(invalidReason({ ...scoreEvent({ ...base, agencyCode: '3004' }), ...patch })).toBe(reason);
  });

  it('accepts a REMOVED event whatever its score (it is not counted)', () => {
    expect(invalidReason({ ...scoreEvent({ ...base, agencyCode: '3004', status: 'REMOVED' }), total: 67.1 })).toBeNull();
  });
});

describe('sums hash', () => {
  const sums = (): AgencySums => {
    let s = emptyAgencySums();
    s = addContribution(s, 'PNS', scoreOf('perban-8-2019', [60, 90, 100, 20], ['APPRAISAL_MISSING']));
    s = addContribution(s, 'PPPK', scoreOf('perban-8-2019', [40, 0, 100, 20]));
    return s;
  };

  it('names fields <type>:<field> and leaves zeros out', () => {
    expect(sumsToHash(sums())).toEqual({
      'PNS:n': 1,
      'PNS:total': 270,
      'PNS:kualifikasi': 60,
      'PNS:kompetensi': 90,
      'PNS:kinerja': 100,
      'PNS:disiplin': 20,
      'PNS:gaps': 1,
      [`PNS:c:${scoreOf('perban-8-2019', [60, 90, 100, 20]).category}`]: 1,
      'PPPK:n': 1,
      'PPPK:total': 160,
      'PPPK:kualifikasi': 40,
      'PPPK:kinerja': 100,
      'PPPK:disiplin': 20,
      [`PPPK:c:${scoreOf('perban-8-2019', [40, 0, 100, 20]).category}`]: 1,
    });
    for (const f of Object.keys(sumsToHash(sums()))) expect(SUMS_HASH_FIELDS).toContain(f);
    expect(SUMS_HASH_FIELDS).toHaveLength(2 * (7 + 5));
  });

  it('parses what Redis returns (strings, absent = 0) back to the same sums', () => {
    const asStrings = Object.fromEntries(Object.entries(sumsToHash(sums())).map(([k, v]) => [k, String(v)]));
    expect(parseSums(asStrings)).toEqual(sums());
    expect(parseSums({})).toEqual(emptyAgencySums());
  });

  it.each([{ 'ASN:n': '1' }, { 'PNS:x': '1' }, { 'PNS:c:LOW': '1' }, { 'PNS:n': '1.5' }, { 'PNS:n': 'a' }])('refuses %j', (hash) => {
    expect(() => parseSums(hash)).toThrow(RangeError);
  });
});

describe('national rollup and ranking, on read', () => {
  it('sums every agency exactly and rounds once', () => {
    const { final } = simulate(7, 40, 6);
    const rows = scoredRows(final).filter((r) => r.rules === 'perban-8-2019');
    let all = emptyAgencySums();
    for (const r of rows) all = addContribution(all, r.employmentType, r.score);
    const byAgency = new Map<string, AgencySums>();
    for (const r of rows) byAgency.set(r.agencyCode, addContribution(byAgency.get(r.agencyCode) ?? emptyAgencySums(), r.employmentType, r.score));
    const n = nationalOf('perban-8-2019', [...byAgency].map(([agencyCode, sums]) => ({ agencyCode, rules: 'perban-8-2019', sums })));
    const { agencyCode: _c, ...expected } = summarize('NATIONAL', 'perban-8-2019', all);
    expect(n).toEqual({ ...expected, agencies: byAgency.size, sums: all });
    expect(byAgency.size).toBe(3);
  });

  it('ranks by exact mean, shares a rank only on an exact tie, and leaves empty agencies out', () => {
    const one = (q: [number, number, number, number]) => addContribution(emptyAgencySums(), 'PNS', scoreOf('perban-8-2019', q));
    // 3004: 70.25; 4011: (70 + 70.5) / 2 = 70.25 exactly; 7672: 70.5; 9001: nobody; 9002: 70.1666…
    const rows = [
      { agencyCode: '3004', rules: 'perban-8-2019' as const, sums: one([100, 100, 81, 0]) },
      { agencyCode: '4011', rules: 'perban-8-2019' as const, sums: addContribution(one([100, 100, 80, 0]), 'PNS', scoreOf('perban-8-2019', [100, 100, 82, 0])) },
      { agencyCode: '7672', rules: 'perban-8-2019' as const, sums: one([100, 100, 82, 0]) },
      { agencyCode: '9001', rules: 'perban-8-2019' as const, sums: emptyAgencySums() },
      { agencyCode: '9002', rules: 'perban-8-2019' as const, sums: addContribution(addContribution(one([100, 100, 81, 0]), 'PNS', scoreOf('perban-8-2019', [100, 100, 81, 0])), 'PPPK', scoreOf('perban-8-2019', [100, 100, 80, 0])) },
    ];
    const ranked = rankingOf('perban-8-2019', rows);
    expect(ranked.map((r) => [r.rank, r.summary.agencyCode, r.summary.index.ASN])).toEqual([
      [1, '7672', 70.5],
      [2, '3004', 70.25],
      [2, '4011', 70.25],
      [4, '9002', 70.17],
    ]);
  });
});
