/**
 * bkn-2023 cell by cell, the numbers written out by hand from ipasn-rules.md ("Rule set
 * `bkn-2023`"), independently of the data file.
 */
import { DISCIPLINE_LEVELS, EDUCATION_LEVELS, JOB_GROUPS, LEADERSHIP_LEVELS, type JobGroup, type LeadershipLevel, type Predicate } from '@ipasn/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getRuleSet, nextChange, parseRuleSet, score, type Profile } from '../src/index.js';
import bknJson from '../src/data/bkn-2023.json' with { type: 'json' };
import { dateArb, profileArb } from './arbitraries.js';
import { build, employee, ev, A, rec } from './helpers.js';

const bkn = getRuleSet('bkn-2023');
const perban = getRuleSet('perban-8-2019');
const AS_OF = '2025-06-30';

type Column = 'struktural' | 'fungsional' | 'pelaksana';
const columnOf = (g: JobGroup): Column => (g === 'PELAKSANA' ? 'pelaksana' : g.startsWith('FUNGSIONAL_') ? 'fungsional' : 'struktural');

// [predicate, kompetensi base, kinerja]
const BY_PREDICATE: [Predicate, number, number][] = [
  ['SANGAT_BAIK', 25, 30],
  ['BAIK', 20, 25],
  ['BUTUH_PERBAIKAN', 15, 15],
  ['CUKUP', 15, 15],
  ['KURANG', 10, 5],
  ['SANGAT_KURANG', 5, 1],
  ['BURUK', 5, 1],
];

// Development, 15 in all: the placeholder split of the doc.
const DEVELOPMENT: Record<Column, { leadership: number; functional: number; technical: number; seminar: number }> = {
  struktural: { leadership: 5, functional: 0, technical: 5, seminar: 5 },
  fungsional: { leadership: 0, functional: 5, technical: 5, seminar: 5 },
  pelaksana: { leadership: 0, functional: 0, technical: 10, seminar: 5 },
};

const REQUIRED: Partial<Record<JobGroup, LeadershipLevel>> = {
  JPT_UTAMA: 'PKN_I',
  JPT_MADYA: 'PKN_I',
  JPT_PRATAMA: 'PKN_II',
  ADMINISTRATOR: 'PKA',
  PENGAWAS: 'PKP',
};
const ORDER: LeadershipLevel[] = ['PKP', 'PKA', 'PKN_II', 'PKN_I'];

const komp = (jobGroup: JobGroup, ...records: Parameters<typeof employee>[1][]): number =>
  score(employee({ jobGroup }, ...records), AS_OF, bkn).dimensions.kompetensi;

describe('bkn-2023: the worked example of ipasn-rules.md', () => {
  // A PNS pelaksana with S1, 24 JP technical training on 2025-03-01, one seminar on 2024-01-10
  // (outside 12 months) and a 2024 appraisal BAIK, as of 2025-06-30.
  const example = (employmentType: 'PNS' | 'PPPK') =>
    employee(
      { jobGroup: 'PELAKSANA', employmentType },
      rec.edu('S1', '2012-08-31'),
      rec.trn('TECHNICAL', 24, '2025-03-01'),
      rec.trn('SEMINAR', 8, '2024-01-10'),
      rec.apr(2024, { predicate: 'BAIK' }),
    );

  it('gives 15 + (20 + 10) + 25 + 5 = 75, SEDANG', () => {
    expect(score(example('PNS'), AS_OF, bkn)).toEqual({
      total: 75,
      category: 'SEDANG',
      dimensions: { kualifikasi: 15, kompetensi: 30, kinerja: 25, disiplin: 5 },
      dataGaps: [],
    });
  });

  it('gives 85 (TINGGI) under perban-8-2019: 22.5 + 17.5, the seminar inside 24 months', () => {
    expect(score(example('PNS'), AS_OF, perban)).toEqual({
      total: 85,
      category: 'TINGGI',
      dimensions: { kualifikasi: 15, kompetensi: 40, kinerja: 25, disiplin: 5 },
      dataGaps: [],
    });
  });

  it('gives 85 (TINGGI) under reformulasi-2024: 25 + 15, the required level unknown', () => {
    expect(score(example('PNS'), AS_OF, getRuleSet('reformulasi-2024'))).toEqual({
      total: 85,
      category: 'TINGGI',
      dimensions: { kualifikasi: 15, kompetensi: 40, kinerja: 25, disiplin: 5 },
      dataGaps: ['REQUIRED_EDUCATION_MISSING'],
    });
  });

  it('scores a PPPK exactly like a PNS', () => {
    expect(score(example('PPPK'), AS_OF, bkn)).toEqual(score(example('PNS'), AS_OF, bkn));
  });
});

describe('bkn-2023: performance base and kinerja, every predicate × every job group', () => {
  const cases = JOB_GROUPS.flatMap((g) => BY_PREDICATE.map(([p, base, kinerja]) => [g, p, base, kinerja] as const));
  it.each(cases)('%s, %s → kompetensi %d (no training), kinerja %d', (g, predicate, base, kinerja) => {
    const s = score(employee({ jobGroup: g }, rec.apr(2025, { predicate })), AS_OF, bkn);
    expect(s.dimensions.kompetensi).toBe(base);
    expect(s.dimensions.kinerja).toBe(kinerja);
  });

  it.each(JOB_GROUPS)('%s, SANGAT_BAIK and every development indicator → 25 + 15 = 40', (g) => {
    expect(
      komp(
        g,
        rec.apr(2025, { predicate: 'SANGAT_BAIK' }),
        rec.lead('PKN_I', '2015-01-01'),
        rec.trn('FUNCTIONAL', 40, '2012-01-01'),
        rec.trn('TECHNICAL', 20, '2025-01-10'),
        rec.trn('SEMINAR', 4, '2025-01-10'),
      ),
    ).toBe(40);
  });
});

describe('bkn-2023: the base follows the appraisal Kinerja uses', () => {
  // Numeric scores convert by Kinerja's thresholds: ≥ 91 SANGAT_BAIK, ≥ 76 BAIK, ≥ 61 CUKUP, ≥ 51 KURANG, else BURUK.
  it.each([
    [100, 25, 30],
    [91, 25, 30],
    [90.99, 20, 25],
    [76, 20, 25],
    [75.99, 15, 15],
    [61, 15, 15],
    [60.99, 10, 5],
    [51, 10, 5],
    [50.99, 5, 1],
    [0, 5, 1],
  ])('score %d → base %d, kinerja %d', (value, base, kinerja) => {
    const s = score(employee({}, rec.apr(2025, { score: value })), AS_OF, bkn);
    expect([s.dimensions.kompetensi, s.dimensions.kinerja]).toEqual([base, kinerja]);
  });

  it('a predicate wins over a score on the same appraisal, for both dimensions', () => {
    const s = score(employee({}, rec.apr(2025, { predicate: 'BAIK', score: 95 })), AS_OF, bkn);
    expect([s.dimensions.kompetensi, s.dimensions.kinerja]).toEqual([20, 25]);
  });

  it.each([
    [2026, 0, 0], // a future year is not eligible yet
    [2025, 25, 30],
    [2024, 25, 30],
    [2023, 0, 0], // aged out on 2025-01-01
  ])('only an appraisal of %d → base %d, kinerja %d', (year, base, kinerja) => {
    const s = score(employee({}, rec.apr(year, { predicate: 'SANGAT_BAIK' })), AS_OF, bkn);
    expect([s.dimensions.kompetensi, s.dimensions.kinerja]).toEqual([base, kinerja]);
  });

  it('the highest eligible year wins, whatever the event order', () => {
    const a = employee({}, rec.apr(2025, { predicate: 'KURANG' }), rec.apr(2024, { predicate: 'SANGAT_BAIK' }));
    const b = employee({}, rec.apr(2024, { predicate: 'SANGAT_BAIK' }), rec.apr(2025, { predicate: 'KURANG' }));
    for (const p of [a, b]) expect(score(p, AS_OF, bkn).dimensions).toMatchObject({ kompetensi: 10, kinerja: 5 });
  });

  it('of two appraisals of one year the later in event order wins; a correction of the first makes it the later', () => {
    const first = ev.appraisal(A, 'skp-a', 2025, { predicate: 'SANGAT_BAIK' });
    const second = ev.appraisal(A, 'skp-b', 2025, { predicate: 'CUKUP' });
    const p = build([ev.upsert(A), first, second]);
    expect(score(p, AS_OF, bkn).dimensions).toMatchObject({ kompetensi: 15, kinerja: 15 });
    const corrected = build([ev.appraisal(A, 'skp-a', 2025, { predicate: 'BAIK' })], p);
    expect(score(corrected, AS_OF, bkn).dimensions).toMatchObject({ kompetensi: 20, kinerja: 25 });
  });

  it('no eligible appraisal: base 0, and APPRAISAL_MISSING is named once', () => {
    const s = score(employee({}, rec.edu('S1'), rec.trn('TECHNICAL', 20, '2025-01-10')), AS_OF, bkn);
    expect(s.dimensions).toEqual({ kualifikasi: 15, kompetensi: 10, kinerja: 0, disiplin: 5 });
    expect(s.dataGaps).toEqual(['APPRAISAL_MISSING']);
  });
});

describe('bkn-2023: development, every job group × every indicator (no appraisal, so no base)', () => {
  const only = {
    leadership: () => rec.lead('PKN_I', '2015-01-01'),
    functional: () => rec.trn('FUNCTIONAL', 40, '2012-01-01'),
    technical: () => rec.trn('TECHNICAL', 20, '2025-01-10'),
    seminar: () => rec.trn('SEMINAR', 4, '2025-01-10'),
  };
  const cases = JOB_GROUPS.flatMap((g) =>
    (['leadership', 'functional', 'technical', 'seminar'] as const).map((c) => [g, c, DEVELOPMENT[columnOf(g)][c]] as const),
  );
  it.each(cases)('%s with only the %s indicator → %d', (g, c, points) => {
    expect(komp(g, only[c]())).toBe(points);
  });

  it.each(JOB_GROUPS)('%s with every indicator → 15', (g) => {
    expect(komp(g, only.leadership(), only.functional(), only.technical(), only.seminar())).toBe(15);
  });

  const leadershipCases = Object.entries(REQUIRED).flatMap(([post, need]) =>
    LEADERSHIP_LEVELS.map((held) => [post as JobGroup, held, ORDER.indexOf(held) >= ORDER.indexOf(need) ? 5 : 0] as const),
  );
  it.each(leadershipCases)('%s holding %s → %d (the matching level or a higher one)', (post, held, points) => {
    expect(komp(post, rec.lead(held, '2001-01-01'))).toBe(points);
  });

  it('leadership and functional trainings count if ever completed on or before asOf, not after', () => {
    expect(komp('PENGAWAS', rec.lead('PKP', '1999-01-01'))).toBe(5);
    expect(komp('PENGAWAS', rec.lead('PKP', AS_OF))).toBe(5);
    expect(komp('PENGAWAS', rec.lead('PKP', '2025-07-01'))).toBe(0);
    expect(komp('FUNGSIONAL_MAHIR', rec.trn('FUNCTIONAL', 1, '1999-01-01'))).toBe(5);
    expect(komp('FUNGSIONAL_MAHIR', rec.trn('FUNCTIONAL', 1, '2025-07-01'))).toBe(0);
  });

  it('a training counts only under its own kind', () => {
    expect(komp('PELAKSANA', rec.trn('SEMINAR', 40, '2025-01-10'))).toBe(5); // a long seminar is not technical
    expect(komp('PELAKSANA', rec.trn('FUNCTIONAL', 40, '2025-01-10'))).toBe(0);
    expect(komp('PELAKSANA', rec.lead('PKN_I', '2025-01-10'))).toBe(0);
    expect(komp('FUNGSIONAL_AHLI_MUDA', rec.lead('PKN_I', '2025-01-10'))).toBe(0);
    expect(komp('PENGAWAS', rec.trn('FUNCTIONAL', 40, '2025-01-10'))).toBe(0);
  });
});

describe('bkn-2023: technical hours and seminars in the 12 months up to asOf', () => {
  // (2024-06-30, 2025-06-30]: exactly 12 months before is outside, asOf itself inside.
  it.each([
    ['2024-06-30', 0],
    ['2024-07-01', 10],
    ['2025-06-30', 10],
    ['2025-07-01', 0],
  ])('20 JP technical on %s → %d (pelaksana)', (on, points) => {
    expect(komp('PELAKSANA', rec.trn('TECHNICAL', 20, on))).toBe(points);
  });

  it.each([
    ['2024-06-30', 0],
    ['2024-07-01', 5],
    ['2025-06-30', 5],
    ['2025-07-01', 0],
  ])('a seminar on %s → %d (12 months, not perban 24)', (on, points) => {
    expect(komp('ADMINISTRATOR', rec.trn('SEMINAR', 2, on))).toBe(points);
  });

  it.each([
    [[20], 10],
    [[19], 0],
    [[12, 8], 10],
    [[12, 7], 0],
    [[1, 1, 1, 17], 10],
    [[0], 0],
  ])('the threshold is on the sum of JP in the window: %j → %d', (hours, points) => {
    expect(komp('PELAKSANA', ...hours.map((h, i) => rec.trn('TECHNICAL', h, `2025-0${i + 1}-15`)))).toBe(points);
  });

  it('JP outside the window do not add up: 12 inside + 8 exactly 12 months before → 0', () => {
    expect(komp('PELAKSANA', rec.trn('TECHNICAL', 12, '2025-01-15'), rec.trn('TECHNICAL', 8, '2024-06-30'))).toBe(0);
    expect(komp('PELAKSANA', rec.trn('TECHNICAL', 12, '2025-01-15'), rec.trn('TECHNICAL', 8, '2024-07-01'))).toBe(10);
  });

  it('a record of 2024-02-29 is inside on 2025-02-28 and leaves on 2025-03-01', () => {
    const p = employee({ jobGroup: 'PELAKSANA' }, rec.trn('TECHNICAL', 20, '2024-02-29'), rec.trn('SEMINAR', 2, '2024-02-29'));
    expect(score(p, '2025-02-28', bkn).dimensions.kompetensi).toBe(15);
    expect(score(p, '2025-03-01', bkn).dimensions.kompetensi).toBe(0);
    expect(nextChange(p, '2024-06-01', bkn)).toBe('2025-03-01');
  });
});

describe('bkn-2023: the cap at 40', () => {
  it('cannot bind with the shipped numbers (25 + 15) …', () => {
    for (const g of JOB_GROUPS) {
      const best = komp(g, rec.apr(2025, { predicate: 'SANGAT_BAIK' }), rec.lead('PKN_I'), rec.trn('FUNCTIONAL', 40, '2012-01-01'), rec.trn('TECHNICAL', 40, '2025-01-10'), rec.trn('SEMINAR', 4, '2025-01-10'));
      expect(best).toBe(40);
    }
  });

  it('… but holds when an operator raises a number: 25 + 20 + 5 → 40, 20 + 20 → 40, 15 + 20 + 5 → 40', () => {
    const doc = structuredClone(bknJson);
    doc.version = 'test-cap';
    doc.kompetensi.columns[2]!.components[1]!.points = 20; // pelaksana technical
    const raised = parseRuleSet(doc);
    const at = (predicate: Predicate, ...records: Parameters<typeof employee>[1][]): number =>
      score(employee({ jobGroup: 'PELAKSANA' }, rec.apr(2025, { predicate }), ...records), AS_OF, raised).dimensions.kompetensi;
    expect(at('SANGAT_BAIK', rec.trn('TECHNICAL', 20, '2025-01-10'), rec.trn('SEMINAR', 2, '2025-01-10'))).toBe(40);
    expect(at('BAIK', rec.trn('TECHNICAL', 20, '2025-01-10'))).toBe(40);
    expect(at('CUKUP', rec.trn('TECHNICAL', 20, '2025-01-10'), rec.trn('SEMINAR', 2, '2025-01-10'))).toBe(40);
    expect(at('KURANG', rec.trn('TECHNICAL', 20, '2025-01-10'))).toBe(30);
  });
});

describe('bkn-2023: kualifikasi, disiplin and categories as perban-8-2019', () => {
  it.each(EDUCATION_LEVELS)('education %s scores as under perban', (level) => {
    const p = employee({}, rec.edu(level));
    expect(score(p, AS_OF, bkn).dimensions.kualifikasi).toBe(score(p, AS_OF, perban).dimensions.kualifikasi);
  });

  it.each(DISCIPLINE_LEVELS)('a %s penalty years ago still counts (worst ever), as under perban', (level) => {
    const p = employee({}, rec.dis(level, '2012-01-01'));
    expect(score(p, AS_OF, bkn).dimensions.disiplin).toBe(score(p, AS_OF, perban).dimensions.disiplin);
    expect(score(p, AS_OF, bkn).dimensions.disiplin).toBeLessThan(5);
  });

  it('the categories are the same thresholds', () => {
    expect(bkn.categories).toEqual(perban.categories);
  });
});

describe('bkn-2023: nextChange when the appraisal year ages out', () => {
  it('changes kompetensi and kinerja on the same day', () => {
    const p = employee({ jobGroup: 'PELAKSANA' }, rec.edu('S1'), rec.apr(2024, { predicate: 'BAIK' }));
    expect(nextChange(p, AS_OF, bkn)).toBe('2026-01-01');
    expect(score(p, '2025-12-31', bkn).dimensions).toEqual({ kualifikasi: 15, kompetensi: 20, kinerja: 25, disiplin: 5 });
    expect(score(p, '2026-01-01', bkn)).toEqual({
      total: 20,
      category: 'SANGAT_RENDAH',
      dimensions: { kualifikasi: 15, kompetensi: 0, kinerja: 0, disiplin: 5 },
      dataGaps: ['APPRAISAL_MISSING'],
    });
    expect(nextChange(p, '2026-01-01', bkn)).toBeNull();
  });

  it('is the day even when the two changes cancel in the total', () => {
    // On 2026-01-01 the 2024 SANGAT_BAIK ages out and the 2026 BAIK takes over (base −5, kinerja −5)
    // while a 20 JP technical training of that day enters the window (+10): kompetensi +5, kinerja −5.
    const p = employee(
      { jobGroup: 'PELAKSANA' },
      rec.edu('S1'),
      rec.apr(2024, { predicate: 'SANGAT_BAIK' }),
      rec.apr(2026, { predicate: 'BAIK' }),
      rec.trn('TECHNICAL', 20, '2026-01-01'),
    );
    const before = score(p, '2025-12-31', bkn);
    const after = score(p, '2026-01-01', bkn);
    expect(before.dimensions).toEqual({ kualifikasi: 15, kompetensi: 25, kinerja: 30, disiplin: 5 });
    expect(after.dimensions).toEqual({ kualifikasi: 15, kompetensi: 30, kinerja: 25, disiplin: 5 });
    expect(after.total).toBe(before.total);
    expect(after.category).toBe(before.category);
    expect(nextChange(p, AS_OF, bkn)).toBe('2026-01-01');
  });

  it('a new year displacing the old one with the same predicate changes nothing', () => {
    const p = employee({ jobGroup: 'PELAKSANA' }, rec.apr(2024, { predicate: 'BAIK' }), rec.apr(2026, { predicate: 'BAIK' }));
    expect(nextChange(p, AS_OF, bkn)).toBe('2028-01-01');
  });

  it('the seminar leaves after 12 months under bkn-2023, after 24 under perban-8-2019', () => {
    const p = employee({ jobGroup: 'PENGAWAS' }, rec.trn('SEMINAR', 3, '2024-10-31'));
    expect(nextChange(p, '2024-10-31', bkn)).toBe('2025-10-31');
    expect(nextChange(p, '2024-10-31', perban)).toBe('2026-10-31');
  });
});

describe('bkn-2023: the base and kinerja read one appraisal (property)', () => {
  // kinerja → base is a function for bkn-2023 (CUKUP and BUTUH_PERBAIKAN share 15/15, the two lowest 1/5).
  const BASE_OF_KINERJA = new Map([[30, 25], [25, 20], [15, 15], [5, 10], [1, 5], [0, 0]]);
  const withoutAppraisals = (p: Profile): Profile => ({
    ...p,
    records: Object.fromEntries(Object.entries(p.records).filter(([, r]) => r.t !== 'apr')),
  });

  it('kompetensi = min(40, base(the predicate kinerja uses) + development without any appraisal)', () => {
    fc.assert(
      fc.property(profileArb, dateArb, (p, asOf) => {
        // A never-upserted profile has no column, hence no kompetensi at all.
        fc.pre(p.jobGroup !== undefined);
        const s = score(p, asOf, bkn);
        const base = BASE_OF_KINERJA.get(s.dimensions.kinerja);
        expect(base).toBeDefined();
        const development = score(withoutAppraisals(p), asOf, bkn).dimensions.kompetensi;
        expect(s.dimensions.kompetensi).toBe(Math.min(40, base! + development));
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});
