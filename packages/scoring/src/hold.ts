/**
 * Held, not rejected, while a transfer is on its way (events.md): an event from an agency that is
 * not the current owner of an **owned** employee waits, per NIP and in arrival order, instead of
 * being dead-lettered. Whenever the owner changes, the held events are re-evaluated in arrival order
 * (from the first one again after each owner change); what the new owner (or anyone, when nobody
 * owns the employee) sent is applied then — and may be rejected then. At most `max` events wait;
 * live, each waits `ms` after its ingestion time at most (offline: no expiry by time).
 *
 * One fold for the live scorer, `ipasn rebuild`, `ipasn verify` and `ipasn score`, so they decide
 * alike. Pure: time is the ingestion time each input carries.
 */
import type { CanonicalEvent } from '@ipasn/contracts';
import type { Profile } from '@ipasn/rules';
import { applyWithinLimit } from './limit.js';

/** SCORER_HOLD_MAX's default: events held per NIP. */
export const DEFAULT_HOLD_MAX = 100;
/** SCORER_HOLD_HOURS' default. */
export const DEFAULT_HOLD_HOURS = 24;
const HOUR_MS = 3_600_000;

export interface HoldLimits {
  /** At most this many events held per NIP; one more is NOT_OWNER at once. */
  max: number;
  /** How long an event may wait after its ingestion time (ms); null: no expiry by time (offline). */
  ms: number | null;
}

/** Live limits from SCORER_HOLD_MAX and SCORER_HOLD_HOURS. */
export function holdLimits(o: { max?: number | undefined; hours?: number | undefined } = {}): HoldLimits {
  return { max: o.max ?? DEFAULT_HOLD_MAX, ms: (o.hours ?? DEFAULT_HOLD_HOURS) * HOUR_MS };
}

/** What can be held: an event and its ingestion time (epoch ms: its `ipasn.events` timestamp). */
export interface Holdable {
  event: CanonicalEvent;
  ingestedAt: number;
}

export type HoldStep<I extends Holdable> =
  | { kind: 'held'; input: I }
  | { kind: 'applied'; input: I; released: boolean }
  | { kind: 'rejected'; input: I; reason: 'NOT_OWNER' | 'UNKNOWN_RECORD' | 'TOO_MANY_RECORDS'; message: string; released: boolean; expired: boolean };

export interface HoldFold<I extends Holdable> {
  profile: Profile;
  held: I[];
  /** What happened, in order of application (expiries first). */
  steps: HoldStep<I>[];
}

/** When the first held event expires (epoch ms), or null. */
export function firstExpiry(held: readonly Holdable[], limits: HoldLimits): number | null {
  if (limits.ms === null || held.length === 0) return null;
  let first = Infinity;
  for (const h of held) first = Math.min(first, h.ingestedAt + limits.ms);
  return first;
}

function expiredStep<I extends Holdable>(input: I, owner: string | null, why: string): HoldStep<I> {
  const e = input.event;
  const message = `${e.type} from agency ${e.agencyCode}: the employee was still owned by agency ${owner ?? '(none)'} ${why}`;
  return { kind: 'rejected', input, reason: 'NOT_OWNER', message, released: true, expired: true };
}

/** Expires the held events whose hold ends at or before `at` (epoch ms). */
export function expireHeld<I extends Holdable>(profile: Profile, held: readonly I[], at: number, limits: HoldLimits): { held: I[]; steps: HoldStep<I>[] } {
  const ms = limits.ms;
  if (ms === null || held.length === 0) return { held: [...held], steps: [] };
  const kept: I[] = [];
  const steps: HoldStep<I>[] = [];
  for (const h of held) {
    if (h.ingestedAt + ms <= at) steps.push(expiredStep(h, profile.owner, `when its hold of ${ms / HOUR_MS} h ended (SCORER_HOLD_HOURS)`));
    else kept.push(h);
  }
  return { held: kept, steps };
}

/** Everything still held at the end of the input (offline): NOT_OWNER. */
export function endOfInput<I extends Holdable>(profile: Profile, held: readonly I[]): HoldStep<I>[] {
  return held.map((h) => expiredStep(h, profile.owner, 'at the end of the input'));
}

/** Re-evaluates the held events after an owner change: see the module comment. */
function release<I extends Holdable>(start: Profile, held: I[], steps: HoldStep<I>[], maxRecords: number, inPlace: boolean): { profile: Profile; held: I[] } {
  let profile = start;
  let rest = held;
  let again = true;
  while (again) {
    again = false;
    const kept: I[] = [];
    for (let i = 0; i < rest.length; i++) {
      const h = rest[i] as I;
      if (again || (profile.owner !== null && h.event.agencyCode !== profile.owner)) {
        kept.push(h);
        continue;
      }
      const r = applyWithinLimit(profile, h.event, maxRecords, inPlace);
      if (!r.ok) {
        steps.push({ kind: 'rejected', input: h, reason: r.reason, message: r.message, released: true, expired: false });
        continue;
      }
      steps.push({ kind: 'applied', input: h, released: true });
      // The owner changed again: start over with the new owner (the rest stays in arrival order).
      // (In place, only record events return the same object, and they never change the owner.)
      if (r.profile.owner !== profile.owner) again = true;
      profile = r.profile;
    }
    rest = kept;
  }
  return { profile, held: rest };
}

/**
 * One event into an employee's profile and held events: expiries due at its ingestion time first,
 * then hold it, apply it or reject it; an owner change releases what it can. `inPlace`: `profile`
 * is the caller's own working copy, which the fold may change (@ipasn/rules ApplyOptions).
 */
export function foldEvent<I extends Holdable>(profile: Profile, held: readonly I[], input: I, limits: HoldLimits, maxRecords: number, inPlace = false): HoldFold<I> {
  const expired = expireHeld(profile, held, input.ingestedAt, limits);
  const steps = expired.steps;
  const owner = profile.owner;
  if (owner !== null && input.event.agencyCode !== owner) {
    if (expired.held.length < limits.max) {
      steps.push({ kind: 'held', input });
      return { profile, held: [...expired.held, input], steps };
    }
    const e = input.event;
    const message = `${e.type} from agency ${e.agencyCode}: the employee is owned by agency ${owner}, and ${limits.max} events already wait for a change of owner (SCORER_HOLD_MAX)`;
    steps.push({ kind: 'rejected', input, reason: 'NOT_OWNER', message, released: false, expired: false });
    return { profile, held: expired.held, steps };
  }
  const r = applyWithinLimit(profile, input.event, maxRecords, inPlace);
  if (!r.ok) {
    steps.push({ kind: 'rejected', input, reason: r.reason, message: r.message, released: false, expired: false });
    return { profile, held: expired.held, steps };
  }
  steps.push({ kind: 'applied', input, released: false });
  if (r.profile.owner === owner || expired.held.length === 0) return { profile: r.profile, held: expired.held, steps };
  const after = release(r.profile, expired.held, steps, maxRecords, inPlace);
  return { ...after, steps };
}
