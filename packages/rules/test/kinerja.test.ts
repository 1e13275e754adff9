import type { Predicate } from '@ipasn/contracts';
import { describe, expect, it } from 'vitest';
import { getRuleSet, score } from '../src/index.js';
import { build, employee, ev, A, rec } from './helpers.js';

const perban = getRuleSet('perban-8-2019');
const reform = getRuleSet('reformulasi-2024');
const AS_OF = '2025-06-30';

// ipasn-rules.md, written out independently of the data files: [predicate, perban, reformulasi].
const PREDICATES: [Predicate, number, number][] = [
  ['SANGAT_BAIK', 30, 30],
  ['BAIK', 25, 25],
  ['CUKUP', 15, 15],
  ['BUTUH_PERBAIKAN', 15, 15],
  ['KURANG', 5, 10],
  ['BURUK', 1, 5],
  ['SANGAT_KURANG', 1, 5],
];

const kinerja = (p: ReturnType<typeof employee>, asOf = AS_OF): { perban: number; reform: number } => ({
  perban: score(p, asOf, perban).dimensions.kinerja,
  reform: score(p, asOf, reform).dimensions.kinerja,
});

describe('kinerja by predicate', () => {
  it.each(PREDICATES)('%s → perban %d, reformulasi %d', (predicate, p, r) => {
    expect(kinerja(employee({}, rec.apr(2025, { predicate })))).toEqual({ perban: p, reform: r });
  });
});

describe('kinerja by numeric score (≥ 91 SANGAT_BAIK, ≥ 76 BAIK, ≥ 61 CUKUP, ≥ 51 KURANG, else BURUK)', () => {
  it.each([
    [100, 30, 30],
    [91, 30, 30],
    [90.99, 25, 25],
    [76, 25, 25],
    [75.99, 15, 15],
    [61, 15, 15],
    [60.99, 5, 10],
    [51, 5, 10],
    [50.99, 1, 5],
    [0, 1, 5],
  ])('score %d → perban %d, reformulasi %d', (s, p, r) => {
    expect(kinerja(employee({}, rec.apr(2025, { score: s })))).toEqual({ perban: p, reform: r });
  });

  it('the predicate wins over the score', () => {
    expect(kinerja(employee({}, rec.apr(2025, { predicate: 'KURANG', score: 95 })))).toEqual({ perban: 5, reform: 10 });
    expect(kinerja(employee({}, rec.apr(2025, { predicate: 'SANGAT_BAIK', score: 10 })))).toEqual({ perban: 30, reform: 30 });
  });
});

describe('which appraisal: year asOf.year or asOf.year − 1, highest year wins', () => {
  it('the current year wins over the previous one, whatever the event order', () => {
    const p = employee({}, rec.apr(2025, { predicate: 'KURANG' }), rec.apr(2024, { predicate: 'SANGAT_BAIK' }));
    expect(kinerja(p).perban).toBe(5);
  });

  it('the previous year counts alone', () => {
    expect(kinerja(employee({}, rec.apr(2024, { predicate: 'BAIK' }))).perban).toBe(25);
    expect(kinerja(employee({}, rec.apr(2024, { predicate: 'BAIK' })), '2025-01-01').perban).toBe(25);
    expect(kinerja(employee({}, rec.apr(2024, { predicate: 'BAIK' })), '2024-01-01').perban).toBe(25);
  });

  it('two years back is too old, a future year does not count yet', () => {
    for (const year of [2023, 2026]) {
      const p = employee({}, rec.apr(year, { predicate: 'BAIK' }));
      const s = score(p, AS_OF, perban);
      expect(s.dimensions.kinerja).toBe(0);
      expect(s.dataGaps).toContain('APPRAISAL_MISSING');
    }
    expect(kinerja(employee({}, rec.apr(2023, { predicate: 'BAIK' })), '2024-12-31').perban).toBe(25);
  });

  it('same year: the one later in the event order wins', () => {
    const p = employee({}, rec.apr(2025, { predicate: 'SANGAT_BAIK' }), rec.apr(2025, { predicate: 'CUKUP' }));
    expect(kinerja(p).perban).toBe(15);
    const q = employee({}, rec.apr(2025, { predicate: 'CUKUP' }), rec.apr(2025, { predicate: 'SANGAT_BAIK' }));
    expect(kinerja(q).perban).toBe(30);
  });

  it('a correction (same recordId) comes later in the event order, so it wins its year', () => {
    const p = build([
      ev.upsert(A),
      ev.appraisal(A, 'skp-a', 2025, { predicate: 'CUKUP' }),
      ev.appraisal(A, 'skp-b', 2025, { predicate: 'BAIK' }),
      ev.appraisal(A, 'skp-a', 2025, { predicate: 'SANGAT_BAIK' }),
    ]);
    expect(kinerja(p).perban).toBe(30);
  });

  it('no appraisal in those two years → 0 and APPRAISAL_MISSING', () => {
    for (const rs of [perban, reform]) {
      const s = score(employee({}), AS_OF, rs);
      expect(s.dimensions.kinerja).toBe(0);
      expect(s.dataGaps).toContain('APPRAISAL_MISSING');
    }
  });
});
