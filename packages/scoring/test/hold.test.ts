/**
 * Held, not rejected, while a transfer is on its way (events.md): holds, releases in arrival order,
 * re-evaluation after each owner change, the count limit, expiry by ingestion time and by the
 * timer, the end of an offline input, and replays that neither lose nor double a held event.
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@ipasn/contracts';
import { emptyProfile, SHIPPED_RULE_SETS, type Profile } from '@ipasn/rules';
import {
  applyChunk,
  endOfInput,
  expireDue,
  foldEvent,
  holdLimits,
  outboxRejects,
  timerDue,
  type EmployeeState,
  type EventInput,
  type HoldLimits,
  type HoldStep,
  type ScoringContext,
} from '../src/index.js';

const NIP = '198501012010011001';
const H = 3_600_000;
const T0 = 1_750_000_000_000;
const LIVE: HoldLimits = { max: 100, ms: 24 * H };
const OFFLINE: HoldLimits = { max: 100, ms: null };
let n = 0;
function ev(agency: string, type: CanonicalEvent['type'], data: CanonicalEvent['data']): CanonicalEvent {
  n++;
  return { id: `e${n}`, source: `/agencies/${agency}`, agencyCode: agency, type, nip: NIP, time: '2024-01-01T00:00:00.000Z', data } as CanonicalEvent;
}
const upsert = (a: string) => ev(a, 'ipasn.employee.upserted', { name: 'Siti', employmentType: 'PNS', jobGroup: 'PELAKSANA' });
const transfer = (from: string, to: string) => ev(from, 'ipasn.employee.transferred', { toAgencyCode: to });
const separate = (a: string) => ev(a, 'ipasn.employee.separated', { reason: 'RESIGNED' });
const training = (a: string, recordId: string) => ev(a, 'ipasn.training.recorded', { recordId, kind: 'TECHNICAL', hours: 8, completedOn: '2025-01-01' });
const retract = (a: string, recordId: string) => ev(a, 'ipasn.record.retracted', { recordId });

/** Folds events one by one (ingestion times T0, T0+1 h, … unless given) from an empty profile. */
function fold(events: (CanonicalEvent | [CanonicalEvent, number])[], limits = LIVE, maxRecords = 1_000) {
  let profile: Profile = emptyProfile(NIP);
  let held: EventInput[] = [];
  const steps: HoldStep<EventInput>[] = [];
  events.forEach((x, i) => {
    const [event, at] = Array.isArray(x) ? x : [x, T0 + i * H];
    const r = foldEvent(profile, held, { event, partition: 0, offset: i, ingestedAt: at }, limits, maxRecords);
    profile = r.profile;
    held = r.held;
    steps.push(...r.steps);
  });
  return { profile, held, steps };
}
const outcome = (s: HoldStep<EventInput>): string => {
  const tag = s.kind === 'rejected' ? `${s.reason}${s.expired ? ' expired' : ''}` : s.kind === 'applied' && s.released ? 'released' : s.kind;
  return `${s.input.offset}:${tag}`;
};

describe('foldEvent: holds and releases', () => {
  it('holds the new agency’s events that overtook the transfer and applies them, in order, right after it', () => {
    const r = fold([upsert('4011'), upsert('3004'), training('3004', 't1'), transfer('4011', '3004'), training('3004', 't2')]);
    expect(r.steps.map(outcome)).toEqual(['0:applied', '1:held', '2:held', '3:applied', '1:released', '2:released', '4:applied']);
    expect(r.profile.owner).toBe('3004');
    expect(Object.keys(r.profile.records)).toEqual(['t1', 't2']);
    expect(r.held).toEqual([]);
  });

  it('holds a former owner’s late event and a third agency’s, keeping what the new owner did not send', () => {
    const r = fold([upsert('4011'), transfer('4011', '3004'), training('4011', 'late'), training('7672', 'x'), upsert('3004')]);
    expect(r.steps.map(outcome)).toEqual(['0:applied', '1:applied', '2:held', '3:held', '4:applied']);
    expect(r.held.map((h) => h.offset)).toEqual([2, 3]);
    expect(r.profile.records).toEqual({});
  });

  it('re-evaluates from the first held event after a released event changes the owner again', () => {
    // 7672's record waits for 7672; 3004's transfer to 7672 waits for 3004. 4011 → 3004 releases both.
    const r = fold([upsert('4011'), training('7672', 'c0'), transfer('3004', '7672'), transfer('4011', '3004')]);
    expect(r.steps.map(outcome)).toEqual(['0:applied', '1:held', '2:held', '3:applied', '2:released', '1:released']);
    expect(r.profile.owner).toBe('7672');
    expect(Object.keys(r.profile.records)).toEqual(['c0']);
  });

  it('releases every held event when a separation clears the owner; each is decided then (a transfer of nobody is NOT_OWNER)', () => {
    const r = fold([upsert('4011'), training('3004', 'r'), transfer('3004', '7672'), separate('4011')]);
    expect(r.steps.map(outcome)).toEqual(['0:applied', '1:held', '2:held', '3:applied', '1:released', '2:NOT_OWNER']);
    expect(r.profile.owner).toBeNull();
    expect(Object.keys(r.profile.records)).toEqual(['r']);
  });

  it('decides a released event against the profile at that moment (UNKNOWN_RECORD, TOO_MANY_RECORDS)', () => {
    const r = fold([upsert('4011'), retract('3004', 'none'), training('3004', 'a'), training('3004', 'b'), transfer('4011', '3004')], LIVE, 1);
    expect(r.steps.map(outcome)).toEqual(['0:applied', '1:held', '2:held', '3:held', '4:applied', '1:UNKNOWN_RECORD', '2:released', '3:TOO_MANY_RECORDS']);
    const released = r.steps.filter((s) => s.kind === 'rejected');
    expect(released.every((s) => s.kind === 'rejected' && s.released && !s.expired)).toBe(true);
  });

  it('never holds for an employee nobody owns: the ownership table decides', () => {
    const r = fold([transfer('3004', '4011'), training('3004', 'early'), upsert('4011'), separate('4011'), separate('3004')]);
    expect(r.steps.map(outcome)).toEqual(['0:NOT_OWNER', '1:applied', '2:applied', '3:applied', '4:NOT_OWNER']);
  });
});

describe('foldEvent: limits', () => {
  it('holds at most SCORER_HOLD_MAX events per NIP; one more is NOT_OWNER at once', () => {
    const r = fold([upsert('4011'), training('3004', 'a'), training('3004', 'b'), training('3004', 'c'), transfer('4011', '3004')], { max: 2, ms: 24 * H });
    expect(r.steps.map(outcome)).toEqual(['0:applied', '1:held', '2:held', '3:NOT_OWNER', '4:applied', '1:released', '2:released']);
    const rejected = r.steps.find((s) => s.kind === 'rejected');
    expect(rejected?.kind === 'rejected' && rejected.message).toMatch(/SCORER_HOLD_MAX/u);
  });

  it('expires a held event whose ingestion time + the hold is at or before the next event’s ingestion time, first', () => {
    const late = fold([[upsert('4011'), T0], [training('3004', 'a'), T0], [transfer('4011', '3004'), T0 + 24 * H]]);
    expect(late.steps.map(outcome)).toEqual(['0:applied', '1:held', '1:NOT_OWNER expired', '2:applied']);
    expect(late.profile.records).toEqual({});
    const inTime = fold([[upsert('4011'), T0], [training('3004', 'a'), T0], [transfer('4011', '3004'), T0 + 24 * H - 1]]);
    expect(inTime.steps.map(outcome)).toEqual(['0:applied', '1:held', '2:applied', '1:released']);
  });

  it('offline: no expiry by time; what is still held at the end of the input is NOT_OWNER', () => {
    const r = fold([[upsert('4011'), T0], [training('3004', 'a'), T0], [training('7672', 'b'), T0 + 1_000 * H]], OFFLINE);
    expect(r.held.map((h) => h.offset)).toEqual([1, 2]);
    expect(endOfInput(r.profile, r.held).map(outcome)).toEqual(['1:NOT_OWNER expired', '2:NOT_OWNER expired']);
  });
});

describe('applyChunk with held events', () => {
  const ctx: ScoringContext = { asOf: '2025-06-30', ruleSets: SHIPPED_RULE_SETS.all, computedAt: T0, timeDriven: false, maxRecords: 1_000, hold: holdLimits() };
  const inputs = (events: CanonicalEvent[], from: number, at = T0): EventInput[] => events.map((event, i) => ({ event, partition: 2, offset: from + i, ingestedAt: at }));
  const run = (stored: EmployeeState | null, ins: EventInput[]) => applyChunk(new Map([[NIP, stored]]), ins, ctx);

  it('keeps held events in the state, sets a timer for the hold even with a pinned date, and releases them in a later chunk', () => {
    const a = run(null, inputs([upsert('4011'), upsert('3004'), training('3004', 't')], 0));
    const s1 = a.states.get(NIP)!;
    expect(s1.held.map((h) => h.offset)).toEqual([1, 2]);
    expect(s1.version).toBe(1);
    expect(a.timers).toEqual([{ key: NIP, dueAt: T0 + 24 * H }]);
    expect(a.scores.every((s) => s.agencyCode === '4011')).toBe(true);

    const b = run(s1, inputs([transfer('4011', '3004')], 3, T0 + H));
    const s2 = b.states.get(NIP)!;
    expect(s2.held).toEqual([]);
    expect(s2.version).toBe(4); // the transfer and the two released events
    expect(Object.keys(s2.profile.records)).toEqual(['t']);
    expect(b.holds.map((h) => h.kind)).toEqual(['released', 'released']);
    // One score event per rule set in force, each at the chunk's last version.
    expect(b.scores.map((s) => [s.agencyCode, s.previousAgencyCode, s.version])).toEqual(ctx.ruleSets.map(() => ['3004', '4011', 4]));
    expect(b.scores.length).toBeGreaterThanOrEqual(2);
    expect(b.timers).toEqual([{ key: NIP, dueAt: null }]);
  });

  it('a replay of the chunk that held an event neither loses nor doubles it', () => {
    const ins = inputs([upsert('4011'), training('3004', 't')], 0);
    const first = run(null, ins).states.get(NIP)!;
    const again = run(first, ins);
    expect(again.states.size).toBe(0); // nothing to write: already applied
    expect(again.holds).toEqual([]);
    const partial = run(first, [...ins, ...inputs([training('3004', 'u')], 2)]).states.get(NIP)!;
    expect(partial.held.map((h) => h.offset)).toEqual([1, 2]);
  });

  it('expireDue: the timer expires what is due and leaves the rest; timerDue follows the first hold', () => {
    const s = run(null, [...inputs([upsert('4011'), training('3004', 'a')], 0), ...inputs([training('3004', 'b')], 2, T0 + H)]).states.get(NIP)!;
    expect(timerDue(s, ctx.hold)).toBe(T0 + 24 * H);
    expect(expireDue(s, T0 + 24 * H - 1, ctx.hold)).toBeNull();
    const e = expireDue(s, T0 + 24 * H, ctx.hold)!;
    expect(outboxRejects(e.state).map((r) => [r.input.offset, r.reason, r.expired])).toEqual([[1, 'NOT_OWNER', true]]);
    expect(e.state.held.map((h) => h.offset)).toEqual([2]);
    expect(timerDue(e.state, ctx.hold)).toBe(T0 + 25 * H);
    expect(e.holds).toEqual([{ nip: NIP, agencyCode: '3004', kind: 'expired' }]);
    // The next chunk of the NIP sends what the timer expired (if the timer could not) and clears it.
    const next = run(e.state, inputs([training('4011', 'z')], 3, T0 + 24 * H));
    expect(next.rejects.map((r) => [r.input.offset, r.reason, r.expired])).toEqual([[1, 'NOT_OWNER', true]]);
    expect(next.states.get(NIP)!.outbox).toEqual([]);
    expect(next.states.get(NIP)!.held.map((h) => h.offset)).toEqual([2]);
  });
});
