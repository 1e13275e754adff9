/**
 * applyEvent with `inPlace` (a fold's own working copy) decides and folds exactly as the default,
 * copying form: same verdicts, same profiles, and a rejected event changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyProfile, recordCount, type Profile } from '../src/index.js';
import { eventsArb } from './arbitraries.js';
import { ev, NIP } from './helpers.js';

const A = '3004';
const clone = (p: Profile): Profile => JSON.parse(JSON.stringify(p)) as Profile;

describe('applyEvent in place', () => {
  it('gives the same verdicts and profiles as the copying fold, event by event', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        let copied = emptyProfile(NIP);
        let owned = emptyProfile(NIP);
        for (const e of events) {
          const snapshot = clone(copied);
          const a = applyEvent(copied, e);
          const b = applyEvent(owned, e, { inPlace: true });
          // The copying form never changes its argument.
          expect(copied).toStrictEqual(snapshot);
          expect(b.ok).toBe(a.ok);
          if (!a.ok || !b.ok) {
            expect(b).toStrictEqual(a);
            // A rejected event leaves the working copy as it was.
            expect(owned).toStrictEqual(copied);
            continue;
          }
          copied = a.profile;
          owned = b.profile;
          expect(owned).toStrictEqual(copied);
          expect(recordCount(owned)).toBe(Object.keys(copied.records).length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('returns the same object for a record or a retraction, a new one when the owner changes', () => {
    const p = emptyProfile(NIP);
    const up = applyEvent(p, ev.upsert(A), { inPlace: true });
    if (!up.ok) throw new Error(up.message);
    expect(up.profile).not.toBe(p);
    const rec = applyEvent(up.profile, ev.education(A, 'e1', 'S1', '2010-01-01'), { inPlace: true });
    expect(rec.ok && rec.profile).toBe(up.profile);
    const gone = applyEvent(up.profile, ev.retract(A, 'e1'), { inPlace: true });
    expect(gone.ok && gone.profile).toBe(up.profile);
    expect(up.profile.records).toStrictEqual({});
    const moved = applyEvent(up.profile, ev.transfer(A, '4011'), { inPlace: true });
    expect(moved.ok && moved.profile).not.toBe(up.profile);
    expect(up.profile.owner).toBe(A);
  });

  it('keeps "__proto__" an own record, never the prototype, and retracts it', () => {
    const up = applyEvent(emptyProfile(NIP), ev.upsert(A));
    if (!up.ok) throw new Error(up.message);
    const p = up.profile;
    const r = applyEvent(p, ev.education(A, '__proto__', 'S2', '2012-01-01'), { inPlace: true });
    expect(r.ok).toBe(true);
    expect(Object.hasOwn(p.records, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(p.records)).toBe(Object.prototype);
    expect(recordCount(p)).toBe(1);
    expect(JSON.stringify(p.records)).toBe(`{"__proto__":${JSON.stringify({ t: 'edu', seq: 0, level: 'S2', on: '2012-01-01' })}}`);
    const gone = applyEvent(p, ev.retract(A, '__proto__'), { inPlace: true });
    expect(gone.ok).toBe(true);
    expect(Object.hasOwn(p.records, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(p.records)).toBe(Object.prototype);
  });
});
