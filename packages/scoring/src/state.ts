/**
 * What the scorer keeps per employee in Redis: the profile (without the name: scoring never reads
 * it, and less personal data at rest is better), the `ipasn.events` position it last applied, the
 * per-employee version of design.md, and the last ACTIVE score per rule set (for the previous
 * total and agency of the next score event).
 */
import type { CanonicalEvent, RuleSetId } from '@ipasn/contracts';
import { emptyProfile, type Profile } from '@ipasn/rules';

/** One `ipasn.events` record as the core applies it (and keeps it, while it is held). */
export interface EventInput {
  event: CanonicalEvent;
  partition: number;
  offset: number;
  /** Epoch ms of the `ipasn.events` record (its ingestion time): when a hold of it ends. */
  ingestedAt: number;
}

export interface LastScore {
  total: number;
  agencyCode: string;
}

export interface EmployeeState {
  profile: Profile;
  /** `ipasn.events` partition and offset of the last applied event (-1: none). */
  partition: number;
  offset: number;
  /** Only grows: +1 per applied event, clock tick and rescore. */
  version: number;
  /** The last ACTIVE score emitted per rule set; absent when none or after a REMOVED. */
  last: Partial<Record<RuleSetId, LastScore>>;
  /** `last` as it was before this version's score events: what a re-emission names as previous. */
  before: Partial<Record<RuleSetId, LastScore>>;
  /** When the pending time-driven rescore is due (epoch ms), if any. */
  dueAt: number | null;
  /** Events waiting for a change of owner (events.md "Held, not rejected"), in arrival order. */
  held: EventInput[];
  /**
   * Held events the timer expired, decided (written) but maybe not yet dead-lettered: whoever
   * writes the state next sends them first and clears this, so a crash loses none of them.
   */
  outbox: Expired[];
}

/** A held event whose hold ended: NOT_OWNER, with its message. */
export interface Expired {
  input: EventInput;
  message: string;
}

export function newState(nip: string): EmployeeState {
  return { profile: emptyProfile(nip), partition: -1, offset: -1, version: 0, last: {}, before: {}, dueAt: null, held: [], outbox: [] };
}

/** Drops what scoring never reads (free text, and the name above all) before a profile is stored. */
export function minimize(profile: Profile): Profile {
  if (profile.name === undefined && profile.positionName === undefined && profile.unitName === undefined) return profile;
  const { name: _n, positionName: _p, unitName: _u, ...rest } = profile;
  return rest;
}

/** A held event as stored: an upsert without its free text (the name above all), as `minimize`. */
export function minimizeHeld(input: EventInput): EventInput {
  const e = input.event;
  if (e.type !== 'ipasn.employee.upserted') return input;
  const { name: _n, positionName: _p, unitName: _u, ...rest } = e.data;
  if (_n === undefined && _p === undefined && _u === undefined) return input;
  return { ...input, event: { ...e, data: rest as typeof e.data } };
}
