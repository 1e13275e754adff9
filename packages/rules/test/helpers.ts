/** Builders for canonical events and profiles, shared by the tests. */
import type {
  CanonicalEvent,
  CanonicalEventOf,
  DisciplineLevel,
  EducationLevel,
  EmployeeUpserted,
  EventPayloads,
  EventType,
  IsoDate,
  JobGroup,
  LeadershipLevel,
  Predicate,
  SeparationReason,
  TrainingKind,
} from '@ipasn/contracts';
import { applyEvent, emptyProfile, type Profile } from '../src/index.js';

export const NIP = '197001011995031001';
export const A = '4011';
export const B = '3004';
export const C = '7672';

let nextId = 0;

export function envelope<T extends EventType>(type: T, agencyCode: string, data: EventPayloads[T], nip = NIP): CanonicalEventOf<T> {
  nextId += 1;
  return {
    id: `e-${nextId}`,
    source: `/agencies/${agencyCode}`,
    agencyCode,
    type,
    nip,
    time: '2025-01-01T00:00:00.000Z',
    data,
  };
}

export const ev = {
  upsert: (agency: string, data: Partial<EmployeeUpserted> = {}): CanonicalEvent =>
    envelope('ipasn.employee.upserted', agency, {
      name: 'Siti Rahayu',
      employmentType: 'PNS',
      jobGroup: 'PELAKSANA',
      ...data,
    }),
  education: (agency: string, recordId: string, level: EducationLevel, graduatedOn: IsoDate): CanonicalEvent =>
    envelope('ipasn.education.recorded', agency, { recordId, level, graduatedOn }),
  training: (
    agency: string,
    recordId: string,
    kind: TrainingKind,
    hours: number,
    completedOn: IsoDate,
    leadershipLevel?: LeadershipLevel,
  ): CanonicalEvent =>
    envelope(
      'ipasn.training.recorded',
      agency,
      kind === 'LEADERSHIP'
        ? { recordId, kind, hours, completedOn, leadershipLevel: leadershipLevel ?? 'PKP' }
        : { recordId, kind, hours, completedOn },
    ),
  appraisal: (agency: string, recordId: string, year: number, v: { predicate?: Predicate; score?: number }): CanonicalEvent =>
    envelope('ipasn.appraisal.recorded', agency, { recordId, year, ...v }),
  discipline: (agency: string, recordId: string, level: DisciplineLevel, imposedOn: IsoDate, endsOn?: IsoDate): CanonicalEvent =>
    envelope('ipasn.discipline.recorded', agency, { recordId, level, imposedOn, ...(endsOn !== undefined ? { endsOn } : {}) }),
  retract: (agency: string, recordId: string): CanonicalEvent => envelope('ipasn.record.retracted', agency, { recordId }),
  transfer: (agency: string, toAgencyCode: string): CanonicalEvent =>
    envelope('ipasn.employee.transferred', agency, { toAgencyCode }),
  separate: (agency: string, reason: SeparationReason = 'RETIRED'): CanonicalEvent =>
    envelope('ipasn.employee.separated', agency, { reason }),
};

/** Applies events in order and fails the test on any rejection. */
export function build(events: readonly CanonicalEvent[], start: Profile = emptyProfile(NIP)): Profile {
  let p = start;
  for (const e of events) {
    const r = applyEvent(p, e);
    if (!r.ok) throw new Error(`${e.type} rejected: ${r.reason} ${r.message}`);
    p = r.profile;
  }
  return p;
}

/** Record builders without the agency, for `employee(...)`. */
let nextRec = 0;
const rid = (): string => `r${++nextRec}`;
export const rec = {
  edu: (level: EducationLevel, on: IsoDate = '2000-01-01'): CanonicalEvent => ev.education(A, rid(), level, on),
  trn: (kind: TrainingKind, hours: number, on: IsoDate, lead?: LeadershipLevel): CanonicalEvent =>
    ev.training(A, rid(), kind, hours, on, lead),
  lead: (level: LeadershipLevel, on: IsoDate = '2010-01-01'): CanonicalEvent => ev.training(A, rid(), 'LEADERSHIP', 30, on, level),
  apr: (year: number, v: { predicate?: Predicate; score?: number }): CanonicalEvent => ev.appraisal(A, rid(), year, v),
  dis: (level: DisciplineLevel, on: IsoDate, endsOn?: IsoDate): CanonicalEvent => ev.discipline(A, rid(), level, on, endsOn),
};

/** An upserted employee of agency A with the given records. */
export function employee(
  opts: { jobGroup?: JobGroup; requiredEducation?: EducationLevel; employmentType?: 'PNS' | 'PPPK' },
  ...records: CanonicalEvent[]
): Profile {
  const data: Partial<EmployeeUpserted> = { jobGroup: opts.jobGroup ?? 'PELAKSANA', employmentType: opts.employmentType ?? 'PNS' };
  if (opts.requiredEducation !== undefined) data.requiredEducation = opts.requiredEducation;
  return build([ev.upsert(A, data), ...records]);
}
