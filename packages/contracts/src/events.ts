/**
 * Canonical events: what the normalizer writes to `ipasn.events` and what the rules' reducer reads.
 * One table maps each event type to its payload type, so a missing handler fails `tsc`.
 */
import type {
  DisciplineLevel,
  EducationLevel,
  EmploymentType,
  IsoDate,
  JobGroup,
  LeadershipLevel,
  Predicate,
  SeparationReason,
  TrainingKind,
} from './domain.js';

export const EVENT_TYPES = [
  'ipasn.employee.upserted',
  'ipasn.education.recorded',
  'ipasn.training.recorded',
  'ipasn.appraisal.recorded',
  'ipasn.discipline.recorded',
  'ipasn.record.retracted',
  'ipasn.employee.transferred',
  'ipasn.employee.separated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EmployeeUpserted {
  name: string;
  employmentType: EmploymentType;
  jobGroup: JobGroup;
  positionName?: string;
  unitName?: string;
  requiredEducation?: EducationLevel;
}

export interface EducationRecorded {
  recordId: string;
  level: EducationLevel;
  graduatedOn: IsoDate;
  institution?: string;
  major?: string;
}

export type TrainingRecorded =
  | {
      recordId: string;
      kind: 'LEADERSHIP';
      hours: number;
      completedOn: IsoDate;
      leadershipLevel: LeadershipLevel;
      name?: string;
    }
  | {
      recordId: string;
      kind: Exclude<TrainingKind, 'LEADERSHIP'>;
      hours: number;
      completedOn: IsoDate;
      name?: string;
    };

/** At least one of `predicate` and `score` is present; when both are, the predicate wins. */
export interface AppraisalRecorded {
  recordId: string;
  year: number;
  predicate?: Predicate;
  score?: number;
}

export interface DisciplineRecorded {
  recordId: string;
  level: DisciplineLevel;
  imposedOn: IsoDate;
  /** The first day the penalty no longer runs; after `imposedOn`. */
  endsOn?: IsoDate;
  penalty?: string;
}

export interface RecordRetracted {
  recordId: string;
}

export interface EmployeeTransferred {
  toAgencyCode: string;
}

export interface EmployeeSeparated {
  reason: SeparationReason;
}

export interface EventPayloads {
  'ipasn.employee.upserted': EmployeeUpserted;
  'ipasn.education.recorded': EducationRecorded;
  'ipasn.training.recorded': TrainingRecorded;
  'ipasn.appraisal.recorded': AppraisalRecorded;
  'ipasn.discipline.recorded': DisciplineRecorded;
  'ipasn.record.retracted': RecordRetracted;
  'ipasn.employee.transferred': EmployeeTransferred;
  'ipasn.employee.separated': EmployeeSeparated;
}

interface Envelope<T extends EventType> {
  /** CloudEvents id; (`source`, `id`) is the idempotency key. */
  id: string;
  /** `/agencies/<agencyCode>`. */
  source: string;
  /** The sending agency, taken from `source`. */
  agencyCode: string;
  type: T;
  /** The employee's NIP: 18 digits, separators removed. */
  nip: string;
  /** When the agency recorded the change, as UTC ISO-8601 (`2024-05-01T03:00:00.000Z`). Metadata only. */
  time: string;
  data: EventPayloads[T];
}

export type CanonicalEvent = { [T in EventType]: Envelope<T> }[EventType];
export type CanonicalEventOf<T extends EventType> = Envelope<T>;
