/**
 * Check 10, TOO_MANY_RECORDS (events.md): a new recordId beyond SCORER_MAX_RECORDS is rejected;
 * replacing or retracting a record is always allowed, at the limit and over it.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@ipasn/contracts';
import { emptyProfile, type Profile } from '@ipasn/rules';
import { SHIPPED_RULE_SETS } from '@ipasn/rules';
import { applyChunk, applyWithinLimit, DEFAULT_MAX_RECORDS, type EventInput, type ScoringContext, holdLimits } from '../src/index.js';

const NIP = '198501012010011001';
let n = 0;
function ev(type: CanonicalEvent['type'], data: CanonicalEvent['data'], agency = '4011'): CanonicalEvent {
  n++;
  return { id: `e${n}`, source: `/agencies/${agency}`, agencyCode: agency, type, nip: NIP, time: '2024-01-01T00:00:00.000Z', data } as CanonicalEvent;
}
const upsert = () => ev('ipasn.employee.upserted', { name: 'Siti', employmentType: 'PNS', jobGroup: 'PELAKSANA' });
const training = (recordId: string, hours = 8) => ev('ipasn.training.recorded', { recordId, kind: 'TECHNICAL', hours, completedOn: '2025-01-01' });
const appraisal = (recordId: string) => ev('ipasn.appraisal.recorded', { recordId, year: 2024, predicate: 'BAIK' });
const retract = (recordId: string) => ev('ipasn.record.retracted', { recordId });

/** A profile owned by 4011 with `count` training records r0…r(count-1). */
function profileWith(count: number, max: number): Profile {
  let p = emptyProfile(NIP);
  for (const e of [upsert(), ...Array.from({ length: count }, (_, i) => training(`r${i}`))]) {
    const r = applyWithinLimit(p, e, max);
    if (!r.ok) throw new Error(`setup: ${r.reason}`);
    p = r.profile;
  }
  return p;
}

describe('applyWithinLimit', () => {
  const MAX = 5;

  it.each<[string, number, CanonicalEvent, string]>([
    ['a new record below the limit', MAX - 2, training('new'), 'OK'],
    ['a new record reaching the limit', MAX - 1, training('new'), 'OK'],
    ['a new record over the limit', MAX, training('new'), 'TOO_MANY_RECORDS'],
    ['a new record of another kind over the limit', MAX, appraisal('skp'), 'TOO_MANY_RECORDS'],
    ['replacing a record at the limit', MAX, training('r0', 40), 'OK'],
    ['replacing a record with another kind at the limit', MAX, appraisal('r1'), 'OK'],
    ['retracting a record at the limit', MAX, retract('r2'), 'OK'],
    ['an upsert at the limit', MAX, upsert(), 'OK'],
    ['replacing a record when already over the limit', MAX + 3, training('r7', 40), 'OK'],
    ['a new record when already over the limit', MAX + 3, training('new'), 'TOO_MANY_RECORDS'],
  ])('%s (%i records before)', (_what, count, event, expected) => {
    // Over the limit only as a lowered SCORER_MAX_RECORDS leaves it: build with a higher one.
    const before = profileWith(count, count);
    const r = applyWithinLimit(before, event, MAX);
    expect(r.ok ? 'OK' : r.reason).toBe(expected);
    // In place (a fold's own copy): the same verdict and profile; a reject changes nothing.
    const owned = structuredClone(before);
    const s = applyWithinLimit(owned, event, MAX, true);
    expect(s).toStrictEqual(r);
    expect(owned).toStrictEqual(r.ok && s.ok && s.profile === owned ? r.profile : before);
  });

  it('keeps checks 8 and 9 first: NOT_OWNER and UNKNOWN_RECORD win over the limit', () => {
    const full = profileWith(MAX, MAX);
    expect(applyWithinLimit(full, ev('ipasn.training.recorded', { recordId: 'x', kind: 'TECHNICAL', hours: 8, completedOn: '2025-01-01' }, '3004'), MAX)).toMatchObject({ ok: false, reason: 'NOT_OWNER' });
    expect(applyWithinLimit(full, retract('nope'), MAX)).toMatchObject({ ok: false, reason: 'UNKNOWN_RECORD' });
  });

  it('names the record id, the count and the limit, never the employee', () => {
    const r = applyWithinLimit(profileWith(MAX, MAX), training('DKL-9'), MAX);
    expect(r).toMatchObject({ ok: false, reason: 'TOO_MANY_RECORDS' });
    if (r.ok) return;
    expect(r.message).toContain('"DKL-9"');
    expect(r.message).toContain(`record ${MAX + 1}, over the limit of ${MAX} (SCORER_MAX_RECORDS)`);
    expect(r.message).not.toContain(NIP);
    expect(r.message).not.toContain('Siti');
  });

  it('defaults to 1,000 (events.md)', () => {
    expect(DEFAULT_MAX_RECORDS).toBe(1_000);
  });
});

describe('applyChunk with the limit', () => {
  const ctx: ScoringContext = { asOf: '2025-06-30', ruleSets: SHIPPED_RULE_SETS.all, computedAt: 1_750_000_000_000, timeDriven: true, maxRecords: 3, hold: holdLimits() };
  const inputs = (events: CanonicalEvent[]): EventInput[] => events.map((event, i) => ({ event, partition: 0, offset: i, ingestedAt: 0 }));

  it('dead-letters the new record over SCORER_MAX_RECORDS and applies the replace and retract after it', () => {
    const events = [upsert(), training('a'), training('b'), training('c'), training('d'), training('a', 40), retract('b'), training('d')];
    const r = applyChunk(new Map([[NIP, null]]), inputs(events), ctx);
    expect(r.rejects.map((x) => [x.reason, x.input.offset])).toEqual([['TOO_MANY_RECORDS', 4]]);
    const s = r.states.get(NIP)!;
    expect(Object.keys(s.profile.records).sort()).toEqual(['a', 'c', 'd']);
    // Every applied event is a version; the reject is not.
    expect(s.version).toBe(events.length - 1);
    expect(s.offset).toBe(events.length - 1);
  });
});
