/** The laws of ipasn-rules.md, over arbitrary profiles, every shipped rule set (and a variant with a performance base) and arbitrary dates. */
import type { CanonicalEvent } from '@ipasn/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent, categoryOf, getRuleSet, score, type Profile, type Score } from '../src/index.js';
import { dateArb, disciplineEventArb, profileArb, recordEventArb, ruleSetArb, senderFor, trainingOrEducationArb } from './arbitraries.js';
import { build, ev } from './helpers.js';

const RUNS = { numRuns: 300 };

function apply(p: Profile, e: CanonicalEvent): Profile {
  const r = applyEvent(p, e);
  if (!r.ok) throw new Error(`${r.reason}: ${r.message}`);
  return r.profile;
}

const FRESH = fc.constant('fresh-record');
const dims = ({ dimensions: d }: Score): number[] => [d.kualifikasi, d.kompetensi, d.kinerja, d.disiplin];

describe('laws', () => {
  it('total = sum of the dimensions, exactly; 0 ≤ each ≤ its max; multiples of 0.25; gaps sorted', () => {
    fc.assert(
      fc.property(profileArb, dateArb, ruleSetArb, (p, asOf, rs) => {
        const s = score(p, asOf, rs);
        const d = s.dimensions;
        expect(s.total).toBe(d.kualifikasi + d.kompetensi + d.kinerja + d.disiplin);
        expect(s.category).toBe(categoryOf(s.total, rs));
        for (const [v, max] of [
          [d.kualifikasi, rs.kualifikasi.max],
          [d.kompetensi, rs.kompetensi.max],
          [d.kinerja, rs.kinerja.max],
          [d.disiplin, rs.disiplin.max],
        ] as const) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(max);
          expect(Number.isInteger(v * 4)).toBe(true);
        }
        expect(s.dataGaps).toEqual([...new Set(s.dataGaps)].sort());
        expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
      }),
      RUNS,
    );
  }, 60_000);

  it('recording a record with a new recordId and then retracting it leaves the score unchanged', () => {
    fc.assert(
      fc.property(
        profileArb.chain((p) => fc.tuple(fc.constant(p), recordEventArb(senderFor(p), FRESH))),
        dateArb,
        ruleSetArb,
        ([p, e], asOf, rs) => {
          const after = apply(apply(p, e), ev.retract(senderFor(p), 'fresh-record'));
          expect(score(after, asOf, rs)).toEqual(score(p, asOf, rs));
        },
      ),
      RUNS,
    );
  }, 60_000);

  it('records with different recordIds commute, except two appraisals of the same year', () => {
    const ids = fc.constantFrom('r1', 'r2', 'r3', 'x1', 'x2');
    fc.assert(
      fc.property(
        profileArb.chain((p) => fc.tuple(fc.constant(p), recordEventArb(senderFor(p), ids), recordEventArb(senderFor(p), ids))),
        dateArb,
        ruleSetArb,
        ([p, e1, e2], asOf, rs) => {
          const id = (e: CanonicalEvent): string => (e.data as { recordId: string }).recordId;
          fc.pre(id(e1) !== id(e2));
          const year = (e: CanonicalEvent): number | undefined => (e.type === 'ipasn.appraisal.recorded' ? e.data.year : undefined);
          fc.pre(year(e1) === undefined || year(e1) !== year(e2));
          expect(score(apply(apply(p, e1), e2), asOf, rs)).toEqual(score(apply(apply(p, e2), e1), asOf, rs));
        },
      ),
      RUNS,
    );
  }, 60_000);

  it('two appraisals of the same year do not commute: the later one wins', () => {
    const a = ev.appraisal('4011', 'a', 2025, { predicate: 'BAIK' });
    const b = ev.appraisal('4011', 'b', 2025, { predicate: 'KURANG' });
    const ab = build([ev.upsert('4011'), a, b]);
    const ba = build([ev.upsert('4011'), b, a]);
    expect(score(ab, '2025-06-30', getRuleSet('perban-8-2019')).dimensions.kinerja).toBe(5);
    expect(score(ba, '2025-06-30', getRuleSet('perban-8-2019')).dimensions.kinerja).toBe(25);
  });

  it('adding a training or an education never lowers a score', () => {
    fc.assert(
      fc.property(
        profileArb.chain((p) => fc.tuple(fc.constant(p), trainingOrEducationArb(senderFor(p), FRESH))),
        dateArb,
        ruleSetArb,
        ([p, e], asOf, rs) => {
          const before = score(p, asOf, rs);
          const after = score(apply(p, e), asOf, rs);
          expect(after.total).toBeGreaterThanOrEqual(before.total);
          dims(after).forEach((v, i) => expect(v).toBeGreaterThanOrEqual(dims(before)[i]!));
        },
      ),
      RUNS,
    );
  }, 60_000);

  it('adding a penalty never raises a score', () => {
    fc.assert(
      fc.property(
        profileArb.chain((p) => fc.tuple(fc.constant(p), disciplineEventArb(senderFor(p), FRESH))),
        dateArb,
        ruleSetArb,
        ([p, e], asOf, rs) => {
          const before = score(p, asOf, rs);
          const after = score(apply(p, e), asOf, rs);
          expect(after.total).toBeLessThanOrEqual(before.total);
          dims(after).forEach((v, i) => expect(v).toBeLessThanOrEqual(dims(before)[i]!));
        },
      ),
      RUNS,
    );
  }, 60_000);
});
