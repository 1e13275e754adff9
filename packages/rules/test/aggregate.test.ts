import type { CanonicalEvent, EmploymentType } from '@ipasn/contracts';
import { describe, expect, it } from 'vitest';
import {
  addContribution,
  aggregateByAgency,
  applyEvent,
  categoryOf,
  emptyAgencySums,
  emptyGroupSums,
  emptyProfile,
  isScorable,
  removeContribution,
  roundHalfUp2,
  getRuleSet,
  score,
  summarize,
  type AgencySums,
  type Profile,
  type Score,
} from '../src/index.js';
import { envelope } from './helpers.js';

const perban = getRuleSet('perban-8-2019');
const AS_OF = '2025-06-30';

function profileOf(nip: string, events: ((nip: string) => CanonicalEvent)[]): Profile {
  let p = emptyProfile(nip);
  for (const make of events) {
    const r = applyEvent(p, make(nip));
    if (!r.ok) throw new Error(r.message);
    p = r.profile;
  }
  return p;
}

describe('roundHalfUp2', () => {
  it.each([
    [81395, 1000, 81.4],
    [1005, 1000, 1.01],
    [78445, 1000, 78.45],
    [10075, 1000, 10.08],
    [710, 12, 59.17],
    [275, 4, 68.75],
    [1, 8, 0.13],
    [1, 200, 0.01],
    [1, 201, 0],
    [2, 3, 0.67],
    [1, 3, 0.33],
    [100, 1, 100],
    [0, 7, 0],
    [-1, 200, 0],
    [-3, 200, -0.01],
  ])('%d / %d → %d', (n, d, want) => {
    expect(roundHalfUp2(n, d)).toBe(want);
  });

  it('takes BigInts and sums beyond 2^53', () => {
    expect(roundHalfUp2(10n ** 20n + 5n * 10n ** 17n, 10n ** 18n)).toBe(100.5);
    expect(roundHalfUp2(2n ** 60n, 2n ** 58n)).toBe(4);
  });

  it('refuses what it cannot do exactly', () => {
    expect(() => roundHalfUp2(1.5, 2)).toThrow(RangeError);
    expect(() => roundHalfUp2(1, 0)).toThrow(RangeError);
    expect(() => roundHalfUp2(2 ** 53, 1)).toThrow(RangeError);
  });

  it('the Kota Bima example (2023): PNS 78.41, PPPK 75.18, ASN 78.25 (Sedang)', () => {
    // The published means, weighted: (3252 × 78.41 + 171 × 75.18) / 3423, in hundredths.
    expect(roundHalfUp2(3252 * 7841 + 171 * 7518, 3423 * 100)).toBe(78.25);
    // Quarter-point sums that give the published group indexes, through summarize.
    const sums: AgencySums = {
      PNS: { ...emptyGroupSums(), headcount: 3252, totalQ: 1019957 },
      PPPK: { ...emptyGroupSums(), headcount: 171, totalQ: 51423 },
    };
    const s = summarize('7672', 'perban-8-2019', sums);
    expect(s.index).toEqual({ PNS: 78.41, PPPK: 75.18, ASN: 78.25 });
    expect(s.headcount).toEqual({ PNS: 3252, PPPK: 171, total: 3423 });
    expect(categoryOf(s.index.ASN!, perban)).toBe('SEDANG');
  });
});

describe('the events.md --by-agency example', () => {
  const upsert = (employmentType: EmploymentType, jobGroup: 'PELAKSANA' | 'FUNGSIONAL_AHLI_MUDA') => (nip: string) =>
    envelope('ipasn.employee.upserted', '4011', { name: 'X', employmentType, jobGroup }, nip);
  const edu = (level: 'S1' | 'S2' | 'D3') => (nip: string) =>
    envelope('ipasn.education.recorded', '4011', { recordId: 'edu-1', level, graduatedOn: '2010-08-31' }, nip);
  const skp = (predicate: 'BAIK' | 'SANGAT_BAIK') => (nip: string) =>
    envelope('ipasn.appraisal.recorded', '4011', { recordId: 'skp-2024', year: 2024, predicate }, nip);
  const training = (kind: 'TECHNICAL' | 'FUNCTIONAL', hours: number, completedOn: string) => (nip: string) =>
    envelope('ipasn.training.recorded', '4011', { recordId: `trn-${kind}`, kind, hours, completedOn }, nip);

  const employees: [Profile, EmploymentType, number][] = [
    [profileOf('197001011995031001', [upsert('PNS', 'PELAKSANA'), edu('S1'), training('TECHNICAL', 24, '2025-02-14'), skp('BAIK')]), 'PNS', 67.5],
    [profileOf('198005052005012002', [upsert('PNS', 'FUNGSIONAL_AHLI_MUDA'), edu('S2'), training('FUNCTIONAL', 40, '2019-05-01'), skp('SANGAT_BAIK')]), 'PNS', 70],
    [profileOf('199203032022212001', [upsert('PPPK', 'PELAKSANA'), edu('D3'), skp('BAIK')]), 'PPPK', 40],
  ];

  it('scores the three employees 67.5, 70 and 40', () => {
    for (const [p, type, total] of employees) {
      expect(isScorable(p)).toBe(true);
      expect(p.employmentType).toBe(type);
      expect(score(p, AS_OF, perban).total).toBe(total);
    }
  });

  it('aggregates to exactly the documented line', () => {
    const rows = employees.map(([p, type]) => ({
      agencyCode: p.agencyCode!,
      employmentType: type,
      rules: 'perban-8-2019' as const,
      score: score(p, AS_OF, perban),
    }));
    const [line, ...rest] = aggregateByAgency(rows);
    expect(rest).toEqual([]);
    expect(JSON.stringify(line)).toBe(
      '{"agencyCode":"4011","rules":"perban-8-2019","headcount":{"PNS":2,"PPPK":1,"total":3},"index":{"PNS":68.75,"PPPK":40,"ASN":59.17},"dimensions":{"kualifikasi":15,"kompetensi":12.5,"kinerja":26.67,"disiplin":5},"categories":{"SANGAT_TINGGI":0,"TINGGI":0,"SEDANG":0,"RENDAH":2,"SANGAT_RENDAH":1},"dataGaps":0}',
    );
  });
});

const mk = (total: number, dims: [number, number, number, number], gaps = false): Score => ({
  total,
  category: categoryOf(total, perban),
  dimensions: { kualifikasi: dims[0], kompetensi: dims[1], kinerja: dims[2], disiplin: dims[3] },
  dataGaps: gaps ? ['APPRAISAL_MISSING'] : [],
});

describe('sums', () => {
  const a = mk(67.5, [15, 22.5, 25, 5]);
  const b = mk(40.25, [10, 0.25, 25, 5], true);
  const c = mk(95, [25, 40, 25, 5]);

  it('addContribution is pure and counts quarter points, categories and employees with gaps', () => {
    const empty = emptyAgencySums();
    const s = addContribution(empty, 'PPPK', b);
    expect(empty).toEqual(emptyAgencySums());
    expect(s.PNS).toEqual(emptyGroupSums());
    expect(s.PPPK).toEqual({
      headcount: 1,
      totalQ: 161,
      dimQ: { kualifikasi: 40, kompetensi: 1, kinerja: 100, disiplin: 20 },
      categories: { SANGAT_TINGGI: 0, TINGGI: 0, SEDANG: 0, RENDAH: 0, SANGAT_RENDAH: 1 },
      dataGaps: 1,
    });
  });

  it('removeContribution undoes addContribution in any order', () => {
    let s = emptyAgencySums();
    s = addContribution(s, 'PNS', a);
    s = addContribution(s, 'PPPK', b);
    s = addContribution(s, 'PNS', c);
    const withoutA = removeContribution(s, 'PNS', a);
    const direct = addContribution(addContribution(emptyAgencySums(), 'PPPK', b), 'PNS', c);
    expect(withoutA).toEqual(direct);
    expect(removeContribution(removeContribution(withoutA, 'PPPK', b), 'PNS', c)).toEqual(emptyAgencySums());
  });

  it('refuses a score that is not in quarter points', () => {
    expect(() => addContribution(emptyAgencySums(), 'PNS', mk(10.1, [10.1, 0, 0, 0]))).toThrow(RangeError);
  });

  it('summarize: an absent group has index null; dimensions are 0 with nobody', () => {
    expect(summarize('4011', 'reformulasi-2024', emptyAgencySums())).toEqual({
      agencyCode: '4011',
      rules: 'reformulasi-2024',
      headcount: { PNS: 0, PPPK: 0, total: 0 },
      index: { PNS: null, PPPK: null, ASN: null },
      dimensions: { kualifikasi: 0, kompetensi: 0, kinerja: 0, disiplin: 0 },
      categories: { SANGAT_TINGGI: 0, TINGGI: 0, SEDANG: 0, RENDAH: 0, SANGAT_RENDAH: 0 },
      dataGaps: 0,
    });
    const onlyPppk = summarize('4011', 'perban-8-2019', addContribution(emptyAgencySums(), 'PPPK', b));
    expect(onlyPppk.index).toEqual({ PNS: null, PPPK: 40.25, ASN: 40.25 });
  });

  it('aggregateByAgency groups by agency and rule set, sorted by agency then rules', () => {
    const rows = [
      { agencyCode: '6300', employmentType: 'PNS' as const, rules: 'reformulasi-2024' as const, score: a },
      { agencyCode: '3004', employmentType: 'PNS' as const, rules: 'reformulasi-2024' as const, score: c },
      { agencyCode: '6300', employmentType: 'PPPK' as const, rules: 'perban-8-2019' as const, score: b },
      { agencyCode: '3004', employmentType: 'PNS' as const, rules: 'perban-8-2019' as const, score: a },
      { agencyCode: '3004', employmentType: 'PNS' as const, rules: 'perban-8-2019' as const, score: c },
    ];
    const out = aggregateByAgency(rows);
    expect(out.map((s) => `${s.agencyCode}/${s.rules}`)).toEqual([
      '3004/perban-8-2019',
      '3004/reformulasi-2024',
      '6300/perban-8-2019',
      '6300/reformulasi-2024',
    ]);
    expect(out[0]!.index).toEqual({ PNS: 81.25, PPPK: null, ASN: 81.25 });
    expect(out[0]!.categories).toEqual({ SANGAT_TINGGI: 1, TINGGI: 0, SEDANG: 0, RENDAH: 1, SANGAT_RENDAH: 0 });
    expect(aggregateByAgency([])).toEqual([]);
  });
});
