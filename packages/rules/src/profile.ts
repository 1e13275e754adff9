/**
 * The employee profile: everything the score depends on, folded from canonical events in event
 * order (events.md, "Records, ownership and order"). A profile is a plain JSON value — it is stored
 * in Redis and must survive JSON.stringify/parse unchanged — so there are no Maps, Dates or keys
 * holding `undefined`. Records keep only what scoring reads (free text such as an institution or a
 * training name is dropped) because millions of profiles are kept.
 */
import type {
  CanonicalEvent,
  DisciplineLevel,
  EducationLevel,
  EmploymentType,
  IsoDate,
  JobGroup,
  LeadershipLevel,
  Predicate,
  TrainingKind,
} from '@ipasn/contracts';

export interface EducationRec {
  t: 'edu';
  /** Position in the employee's event order when (last) recorded. */
  seq: number;
  level: EducationLevel;
  /** graduatedOn */
  on: IsoDate;
}

export interface TrainingRec {
  t: 'trn';
  seq: number;
  kind: TrainingKind;
  /** hours (JP) */
  jp: number;
  /** completedOn */
  on: IsoDate;
  /** leadershipLevel, for LEADERSHIP trainings */
  lead?: LeadershipLevel;
}

export interface AppraisalRec {
  t: 'apr';
  seq: number;
  year: number;
  pred?: Predicate;
  score?: number;
}

export interface DisciplineRec {
  t: 'dis';
  seq: number;
  level: DisciplineLevel;
  /** imposedOn */
  on: IsoDate;
  /** endsOn: the first day the penalty no longer runs */
  ends?: IsoDate;
}

export type ProfileRecord = EducationRec | TrainingRec | AppraisalRec | DisciplineRec;

export interface Profile {
  nip: string;
  /** The agency that owns the employee now; null before the first upsert and after separation. */
  owner: string | null;
  /** The agency the employee is counted under: the last owner, kept after separation. */
  agencyCode: string | null;
  /** Scored and counted: from an upsert until separated. */
  active: boolean;
  // The fields of the last upsert; absent before it (and the optional ones when cleared).
  name?: string;
  employmentType?: EmploymentType;
  jobGroup?: JobGroup;
  positionName?: string;
  unitName?: string;
  requiredEducation?: EducationLevel;
  /** Keyed by recordId, whatever the kind. */
  records: Record<string, ProfileRecord>;
  /** The next sequence number to give a record. */
  seq: number;
}

export type ApplyOutcome =
  | { ok: true; profile: Profile }
  | { ok: false; reason: 'NOT_OWNER' | 'UNKNOWN_RECORD'; message: string };

export function emptyProfile(nip: string): Profile {
  return { nip, owner: null, agencyCode: null, active: false, records: {}, seq: 0 };
}

/** Active and upserted at least once, so the employment type and job group are known. */
export function isScorable(profile: Profile): boolean {
  return profile.active && profile.employmentType !== undefined && profile.jobGroup !== undefined;
}

/**
 * Looks a record up by id. Record ids are agency data, so `constructor` or `__proto__` must not
 * find Object.prototype's members.
 */
export function getRecord(profile: Profile, recordId: string): ProfileRecord | undefined {
  return Object.hasOwn(profile.records, recordId) ? profile.records[recordId] : undefined;
}

/**
 * How `applyEvent` changes a profile. By default it returns a new one and leaves the given profile
 * as it was: profiles are values that callers share. `inPlace` is for a fold's own working copy,
 * which nothing else holds (the offline scorer's map of profiles): a record or a retraction then
 * changes the given profile's records and `seq` and returns that same object, instead of copying
 * every record per event (the copy was ≈ 11 % of `ipasn score`'s CPU). Events that change the
 * owner or the employee fields still return a new object (sharing the records), so a caller can
 * compare the owner before and after. A rejected event never changes anything.
 */
export interface ApplyOptions {
  inPlace?: boolean;
}

const RECORD_EVENTS: ReadonlySet<string> = new Set(['ipasn.education.recorded', 'ipasn.training.recorded', 'ipasn.appraisal.recorded', 'ipasn.discipline.recorded']);

/** Whether `event`, if accepted, adds a record to `profile` (a record event with a new `recordId`). */
export function addsRecord(profile: Profile, event: CanonicalEvent): boolean {
  return RECORD_EVENTS.has(event.type) && getRecord(profile, (event.data as { recordId: string }).recordId) === undefined;
}

/** The number of records of `profile`. */
export function recordCount(profile: Profile): number {
  let n = 0;
  for (const id in profile.records) if (Object.hasOwn(profile.records, id)) n++;
  return n;
}

function withRecord(profile: Profile, recordId: string, rec: ProfileRecord, inPlace: boolean): Profile {
  if (!inPlace) {
    // A computed key creates an own property even for "__proto__"; `records[id] = …` would not.
    return { ...profile, records: { ...profile.records, [recordId]: rec }, seq: profile.seq + 1 };
  }
  if (recordId === '__proto__') Object.defineProperty(profile.records, recordId, { value: rec, writable: true, enumerable: true, configurable: true });
  else profile.records[recordId] = rec;
  profile.seq += 1;
  return profile;
}

function withoutRecord(profile: Profile, recordId: string, inPlace: boolean): Profile {
  if (inPlace) {
    // Only called for an own record: `delete` removes an own "__proto__" too, never the prototype.
    delete profile.records[recordId];
    return profile;
  }
  const records = Object.fromEntries(Object.entries(profile.records).filter(([id]) => id !== recordId));
  return { ...profile, records };
}

// Messages end up in logs and the DLQ: they name agency codes and record ids, never the employee.
function notOwner(sender: string, owner: string | null, type: string): ApplyOutcome {
  const message =
    owner === null
      ? `${type} from agency ${sender}: the employee has no owning agency`
      : `${type} from agency ${sender}: the employee is owned by agency ${owner}`;
  return { ok: false, reason: 'NOT_OWNER', message };
}

/**
 * Applies one canonical event of this employee. Pure by default: returns a new profile or the
 * reason the event is rejected (NOT_OWNER is checked before UNKNOWN_RECORD), never mutating
 * `profile` (with `inPlace`, see ApplyOptions).
 * An event for another NIP is a programmer error and throws.
 */
export function applyEvent(profile: Profile, event: CanonicalEvent, options: ApplyOptions = {}): ApplyOutcome {
  if (event.nip !== profile.nip) throw new Error(`applyEvent: event ${event.id} is for another employee`);
  const inPlace = options.inPlace === true;
  const sender = event.agencyCode;
  const { owner } = profile;
  const ownerOrAnyone = owner === null || owner === sender;
  const ok = (p: Profile): ApplyOutcome => ({ ok: true, profile: p });

  switch (event.type) {
    case 'ipasn.employee.upserted': {
      if (!ownerOrAnyone) return notOwner(sender, owner, event.type);
      const d = event.data;
      // An upsert replaces every employee field: an optional field it lacks is cleared.
      return ok({
        nip: profile.nip,
        owner: sender,
        agencyCode: sender,
        active: true,
        name: d.name,
        employmentType: d.employmentType,
        jobGroup: d.jobGroup,
        ...(d.positionName !== undefined ? { positionName: d.positionName } : {}),
        ...(d.unitName !== undefined ? { unitName: d.unitName } : {}),
        ...(d.requiredEducation !== undefined ? { requiredEducation: d.requiredEducation } : {}),
        records: profile.records,
        seq: profile.seq,
      });
    }
    case 'ipasn.education.recorded': {
      if (!ownerOrAnyone) return notOwner(sender, owner, event.type);
      const d = event.data;
      return ok(withRecord(profile, d.recordId, { t: 'edu', seq: profile.seq, level: d.level, on: d.graduatedOn }, inPlace));
    }
    case 'ipasn.training.recorded': {
      if (!ownerOrAnyone) return notOwner(sender, owner, event.type);
      const d = event.data;
      const rec: TrainingRec = { t: 'trn', seq: profile.seq, kind: d.kind, jp: d.hours, on: d.completedOn };
      if (d.kind === 'LEADERSHIP') rec.lead = d.leadershipLevel;
      return ok(withRecord(profile, d.recordId, rec, inPlace));
    }
    case 'ipasn.appraisal.recorded': {
      if (!ownerOrAnyone) return notOwner(sender, owner, event.type);
      const d = event.data;
      const rec: AppraisalRec = { t: 'apr', seq: profile.seq, year: d.year };
      if (d.predicate !== undefined) rec.pred = d.predicate;
      if (d.score !== undefined) rec.score = d.score;
      return ok(withRecord(profile, d.recordId, rec, inPlace));
    }
    case 'ipasn.discipline.recorded': {
      if (!ownerOrAnyone) return notOwner(sender, owner, event.type);
      const d = event.data;
      const rec: DisciplineRec = { t: 'dis', seq: profile.seq, level: d.level, on: d.imposedOn };
      if (d.endsOn !== undefined) rec.ends = d.endsOn;
      return ok(withRecord(profile, d.recordId, rec, inPlace));
    }
    case 'ipasn.record.retracted': {
      if (!ownerOrAnyone) return notOwner(sender, owner, event.type);
      const { recordId } = event.data;
      if (getRecord(profile, recordId) === undefined) {
        return {
          ok: false,
          reason: 'UNKNOWN_RECORD',
          message: `${event.type} from agency ${sender}: no record ${JSON.stringify(recordId)} on this employee`,
        };
      }
      return ok(withoutRecord(profile, recordId, inPlace));
    }
    case 'ipasn.employee.transferred': {
      if (owner === null || owner !== sender) return notOwner(sender, owner, event.type);
      const to = event.data.toAgencyCode;
      return ok({ ...profile, owner: to, agencyCode: to });
    }
    case 'ipasn.employee.separated': {
      if (owner === null || owner !== sender) return notOwner(sender, owner, event.type);
      return ok({ ...profile, owner: null, active: false });
    }
  }
}

/** Folds events in order, skipping rejected ones (as the pipeline does: they go to the DLQ). */
export function applyEvents(profile: Profile, events: Iterable<CanonicalEvent>): Profile {
  let p = profile;
  for (const e of events) {
    const r = applyEvent(p, e);
    if (r.ok) p = r.profile;
  }
  return p;
}
