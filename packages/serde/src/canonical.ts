/**
 * Maps the canonical event of `@ipasn/contracts` to the Avro record of
 * `schemas/ipasn.events/CanonicalEvent.v*.avsc` and back. The shapes differ in three ways: `time` is
 * an ISO string in TS and epoch milliseconds in Avro; absent optional fields are nulls in Avro; and
 * `data` is a union of one record per type, wrapped as `{ "<full record name>": payload }`.
 */
import {
  EVENT_TYPES,
  type CanonicalEvent,
  type DisciplineLevel,
  type EducationLevel,
  type EmploymentType,
  type EventType,
  type JobGroup,
  type LeadershipLevel,
  type Predicate,
  type SeparationReason,
  type TrainingKind,
} from '@ipasn/contracts';
import { SerdeError } from './errors.js';

/** The Avro record of each event type's payload; `satisfies` makes a new event type fail `tsc` here. */
export const PAYLOAD_RECORDS = {
  'ipasn.employee.upserted': 'id.go.bkn.ipasn.EmployeeUpserted',
  'ipasn.education.recorded': 'id.go.bkn.ipasn.EducationRecorded',
  'ipasn.training.recorded': 'id.go.bkn.ipasn.TrainingRecorded',
  'ipasn.appraisal.recorded': 'id.go.bkn.ipasn.AppraisalRecorded',
  'ipasn.discipline.recorded': 'id.go.bkn.ipasn.DisciplineRecorded',
  'ipasn.record.retracted': 'id.go.bkn.ipasn.RecordRetracted',
  'ipasn.employee.transferred': 'id.go.bkn.ipasn.EmployeeTransferred',
  'ipasn.employee.separated': 'id.go.bkn.ipasn.EmployeeSeparated',
} as const satisfies Record<EventType, string>;

export interface AvroPayloads {
  'ipasn.employee.upserted': {
    name: string;
    employmentType: EmploymentType;
    jobGroup: JobGroup;
    positionName: string | null;
    unitName: string | null;
    requiredEducation: EducationLevel | null;
  };
  'ipasn.education.recorded': {
    recordId: string;
    level: EducationLevel;
    graduatedOn: string;
    institution: string | null;
    major: string | null;
  };
  'ipasn.training.recorded': {
    recordId: string;
    kind: TrainingKind;
    hours: number;
    completedOn: string;
    leadershipLevel: LeadershipLevel | null;
    name: string | null;
  };
  'ipasn.appraisal.recorded': { recordId: string; year: number; predicate: Predicate | null; score: number | null };
  'ipasn.discipline.recorded': {
    recordId: string;
    level: DisciplineLevel;
    imposedOn: string;
    endsOn: string | null;
    penalty: string | null;
  };
  'ipasn.record.retracted': { recordId: string };
  'ipasn.employee.transferred': { toAgencyCode: string };
  'ipasn.employee.separated': { reason: SeparationReason };
}

/** The wrapped union: exactly one key, the payload record's full name. */
export type AvroEventData = {
  [T in EventType]: { [K in (typeof PAYLOAD_RECORDS)[T]]: AvroPayloads[T] };
}[EventType];

export interface AvroCanonicalEvent {
  id: string;
  source: string;
  agencyCode: string;
  /** An EventType when written by us; checked against the `data` branch when read. */
  type: string;
  nip: string;
  /** Epoch milliseconds. */
  time: number;
  data: AvroEventData;
}

function invalid(message: string): never {
  throw new SerdeError('INVALID_EVENT', message);
}

/** `{ key: value }`, or `{}` when value is null: optional properties are absent, never undefined. */
function opt<K extends string, V>(key: K, value: V | null): { [P in K]?: V } {
  return (value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

function checkAppraisal(p: { recordId: string; predicate?: unknown; score?: unknown }): void {
  if ((p.predicate ?? null) === null && (p.score ?? null) === null) {
    invalid(`appraisal ${p.recordId}: neither predicate nor score`);
  }
}

function toAvroPayload(e: CanonicalEvent): AvroPayloads[EventType] {
  switch (e.type) {
    case 'ipasn.employee.upserted': {
      const d = e.data;
      return {
        name: d.name,
        employmentType: d.employmentType,
        jobGroup: d.jobGroup,
        positionName: d.positionName ?? null,
        unitName: d.unitName ?? null,
        requiredEducation: d.requiredEducation ?? null,
      };
    }
    case 'ipasn.education.recorded': {
      const d = e.data;
      return { recordId: d.recordId, level: d.level, graduatedOn: d.graduatedOn, institution: d.institution ?? null, major: d.major ?? null };
    }
    case 'ipasn.training.recorded': {
      const d = e.data;
      const leadershipLevel = d.kind === 'LEADERSHIP' ? d.leadershipLevel : null;
      return { recordId: d.recordId, kind: d.kind, hours: d.hours, completedOn: d.completedOn, leadershipLevel, name: d.name ?? null };
    }
    case 'ipasn.appraisal.recorded': {
      const d = e.data;
      checkAppraisal(d);
      return { recordId: d.recordId, year: d.year, predicate: d.predicate ?? null, score: d.score ?? null };
    }
    case 'ipasn.discipline.recorded': {
      const d = e.data;
      return { recordId: d.recordId, level: d.level, imposedOn: d.imposedOn, endsOn: d.endsOn ?? null, penalty: d.penalty ?? null };
    }
    case 'ipasn.record.retracted':
      return { recordId: e.data.recordId };
    case 'ipasn.employee.transferred':
      return { toAgencyCode: e.data.toAgencyCode };
    case 'ipasn.employee.separated':
      return { reason: e.data.reason };
  }
}

/** The Avro record for `e`, ready for `registry.encode('CanonicalEvent', …)`. */
export function toAvroCanonicalEvent(e: CanonicalEvent): AvroCanonicalEvent {
  const time = Date.parse(e.time);
  if (!Number.isFinite(time)) invalid(`event ${e.id}: time is not an ISO-8601 timestamp`);
  return {
    id: e.id,
    source: e.source,
    agencyCode: e.agencyCode,
    type: e.type,
    nip: e.nip,
    time,
    data: { [PAYLOAD_RECORDS[e.type]]: toAvroPayload(e) } as AvroEventData,
  };
}

function isEventType(type: string): type is EventType {
  return (EVENT_TYPES as readonly string[]).includes(type);
}

/** The canonical event of a decoded Avro record (`registry.decodeAs('CanonicalEvent', …).value`). */
export function fromAvroCanonicalEvent(v: AvroCanonicalEvent): CanonicalEvent {
  const branches = Object.entries(v.data);
  const [branch, payload] = branches[0] ?? [];
  if (branches.length !== 1 || branch === undefined) invalid(`event ${v.id}: data must hold exactly one payload record`);
  if (!isEventType(v.type)) invalid(`event ${v.id}: unknown type ${v.type}`);
  if (PAYLOAD_RECORDS[v.type] !== branch) invalid(`event ${v.id}: type ${v.type} does not match the payload record ${branch}`);
  let time: string;
  try {
    time = new Date(v.time).toISOString();
  } catch {
    invalid(`event ${v.id}: time ${v.time} is out of range`);
  }
  const base = { id: v.id, source: v.source, agencyCode: v.agencyCode, nip: v.nip, time };
  switch (v.type) {
    case 'ipasn.employee.upserted': {
      const d = payload as AvroPayloads[typeof v.type];
      const data = { name: d.name, employmentType: d.employmentType, jobGroup: d.jobGroup, ...opt('positionName', d.positionName), ...opt('unitName', d.unitName), ...opt('requiredEducation', d.requiredEducation) };
      return { ...base, type: v.type, data };
    }
    case 'ipasn.education.recorded': {
      const d = payload as AvroPayloads[typeof v.type];
      const data = { recordId: d.recordId, level: d.level, graduatedOn: d.graduatedOn, ...opt('institution', d.institution), ...opt('major', d.major) };
      return { ...base, type: v.type, data };
    }
    case 'ipasn.training.recorded': {
      const d = payload as AvroPayloads[typeof v.type];
      const common = { recordId: d.recordId, hours: d.hours, completedOn: d.completedOn, ...opt('name', d.name) };
      if (d.kind === 'LEADERSHIP') {
        if (d.leadershipLevel === null) invalid(`training ${d.recordId}: LEADERSHIP without leadershipLevel`);
        return { ...base, type: v.type, data: { ...common, kind: d.kind, leadershipLevel: d.leadershipLevel } };
      }
      if (d.leadershipLevel !== null) invalid(`training ${d.recordId}: leadershipLevel on a ${d.kind} training`);
      return { ...base, type: v.type, data: { ...common, kind: d.kind } };
    }
    case 'ipasn.appraisal.recorded': {
      const d = payload as AvroPayloads[typeof v.type];
      checkAppraisal(d);
      return { ...base, type: v.type, data: { recordId: d.recordId, year: d.year, ...opt('predicate', d.predicate), ...opt('score', d.score) } };
    }
    case 'ipasn.discipline.recorded': {
      const d = payload as AvroPayloads[typeof v.type];
      const data = { recordId: d.recordId, level: d.level, imposedOn: d.imposedOn, ...opt('endsOn', d.endsOn), ...opt('penalty', d.penalty) };
      return { ...base, type: v.type, data };
    }
    case 'ipasn.record.retracted':
      return { ...base, type: v.type, data: { recordId: (payload as AvroPayloads[typeof v.type]).recordId } };
    case 'ipasn.employee.transferred':
      return { ...base, type: v.type, data: { toAgencyCode: (payload as AvroPayloads[typeof v.type]).toAgencyCode } };
    case 'ipasn.employee.separated':
      return { ...base, type: v.type, data: { reason: (payload as AvroPayloads[typeof v.type]).reason } };
  }
}
