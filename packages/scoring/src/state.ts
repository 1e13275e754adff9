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
  /**
   * The dead letters decided while applying events of the last chunk(s) not known to be committed,
   * each with the offset of the event whose application decided it (`at`, on the state's
   * partition). The scorer sends them inside the chunk's Kafka transaction, after writing this
   * state: if that transaction aborts (a crash between the write and the commit), the replayed
   * events are skipped as already applied and re-send exactly these. Dropped by the next chunk that
   * starts beyond `at` (its offsets were committed). Empty for almost every employee.
   */
  decided: Decided[];
}

/** An ownership reject of the scorer (events.md: NOT_OWNER, UNKNOWN_RECORD, TOO_MANY_RECORDS). */
export interface ScorerReject {
  input: EventInput;
  reason: 'NOT_OWNER' | 'UNKNOWN_RECORD' | 'TOO_MANY_RECORDS';
  message: string;
  /** The event had been held (it is not in the chunk at hand: its record is `input`'s coordinates). */
  released: boolean;
  /** Its hold ended with the employee still owned by another agency. */
  expired: boolean;
}

/** A reject decided by applying the event at offset `at`: re-sent when that event is replayed. */
export interface Decided extends ScorerReject {
  at: number;
}

/** A held event whose hold ended: NOT_OWNER, with its message. */
export interface Expired {
  input: EventInput;
  message: string;
}

export function newState(nip: string): EmployeeState {
  return { profile: emptyProfile(nip), partition: -1, offset: -1, version: 0, last: {}, before: {}, dueAt: null, held: [], outbox: [], decided: [] };
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
