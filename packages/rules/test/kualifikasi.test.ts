import { EDUCATION_LEVELS, type EducationLevel } from '@ipasn/contracts';
import { describe, expect, it } from 'vitest';
import { getRuleSet, score } from '../src/index.js';
import { employee, rec } from './helpers.js';

const perban = getRuleSet('perban-8-2019');
const reform = getRuleSet('reformulasi-2024');
const AS_OF = '2025-06-30';

// The tables of ipasn-rules.md, written out independently of the data files.
const PERBAN_TABLE: [EducationLevel, number][] = [
  ['S3', 25],
  ['S2', 20],
  ['S1', 15],
  ['D4', 15],
  ['D3', 10],
  ['D2', 5],
  ['D1', 5],
  ['SMA', 5],
  ['SMP', 1],
  ['SD', 1],
];
const RANK: Record<EducationLevel, number> = { SD: 0, SMP: 1, SMA: 2, D1: 3, D2: 4, D3: 5, D4: 6, S1: 6, S2: 7, S3: 8 };

describe('perban-8-2019 kualifikasi: the highest level held', () => {
  it.each(PERBAN_TABLE)('%s → %d', (level, points) => {
    const s = score(employee({}, rec.edu(level)), AS_OF, perban);
    expect(s.dimensions.kualifikasi).toBe(points);
    expect(s.dataGaps).not.toContain('EDUCATION_MISSING');
    expect(s.dataGaps).not.toContain('REQUIRED_EDUCATION_MISSING');
  });

  it('takes the highest of several, whatever their order', () => {
    const p = employee({}, rec.edu('S2'), rec.edu('SMA'), rec.edu('S1'));
    expect(score(p, AS_OF, perban).dimensions.kualifikasi).toBe(20);
  });

  it('counts an education graduated on asOf, not one graduated the day after', () => {
    const p = employee({}, rec.edu('S1', '2010-01-01'), rec.edu('S2', '2025-06-30'), rec.edu('S3', '2025-07-01'));
    expect(score(p, AS_OF, perban).dimensions.kualifikasi).toBe(20);
    expect(score(p, '2025-06-29', perban).dimensions.kualifikasi).toBe(15);
    expect(score(p, '2025-07-01', perban).dimensions.kualifikasi).toBe(25);
  });

  it('no education record → 0 and EDUCATION_MISSING (also when the only one is dated after asOf)', () => {
    for (const p of [employee({}), employee({}, rec.edu('S1', '2025-07-01'))]) {
      const s = score(p, AS_OF, perban);
      expect(s.dimensions.kualifikasi).toBe(0);
      expect(s.dataGaps).toEqual(['APPRAISAL_MISSING', 'EDUCATION_MISSING']);
    }
  });
});

describe('reformulasi-2024 kualifikasi: meets the required level', () => {
  const matrix = EDUCATION_LEVELS.flatMap((required) =>
    EDUCATION_LEVELS.map((held) => {
      const below = RANK[required] - RANK[held];
      return [required, held, below <= 0 ? 25 : below === 1 ? 15 : 5] as const;
    }),
  );
  it.each(matrix)('required %s, held %s → %d', (required, held, points) => {
    const s = score(employee({ requiredEducation: required }, rec.edu(held)), AS_OF, reform);
    expect(s.dimensions.kualifikasi).toBe(points);
    expect(s.dataGaps).toEqual(['APPRAISAL_MISSING']);
  });

  it.each([
    ['S1', 'D4', 25],
    ['D4', 'S1', 25],
    ['S1', 'S3', 25],
    ['S1', 'D3', 15],
    ['S1', 'D2', 5],
    ['S2', 'S1', 15],
    ['D3', 'SMA', 5],
    ['SMA', 'SMP', 15],
  ] as const)('the worked rows: required %s, held %s → %d', (required, held, points) => {
    expect(score(employee({ requiredEducation: required }, rec.edu(held)), AS_OF, reform).dimensions.kualifikasi).toBe(points);
  });

  it('compares the highest level held', () => {
    const p = employee({ requiredEducation: 'S2' }, rec.edu('D3'), rec.edu('S2', '2025-06-30'), rec.edu('S1'));
    expect(score(p, AS_OF, reform).dimensions.kualifikasi).toBe(25);
    expect(score(p, '2025-06-29', reform).dimensions.kualifikasi).toBe(15);
  });

  it.each(PERBAN_TABLE)('required level unknown: the perban table, %s → %d, and REQUIRED_EDUCATION_MISSING', (level, points) => {
    const s = score(employee({}, rec.edu(level)), AS_OF, reform);
    expect(s.dimensions.kualifikasi).toBe(points);
    expect(s.dataGaps).toEqual(['APPRAISAL_MISSING', 'REQUIRED_EDUCATION_MISSING']);
  });

  it('no education record → 0 and EDUCATION_MISSING', () => {
    const s = score(employee({ requiredEducation: 'S1' }), AS_OF, reform);
    expect(s.dimensions.kualifikasi).toBe(0);
    expect(s.dataGaps).toEqual(['APPRAISAL_MISSING', 'EDUCATION_MISSING']);
  });

  it('no education record and no required level → both gaps', () => {
    const s = score(employee({}), AS_OF, reform);
    expect(s.dimensions.kualifikasi).toBe(0);
    expect(s.dataGaps).toEqual(['APPRAISAL_MISSING', 'EDUCATION_MISSING', 'REQUIRED_EDUCATION_MISSING']);
  });
});
