import { describe, expect, it } from 'vitest';
import { categoryOf, emptyProfile, getRuleSet, score } from '../src/index.js';
import { A, build, employee, ev, NIP, rec } from './helpers.js';

const perban = getRuleSet('perban-8-2019');
const reform = getRuleSet('reformulasi-2024');

describe('categoryOf', () => {
  it.each([
    [100, 'SANGAT_TINGGI'],
    [91, 'SANGAT_TINGGI'],
    [90.99, 'TINGGI'],
    [90.75, 'TINGGI'],
    [81, 'TINGGI'],
    [80.99, 'SEDANG'],
    [71, 'SEDANG'],
    [70.99, 'RENDAH'],
    [61, 'RENDAH'],
    [60.99, 'SANGAT_RENDAH'],
    [60, 'SANGAT_RENDAH'],
    [0, 'SANGAT_RENDAH'],
    [71.7, 'SEDANG'],
    [81.16, 'TINGGI'],
    [78.25, 'SEDANG'],
  ] as const)('%d → %s', (total, category) => {
    expect(categoryOf(total, perban)).toBe(category);
    expect(categoryOf(total, reform)).toBe(category);
  });
});

describe('score', () => {
  it('the events.md sample line: PNS pelaksana, S1, 24 JP technical, BAIK → 67.5 RENDAH', () => {
    const p = employee(
      { jobGroup: 'PELAKSANA' },
      rec.edu('S1', '2010-08-01'),
      rec.trn('TECHNICAL', 24, '2025-03-10'),
      rec.apr(2024, { predicate: 'BAIK' }),
    );
    expect(score(p, '2025-06-30', perban)).toEqual({
      total: 67.5,
      category: 'RENDAH',
      dimensions: { kualifikasi: 15, kompetensi: 22.5, kinerja: 25, disiplin: 5 },
      dataGaps: [],
    });
  });

  it('a full score is 100 under both rule sets', () => {
    const p = employee(
      { jobGroup: 'JPT_PRATAMA', requiredEducation: 'S2' },
      rec.edu('S3'),
      rec.lead('PKN_II'),
      rec.trn('TECHNICAL', 24, '2025-03-10'),
      rec.trn('SEMINAR', 8, '2025-01-10'),
      rec.apr(2025, { predicate: 'SANGAT_BAIK' }),
    );
    for (const rs of [perban, reform]) {
      const s = score(p, '2025-06-30', rs);
      expect(s.total).toBe(100);
      expect(s.category).toBe('SANGAT_TINGGI');
    }
  });

  it('the total is exactly the sum of quarter-point dimensions', () => {
    const p = employee({ jobGroup: 'PELAKSANA' }, rec.edu('D3'), rec.trn('TECHNICAL', 3, '2025-03-10'), rec.dis('SEDANG', '2025-01-01'));
    const s = score(p, '2025-06-30', reform);
    expect(s.dimensions).toEqual({ kualifikasi: 10, kompetensi: 3.75, kinerja: 0, disiplin: 2 });
    expect(s.total).toBe(15.75);
    expect(s.dataGaps).toEqual(['APPRAISAL_MISSING', 'REQUIRED_EDUCATION_MISSING']);
  });

  it('scores an empty profile without crashing', () => {
    expect(score(emptyProfile(NIP), '2025-06-30', perban)).toEqual({
      total: 5,
      category: 'SANGAT_RENDAH',
      dimensions: { kualifikasi: 0, kompetensi: 0, kinerja: 0, disiplin: 5 },
      dataGaps: ['APPRAISAL_MISSING', 'EDUCATION_MISSING'],
    });
    expect(score(emptyProfile(NIP), '2025-06-30', reform).dataGaps).toEqual([
      'APPRAISAL_MISSING',
      'EDUCATION_MISSING',
      'REQUIRED_EDUCATION_MISSING',
    ]);
  });

  it('retracted records never count', () => {
    const p = build([ev.upsert(A), ev.education(A, 'e1', 'S3', '2000-01-01'), ev.retract(A, 'e1')]);
    expect(score(p, '2025-06-30', perban).dimensions.kualifikasi).toBe(0);
  });

  it('rejects a malformed asOf', () => {
    expect(() => score(emptyProfile(NIP), '2025-02-30', perban)).toThrow(RangeError);
  });

  it('survives a JSON round trip of the profile unchanged', () => {
    const p = employee({}, rec.edu('S1'), rec.apr(2025, { score: 90.99 }), rec.dis('RINGAN', '2025-01-01', '2025-02-01'));
    const back = JSON.parse(JSON.stringify(p)) as typeof p;
    expect(back).toEqual(p);
    expect(score(back, '2025-06-30', reform)).toEqual(score(p, '2025-06-30', reform));
  });
});
