/**
 * The stored state's bytes, compact enough for national scale (target ≤ 1.5 KB per employee in
 * Redis with a typical history). Positional JSON arrays: no key names, enumerations as indexes,
 * dates as yyyymmdd numbers; free text that scoring never reads (name, position, unit) is not
 * stored. A format tag leads, so a later encoding can replace this one without a migration.
 *
 * `j3` keys the last scores by rule-set id (rule sets are open data: any number, any id). `j2`
 * stored them by position in the two ids the code once knew; it is still read, so a running
 * system upgrades without a migration (each state is rewritten as `j3` on its next write).
 */
import {
  DISCIPLINE_LEVELS,
  EDUCATION_LEVELS,
  EMPLOYMENT_TYPES,
  JOB_GROUPS,
  LEADERSHIP_LEVELS,
  PREDICATES,
  TRAINING_KINDS,
} from '@ipasn/contracts';
import type { CanonicalEvent } from '@ipasn/contracts';
import type { Profile, ProfileRecord } from '@ipasn/rules';
import { IpasnError } from '@ipasn/errors';
import type { Decided, EmployeeState, EventInput, LastScore } from '@ipasn/scoring';

const FORMAT = 'j3';
const LEGACY_J2 = 'j2';
/** What the positions of a `j2` last-score list meant (a fact about stored bytes, not the list in force). */
const J2_POSITIONS = ['perban-8-2019', 'reformulasi-2024'];

type LastList = [string, number, string][];

const date = (d: string): number => Number(d.replaceAll('-', ''));
const undate = (n: number): string => {
  const s = String(n).padStart(8, '0');
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
};
const idx = <T extends string>(list: readonly T[], v: T | undefined): number => (v === undefined ? -1 : list.indexOf(v));
function at<T>(list: readonly T[], i: number): T {
  const v = list[i];
  if (v === undefined) throw corrupt(`index ${i} out of range`);
  return v;
}

type Rec = (string | number | null)[];

/** Stored bytes this code cannot read: a bug or a foreign writer, never healed by a retry. */
function corrupt(what: string): IpasnError {
  return new IpasnError('STATE_CORRUPT', `stored employee state: ${what}`);
}

function encodeRecord(id: string, r: ProfileRecord): Rec {
  switch (r.t) {
    case 'edu':
      return [id, 0, r.seq, idx(EDUCATION_LEVELS, r.level), date(r.on)];
    case 'trn':
      return [id, 1, r.seq, idx(TRAINING_KINDS, r.kind), r.jp, date(r.on), idx(LEADERSHIP_LEVELS, r.lead)];
    case 'apr':
      return [id, 2, r.seq, r.year, idx(PREDICATES, r.pred), r.score ?? null];
    case 'dis':
      return [id, 3, r.seq, idx(DISCIPLINE_LEVELS, r.level), date(r.on), r.ends === undefined ? 0 : date(r.ends)];
  }
}

function decodeRecord(a: Rec): [string, ProfileRecord] {
  const [id, t, seq] = a as [string, number, number];
  switch (t) {
    case 0:
      return [id, { t: 'edu', seq, level: at(EDUCATION_LEVELS, a[3] as number), on: undate(a[4] as number) }];
    case 1: {
      const lead = a[6] as number;
      const r: ProfileRecord = { t: 'trn', seq, kind: at(TRAINING_KINDS, a[3] as number), jp: a[4] as number, on: undate(a[5] as number) };
      if (lead >= 0) r.lead = at(LEADERSHIP_LEVELS, lead);
      return [id, r];
    }
    case 2: {
      const r: ProfileRecord = { t: 'apr', seq, year: a[3] as number };
      if ((a[4] as number) >= 0) r.pred = at(PREDICATES, a[4] as number);
      if (a[5] !== null && a[5] !== undefined) r.score = a[5] as number;
      return [id, r];
    }
    case 3: {
      const r: ProfileRecord = { t: 'dis', seq, level: at(DISCIPLINE_LEVELS, a[3] as number), on: undate(a[4] as number) };
      if ((a[5] as number) > 0) r.ends = undate(a[5] as number);
      return [id, r];
    }
    default:
      throw corrupt(`unknown record kind ${String(t)}`);
  }
}

function encodeLast(last: EmployeeState['last']): LastList {
  const out: LastList = [];
  for (const [id, l] of Object.entries(last)) if (l) out.push([id, l.total, l.agencyCode]);
  return out;
}

function decodeLast(a: LastList): EmployeeState['last'] {
  const out: Record<string, LastScore> = {};
  for (const [id, total, agencyCode] of a) out[id] = { total, agencyCode };
  return out;
}

function decodeLastJ2(a: (0 | [number, string])[]): EmployeeState['last'] {
  const out: Record<string, LastScore> = {};
  a.forEach((v, i) => {
    const id = J2_POSITIONS[i];
    if (v && id !== undefined) out[id] = { total: v[0], agencyCode: v[1] };
  });
  return out;
}

/** A held event: its coordinates, ingestion time and the canonical event but its NIP (the state's). */
type Held = [number, number, number, string, string, string, string, string, unknown];

function encodeHeld(h: EventInput): Held {
  const e = h.event;
  return [h.partition, h.offset, h.ingestedAt, e.id, e.source, e.agencyCode, e.type, e.time, e.data];
}

function decodeHeld(nip: string, a: Held): EventInput {
  const [partition, offset, ingestedAt, id, source, agencyCode, type, time, data] = a;
  if (typeof data !== 'object' || data === null) throw corrupt('held event without data');
  return { partition, offset, ingestedAt, event: { id, source, agencyCode, type, nip, time, data } as CanonicalEvent };
}

/** A decided reject: the offset that decided it, the event (as held), reason, message, released, expired. */
type DecidedRow = [number, ...Held, Decided['reason'], string, 0 | 1, 0 | 1];

function encodeDecided(d: Decided): DecidedRow {
  return [d.at, ...encodeHeld(d.input), d.reason, d.message, d.released ? 1 : 0, d.expired ? 1 : 0];
}

function decodeDecided(nip: string, row: DecidedRow): Decided {
  const [at, ...rest] = row;
  const [reason, message, released, expired] = rest.slice(9) as [Decided['reason'], string, 0 | 1, 0 | 1];
  return { at, input: decodeHeld(nip, rest.slice(0, 9) as Held), reason, message, released: released === 1, expired: expired === 1 };
}

export function encodeState(state: EmployeeState): string {
  const p = state.profile;
  const profile = [
    p.nip,
    p.owner,
    p.agencyCode,
    p.active ? 1 : 0,
    idx(EMPLOYMENT_TYPES, p.employmentType),
    idx(JOB_GROUPS, p.jobGroup),
    idx(EDUCATION_LEVELS, p.requiredEducation),
    p.seq,
    Object.entries(p.records).map(([id, r]) => encodeRecord(id, r)),
  ];
  const fields: unknown[] = [profile, state.partition, state.offset, state.version, encodeLast(state.last), state.dueAt, encodeLast(state.before)];
  // Held events, the outbox and the decided rejects only when there are any (most employees never
  // have one); positional, so an earlier list is written (empty) when a later one is not empty.
  const decided = state.decided.length > 0;
  if (state.held.length > 0 || state.outbox.length > 0 || decided) fields.push(state.held.map(encodeHeld));
  if (state.outbox.length > 0 || decided) fields.push(state.outbox.map((x) => [...encodeHeld(x.input), x.message]));
  if (decided) fields.push(state.decided.map(encodeDecided));
  return FORMAT + JSON.stringify(fields);
}

export function decodeState(raw: string): EmployeeState {
  const legacy = raw.startsWith(LEGACY_J2);
  if (!legacy && !raw.startsWith(FORMAT)) throw new IpasnError('STATE_CORRUPT', `unknown employee state format ${raw.slice(0, 2)}`);
  const [pa, partition, offset, version, last, dueAt, before, held, outbox, decided] = JSON.parse(raw.slice(FORMAT.length)) as [
    unknown[],
    number,
    number,
    number,
    unknown[],
    number | null,
    unknown[],
    Held[] | undefined,
    [...Held, string][] | undefined,
    DecidedRow[] | undefined,
  ];
  const lastOf = (a: unknown[]): EmployeeState['last'] => (legacy ? decodeLastJ2(a as (0 | [number, string])[]) : decodeLast(a as LastList));
  const [nip, owner, agencyCode, active, et, jg, req, seq, recs] = pa as [string, string | null, string | null, number, number, number, number, number, Rec[]];
  const profile: Profile = { nip, owner, agencyCode, active: active === 1, records: Object.fromEntries(recs.map(decodeRecord)), seq };
  if (et >= 0) profile.employmentType = at(EMPLOYMENT_TYPES, et);
  if (jg >= 0) profile.jobGroup = at(JOB_GROUPS, jg);
  if (req >= 0) profile.requiredEducation = at(EDUCATION_LEVELS, req);
  return {
    profile,
    partition,
    offset,
    version,
    last: lastOf(last),
    dueAt,
    before: lastOf(before),
    held: (held ?? []).map((h) => decodeHeld(nip, h)),
    outbox: (outbox ?? []).map((x) => ({ input: decodeHeld(nip, x.slice(0, 9) as Held), message: x[9] })),
    decided: (decided ?? []).map((x) => decodeDecided(nip, x)),
  };
}
