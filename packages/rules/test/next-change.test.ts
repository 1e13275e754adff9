import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, emptyProfile, getRuleSet, nextChange, parseRuleSet, score, type AnyRuleSet, type Profile } from '../src/index.js';
import perbanJson from '../src/data/perban-8-2019.json' with { type: 'json' };
import { dateArb, performanceRuleSetArb, profileArb, reformWithPerformance, ruleSetArb } from './arbitraries.js';
import { employee, NIP, rec } from './helpers.js';

const perban = getRuleSet('perban-8-2019');
const reform = getRuleSet('reformulasi-2024');
const bkn = getRuleSet('bkn-2023');
// Property runs score a profile on every day of four years: bounded runs, explicit time limits.

describe('nextChange, examples', () => {
  it('null for an empty profile and for a profile whose records can no longer change anything', () => {
    expect(nextChange(emptyProfile(NIP), '2025-06-30', perban)).toBeNull();
    const p = employee({}, rec.edu('S1', '2010-01-01'), rec.dis('BERAT', '2012-01-01'));
    expect(nextChange(p, '2025-06-30', perban)).toBeNull();
  });

  it('a dated record takes effect on its date', () => {
    const p = employee({}, rec.edu('S2', '2025-08-01'));
    expect(nextChange(p, '2025-06-30', perban)).toBe('2025-08-01');
    expect(nextChange(p, '2025-08-01', perban)).toBeNull();
  });

  it('a training leaves the 12-month window on windowExit (Feb 29 + 12 months → Mar 1)', () => {
    const p = employee({ jobGroup: 'PELAKSANA' }, rec.trn('TECHNICAL', 20, '2024-02-29'));
    expect(nextChange(p, '2024-06-01', perban)).toBe('2025-03-01');
    expect(score(p, '2025-02-28', perban).dimensions.kompetensi).toBe(22.5);
    expect(score(p, '2025-03-01', perban).dimensions.kompetensi).toBe(0);
  });

  it('a record dated 2023-03-31 leaves a 1-month window on 2023-05-01, not on 2023-04-30', () => {
    const doc = structuredClone(perbanJson);
    doc.version = 'test-1-month';
    doc.kompetensi.columns[2]!.components[0]!.windowMonths = 1;
    const monthly = parseRuleSet(doc);
    const p = employee({ jobGroup: 'PELAKSANA' }, rec.trn('TECHNICAL', 20, '2023-03-31'));
    expect(score(p, '2023-04-30', monthly).dimensions.kompetensi).toBe(22.5);
    expect(score(p, '2023-05-01', monthly).dimensions.kompetensi).toBe(0);
    expect(nextChange(p, '2023-04-15', monthly)).toBe('2023-05-01');
  });

  it('the seminar leaves its 24-month window after the technical training leaves its 12-month one', () => {
    const p = employee({ jobGroup: 'PENGAWAS' }, rec.trn('TECHNICAL', 20, '2024-10-31'), rec.trn('SEMINAR', 3, '2024-10-31'));
    expect(nextChange(p, '2024-10-31', perban)).toBe('2025-10-31');
    expect(nextChange(p, '2025-10-31', perban)).toBe('2026-10-31');
    expect(nextChange(p, '2026-10-31', perban)).toBeNull();
  });

  it('skips a candidate on which nothing visible changes', () => {
    // One technical training leaves the window the day the next one enters it: 20 JP throughout.
    const p = employee({ jobGroup: 'PELAKSANA' }, rec.trn('TECHNICAL', 20, '2024-03-01'), rec.trn('TECHNICAL', 20, '2025-03-01'), rec.edu('S1', '2025-09-01'));
    expect(nextChange(p, '2024-06-01', perban)).toBe('2025-09-01');
  });

  it('an appraisal ages out on Jan 1 two years after its year; a future year enters on its Jan 1', () => {
    const p = employee({}, rec.apr(2024, { predicate: 'BAIK' }));
    expect(nextChange(p, '2025-06-30', perban)).toBe('2026-01-01');
    const q = employee({}, rec.apr(2024, { predicate: 'BAIK' }), rec.apr(2025, { predicate: 'BAIK' }));
    expect(nextChange(q, '2025-06-30', perban)).toBe('2027-01-01');
    const r = employee({}, rec.apr(2026, { predicate: 'SANGAT_BAIK' }), rec.apr(2025, { predicate: 'BAIK' }));
    expect(nextChange(r, '2025-06-30', perban)).toBe('2026-01-01');
  });

  it('a penalty period ends on endsOn (reformulasi) but never under perban', () => {
    const p = employee({}, rec.dis('SEDANG', '2025-01-01', '2025-07-01'));
    expect(nextChange(p, '2025-06-30', reform)).toBe('2025-07-01');
    expect(nextChange(p, '2025-06-30', perban)).toBeNull();
    const q = employee({}, rec.dis('SEDANG', '2024-02-29'));
    expect(nextChange(q, '2024-03-01', reform)).toBe('2025-02-28');
  });

  it('the appraisal year ageing out changes kompetensi and kinerja at once under a performance base', () => {
    const p = employee({ jobGroup: 'FUNGSIONAL_AHLI_MUDA' }, rec.apr(2024, { predicate: 'SANGAT_BAIK' }));
    expect(nextChange(p, '2025-06-30', bkn)).toBe('2026-01-01');
    expect(score(p, '2025-12-31', bkn).dimensions).toMatchObject({ kompetensi: 25, kinerja: 30 });
    expect(score(p, '2026-01-01', bkn).dimensions).toMatchObject({ kompetensi: 0, kinerja: 0 });
    // Under perban-8-2019 only kinerja moves, on the same day.
    expect(nextChange(p, '2025-06-30', perban)).toBe('2026-01-01');
    expect(score(p, '2026-01-01', perban).dimensions).toMatchObject({ kompetensi: 0, kinerja: 0 });
  });

  it('follows the rule set\'s yearsBack: with 2 the base of a 2023 appraisal lasts until 2026-01-01', () => {
    const p = employee({ jobGroup: 'PELAKSANA' }, rec.apr(2023, { predicate: 'BAIK' }));
    expect(score(p, '2025-06-30', reformWithPerformance).dimensions).toMatchObject({ kompetensi: 7.5, kinerja: 25 });
    expect(nextChange(p, '2025-06-30', reformWithPerformance)).toBe('2026-01-01');
    expect(score(p, '2026-01-01', reformWithPerformance).dimensions).toMatchObject({ kompetensi: 0, kinerja: 0 });
  });

  it('a change of the base hidden by the cap is no change', () => {
    // 25 (40 JP) + 15 (functional) = 40 before any base. On 2026-01-01 the 2026 BUTUH_PERBAIKAN displaces the
    // 2025 CUKUP: the base goes 5.25 → 5 under the cap and kinerja stays 15, so that day is skipped.
    const p = employee(
      { jobGroup: 'FUNGSIONAL_AHLI_MUDA' },
      rec.trn('FUNCTIONAL', 40, '2025-05-01'),
      rec.apr(2025, { predicate: 'CUKUP' }),
      rec.apr(2026, { predicate: 'BUTUH_PERBAIKAN' }),
      rec.edu('S2', '2026-03-01'),
    );
    expect(score(p, '2025-06-30', reformWithPerformance).dimensions).toMatchObject({ kompetensi: 40, kinerja: 15 });
    expect(score(p, '2026-01-01', reformWithPerformance)).toEqual(score(p, '2025-12-31', reformWithPerformance));
    expect(nextChange(p, '2025-06-30', reformWithPerformance)).toBe('2026-03-01');
  });
});

/** The first day in (asOf, asOf + days] on which the score differs, walking day by day. */
function bruteForce(p: Profile, asOf: string, rs: AnyRuleSet, days: number): string | null {
  const now = JSON.stringify(score(p, asOf, rs));
  let t = asOf;
  for (let i = 0; i < days; i++) {
    t = addDays(t, 1);
    if (JSON.stringify(score(p, t, rs)) !== now) return t;
  }
  return null;
}

describe('nextChange, exactness', () => {
  const HORIZON = 4 * 366;

  it('is the first day the score differs: constant on [asOf, nextChange), different on nextChange', () => {
    fc.assert(
      fc.property(profileArb, dateArb, ruleSetArb, (p, asOf, rs) => {
        const next = nextChange(p, asOf, rs);
        const walked = bruteForce(p, asOf, rs, HORIZON);
        if (walked !== null) {
          expect(next).toBe(walked);
        } else {
          // Nothing changes for four years: either never, or only later (a record dated far ahead).
          if (next !== null) expect(next > addDays(asOf, HORIZON)).toBe(true);
        }
        if (next === null) {
          const s = score(p, asOf, rs);
          for (const years of [5, 8, 15, 40]) expect(score(p, addMonths(asOf, 12 * years), rs)).toEqual(s);
        } else {
          expect(score(p, next, rs)).not.toEqual(score(p, asOf, rs));
        }
      }),
      { numRuns: 120 },
    );
  }, 60_000);

  it('chains: following nextChange visits every change (sampled days in between are constant)', () => {
    fc.assert(
      fc.property(profileArb, dateArb, ruleSetArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), (p, asOf, rs, fractions) => {
        let t = asOf;
        for (let step = 0; step < 20; step++) {
          const next = nextChange(p, t, rs);
          const s = score(p, t, rs);
          const span = next === null ? 3650 : Math.max(0, daysBetween(t, next) - 1);
          for (const f of fractions) expect(score(p, addDays(t, Math.floor(f * span)), rs)).toEqual(s);
          if (next === null) return;
          expect(next > t).toBe(true);
          expect(score(p, addDays(next, -1), rs)).toEqual(s);
          expect(score(p, next, rs)).not.toEqual(s);
          t = next;
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('is exact for rule sets with a performance base (bkn-2023 and a variant with yearsBack 2)', () => {
    fc.assert(
      fc.property(profileArb, dateArb, performanceRuleSetArb, (p, asOf, rs) => {
        const next = nextChange(p, asOf, rs);
        const walked = bruteForce(p, asOf, rs, HORIZON);
        if (walked !== null) expect(next).toBe(walked);
        else if (next !== null) expect(next > addDays(asOf, HORIZON)).toBe(true);
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});
