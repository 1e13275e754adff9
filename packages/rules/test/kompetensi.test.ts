import { JOB_GROUPS, LEADERSHIP_LEVELS, type JobGroup, type LeadershipLevel } from '@ipasn/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyProfile, parseRuleSet, getRuleSet, score, type AnyRuleSet } from '../src/index.js';
import perbanJson from '../src/data/perban-8-2019.json' with { type: 'json' };
import { employee, ev, NIP, rec } from './helpers.js';

const perban = getRuleSet('perban-8-2019');
const reform = getRuleSet('reformulasi-2024');
const AS_OF = '2025-06-30';

const REQUIRED: Partial<Record<JobGroup, LeadershipLevel>> = {
  JPT_UTAMA: 'PKN_I',
  JPT_MADYA: 'PKN_I',
  JPT_PRATAMA: 'PKN_II',
  ADMINISTRATOR: 'PKA',
  PENGAWAS: 'PKP',
};
const columnOf = (g: JobGroup): 'struktural' | 'fungsional' | 'pelaksana' =>
  g === 'PELAKSANA' ? 'pelaksana' : g.startsWith('FUNGSIONAL_') ? 'fungsional' : 'struktural';

const komp = (jobGroup: JobGroup, rs: AnyRuleSet, ...records: Parameters<typeof employee>[1][]): number =>
  score(employee({ jobGroup }, ...records), AS_OF, rs).dimensions.kompetensi;

describe('perban-8-2019 kompetensi: every job group × every column of the table', () => {
  // ipasn-rules.md: struktural 15/—/15/10, fungsional —/15/15/10, pelaksana —/—/22.5/17.5.
  const TABLE = {
    struktural: { leadership: 15, functional: 0, technical: 15, seminar: 10 },
    fungsional: { leadership: 0, functional: 15, technical: 15, seminar: 10 },
    pelaksana: { leadership: 0, functional: 0, technical: 22.5, seminar: 17.5 },
  };
  const only = {
    leadership: () => rec.lead('PKN_I', '2015-01-01'),
    functional: () => rec.trn('FUNCTIONAL', 40, '2012-01-01'),
    technical: () => rec.trn('TECHNICAL', 20, '2025-01-10'),
    seminar: () => rec.trn('SEMINAR', 4, '2024-01-10'),
  };
  const cases = JOB_GROUPS.flatMap((g) =>
    (['leadership', 'functional', 'technical', 'seminar'] as const).map((c) => [g, c, TABLE[columnOf(g)][c]] as const),
  );
  it.each(cases)('%s with only the %s indicator → %d', (g, c, points) => {
    expect(komp(g, perban, only[c]())).toBe(points);
  });

  it.each(JOB_GROUPS)('%s with everything → 40 (the maximum)', (g) => {
    expect(komp(g, perban, only.leadership(), only.functional(), only.technical(), only.seminar())).toBe(40);
  });

  it.each(JOB_GROUPS)('%s with nothing → 0', (g) => {
    expect(komp(g, perban)).toBe(0);
  });
});

describe('leadership training matching the post (a higher level also counts)', () => {
  const order: LeadershipLevel[] = ['PKP', 'PKA', 'PKN_II', 'PKN_I'];
  const cases = Object.entries(REQUIRED).flatMap(([post, need]) =>
    LEADERSHIP_LEVELS.map((held) => [post as JobGroup, held, order.indexOf(held) >= order.indexOf(need) ? 15 : 0] as const),
  );
  it.each(cases)('perban: %s holding %s → %d', (post, held, points) => {
    expect(komp(post, perban, rec.lead(held))).toBe(points);
  });
  it.each(cases)('reformulasi: %s holding %s (years ago) → %d', (post, held, points) => {
    expect(komp(post, reform, rec.lead(held, '2015-01-01'))).toBe(points);
  });

  it('with higherCounts off in the data, only the exact level counts', () => {
    const doc = structuredClone(perbanJson);
    doc.kompetensi.leadership.higherCounts = false;
    const exact = parseRuleSet(doc);
    expect(komp('ADMINISTRATOR', exact, rec.lead('PKN_II'))).toBe(0);
    expect(komp('ADMINISTRATOR', exact, rec.lead('PKA'))).toBe(15);
  });

  it('counts a leadership training completed on asOf, not one completed after it', () => {
    expect(komp('PENGAWAS', perban, rec.lead('PKP', AS_OF))).toBe(15);
    expect(komp('PENGAWAS', perban, rec.lead('PKP', '2025-07-01'))).toBe(0);
  });

  it('leadership training never counts for functional posts, nor functional training for structural ones', () => {
    for (const rs of [perban, reform]) {
      expect(komp('FUNGSIONAL_AHLI_MUDA', rs, rec.lead('PKN_I', '2010-01-01'))).toBe(0);
      expect(komp('ADMINISTRATOR', rs, rec.trn('FUNCTIONAL', 10, '2010-01-01'))).toBe(0);
      expect(komp('PELAKSANA', rs, rec.lead('PKN_I', '2010-01-01'), rec.trn('FUNCTIONAL', 10, '2010-01-01'))).toBe(0);
    }
  });

  it('functional training counts whenever completed (on or before asOf)', () => {
    expect(komp('FUNGSIONAL_PEMULA', perban, rec.trn('FUNCTIONAL', 0, '1999-01-01'))).toBe(15);
    expect(komp('FUNGSIONAL_PEMULA', perban, rec.trn('FUNCTIONAL', 10, '2025-07-01'))).toBe(0);
  });
});

describe('perban technical training: ≥ 20 JP in the 12 months up to asOf', () => {
  it.each([
    [[19], 0],
    [[20], 15],
    [[5, 5, 5, 4], 0],
    [[5, 5, 5, 5], 15],
    [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 15],
    [[0, 0, 19], 0],
    [[100], 15],
  ])('JP %j → %d', (hours, points) => {
    const trainings = hours.map((h, i) => rec.trn('TECHNICAL', h, `2025-0${1 + (i % 6)}-15`));
    expect(komp('PENGAWAS', perban, ...trainings)).toBe(points);
  });

  it('sums only TECHNICAL hours', () => {
    expect(komp('PELAKSANA', perban, rec.trn('SEMINAR', 40, '2025-05-01'), rec.trn('TECHNICAL', 19, '2025-05-01'))).toBe(17.5);
    expect(komp('PELAKSANA', perban, rec.trn('FUNCTIONAL', 40, '2025-05-01'))).toBe(0);
  });

  it('sums only trainings inside the window', () => {
    expect(komp('PELAKSANA', perban, rec.trn('TECHNICAL', 10, '2024-06-30'), rec.trn('TECHNICAL', 10, '2024-07-01'))).toBe(0);
    expect(komp('PELAKSANA', perban, rec.trn('TECHNICAL', 10, '2024-07-01'), rec.trn('TECHNICAL', 10, AS_OF))).toBe(22.5);
    expect(komp('PELAKSANA', perban, rec.trn('TECHNICAL', 10, '2024-07-01'), rec.trn('TECHNICAL', 10, '2025-07-01'))).toBe(0);
  });
});

describe('window boundaries: (asOf − N months, asOf]', () => {
  const technical = (asOf: string, on: string): number =>
    score(employee({ jobGroup: 'PELAKSANA' }, rec.trn('TECHNICAL', 20, on)), asOf, perban).dimensions.kompetensi;
  const seminar = (asOf: string, on: string): number =>
    score(employee({ jobGroup: 'PELAKSANA' }, rec.trn('SEMINAR', 0, on)), asOf, perban).dimensions.kompetensi;

  it.each([
    ['2025-06-30', '2024-06-30', 0],
    ['2025-06-30', '2024-07-01', 22.5],
    ['2025-06-30', '2025-06-30', 22.5],
    ['2025-06-30', '2025-07-01', 0],
    ['2024-02-29', '2023-02-28', 0],
    ['2024-02-29', '2023-03-01', 22.5],
    ['2025-02-28', '2024-02-28', 0],
    ['2025-02-28', '2024-02-29', 22.5],
    ['2023-04-30', '2022-04-30', 0],
    ['2023-04-30', '2022-05-01', 22.5],
    ['2025-03-31', '2024-03-31', 0],
    ['2025-03-31', '2024-04-01', 22.5],
  ])('12 months: as of %s a training on %s → %d', (asOf, on, points) => {
    expect(technical(asOf, on)).toBe(points);
  });

  it.each([
    ['2025-06-30', '2023-06-30', 0],
    ['2025-06-30', '2023-07-01', 17.5],
    ['2025-06-30', '2025-06-30', 17.5],
    ['2025-06-30', '2025-07-01', 0],
    ['2024-02-29', '2022-02-28', 0],
    ['2024-02-29', '2022-03-01', 17.5],
    ['2026-02-28', '2024-02-28', 0],
    ['2026-02-28', '2024-02-29', 17.5],
  ])('24 months: as of %s a seminar on %s → %d', (asOf, on, points) => {
    expect(seminar(asOf, on)).toBe(points);
  });
});

describe('reformulasi-2024 kompetensi: JP of every kind, pro-rata, plus the post training', () => {
  const jpCases = Array.from({ length: 26 }, (_, jp) => [jp, Math.min(jp, 20) * 1.25] as const);
  it.each(jpCases)('%d JP (technical) → %d', (jp, points) => {
    for (const g of ['PELAKSANA', 'PENGAWAS', 'FUNGSIONAL_MAHIR'] as const) {
      expect(komp(g, reform, rec.trn('TECHNICAL', jp, '2025-01-01'))).toBe(points);
    }
  });

  it('sums the JP of every kind in the 12-month window', () => {
    const records = [
      rec.trn('TECHNICAL', 3, '2024-07-01'),
      rec.trn('FUNCTIONAL', 2, '2024-12-01'),
      rec.lead('PKP', '2025-01-01'),
      rec.trn('SEMINAR', 1, AS_OF),
      rec.trn('TECHNICAL', 50, '2024-06-30'),
      rec.trn('TECHNICAL', 50, '2025-07-01'),
    ];
    // rec.lead gives 30 JP: 3 + 2 + 30 + 1 = 36 → capped at 20 → 25; the other two are outside.
    expect(komp('FUNGSIONAL_AHLI_PERTAMA', reform, ...records)).toBe(40);
    expect(komp('FUNGSIONAL_AHLI_PERTAMA', reform, ...records.slice(0, 2), ...records.slice(3))).toBe(6 * 1.25 + 15);
  });

  it('struktural: + 15 for the matching leadership training', () => {
    expect(komp('ADMINISTRATOR', reform, rec.lead('PKA', '2025-04-01'))).toBe(40);
    expect(komp('ADMINISTRATOR', reform, rec.lead('PKA', '2020-04-01'))).toBe(15);
    expect(komp('ADMINISTRATOR', reform, rec.lead('PKP', '2025-04-01'))).toBe(25);
  });

  it('fungsional: + 15 for any functional training ever', () => {
    expect(komp('FUNGSIONAL_AHLI_UTAMA', reform, rec.trn('FUNCTIONAL', 8, '2025-04-01'))).toBe(10 + 15);
    expect(komp('FUNGSIONAL_AHLI_UTAMA', reform, rec.trn('FUNCTIONAL', 8, '2001-04-01'))).toBe(15);
  });

  it('pelaksana: + 15 for a seminar in the 24 months up to asOf', () => {
    expect(komp('PELAKSANA', reform, rec.trn('SEMINAR', 8, '2025-04-01'))).toBe(10 + 15);
    expect(komp('PELAKSANA', reform, rec.trn('SEMINAR', 8, '2023-07-01'))).toBe(15);
    expect(komp('PELAKSANA', reform, rec.trn('SEMINAR', 8, '2023-06-30'))).toBe(0);
    expect(komp('PELAKSANA', reform, rec.trn('TECHNICAL', 30, '2025-04-01'), rec.trn('SEMINAR', 0, '2024-01-01'))).toBe(40);
  });
});

describe('caps and unknown job groups', () => {
  it('the dimension never exceeds its cap even when the components add up to more', () => {
    const doc = structuredClone(perbanJson);
    doc.kompetensi.columns[2]!.components[1]!.points = 30;
    const generous = parseRuleSet(doc);
    expect(komp('PELAKSANA', generous, rec.trn('TECHNICAL', 20, '2025-01-01'), rec.trn('SEMINAR', 0, '2025-01-01'))).toBe(40);
    expect(komp('PELAKSANA', generous, rec.trn('SEMINAR', 0, '2025-01-01'))).toBe(30);
  });

  it('a profile that was never upserted has no job group: kompetensi 0, no crash', () => {
    const r = applyEvent(emptyProfile(NIP), ev.training('4011', 't1', 'TECHNICAL', 40, '2025-01-01'));
    if (!r.ok) throw new Error(r.message);
    for (const rs of [perban, reform]) {
      const s = score(r.profile, AS_OF, rs);
      expect(s.dimensions.kompetensi).toBe(0);
      expect(s.total).toBe(5);
    }
  });
});
