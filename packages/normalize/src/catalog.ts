/**
 * The one catalog of event types: each `type` → its zod data schema (aliases in, canonical payload
 * out) and the rules that need more than the payload. `Catalog` is a mapped type over
 * `EventPayloads`, so a type without an entry, or an entry of the wrong payload type, fails `tsc`.
 *
 * Unknown data fields are ignored (stripped), as CloudEvents consumers ignore unknown extensions:
 * an agency may send more than we read without being rejected.
 */
import { z } from 'zod';
import type {
  AppraisalRecorded,
  DisciplineRecorded,
  EducationRecorded,
  EmployeeUpserted,
  EventPayloads,
  EventType,
  TrainingRecorded,
} from '@ipasn/contracts';
import { ALIASES } from './aliases.js';
import {
  agencyCode,
  calendarDate,
  hours,
  identifier,
  oneOf,
  optional,
  optionalText,
  optionalTextOf,
  LENGTH_LIMITS,
  Problem,
  required,
  score,
  text,
  typeOf,
  year,
} from './fields.js';

/** A field of the payload, by its name inside `data`, and what is wrong with it. */
export interface FieldNote {
  field: string;
  message: string;
}

export interface CatalogEntry<T extends EventType> {
  /** Ingress `data` → canonical payload. */
  readonly data: z.ZodType<EventPayloads[T], unknown>;
  /** Rules between the payload and the sending agency (check 3). */
  readonly senderRule?: (data: EventPayloads[T], sender: string) => FieldNote | undefined;
  /** Agency codes the payload names (check 5). */
  readonly agencies?: (data: EventPayloads[T]) => readonly { field: string; code: string }[];
  /** Calendar dates that must not start more than 24 h after ingestion (check 7). */
  readonly pastDates?: (data: EventPayloads[T]) => readonly { field: string; date: string }[];
  /** A year that must not be after the ingestion year (check 7). */
  readonly pastYear?: (data: EventPayloads[T]) => { field: string; year: number };
}

export type Catalog = { readonly [T in EventType]: CatalogEntry<T> };

const educationLevel = oneOf(ALIASES.educationLevel, 'an education level');
const leadershipLevel = oneOf(ALIASES.leadershipLevel, 'a leadership training level');

/** `data` itself: a JSON object. */
function payload<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.object(shape, {
    error: (issue) => (issue.input === undefined ? 'required' : `expected an object, got ${typeOf(issue.input)}`),
  });
}

function issue(ctx: z.core.$RefinementCtx, field: string, message: string, input: unknown): void {
  ctx.issues.push({ code: 'custom', path: [field], message, input });
}

const employeeUpserted = payload({
  name: required(text),
  employmentType: required(oneOf(ALIASES.employmentType, 'an employment type')),
  jobGroup: required(oneOf(ALIASES.jobGroup, 'a job group')),
  positionName: optional(optionalText),
  unitName: optional(optionalText),
  requiredEducation: optional(educationLevel),
}).transform((d): EmployeeUpserted => {
  const out: EmployeeUpserted = { name: d.name, employmentType: d.employmentType, jobGroup: d.jobGroup };
  if (d.positionName !== undefined) out.positionName = d.positionName;
  if (d.unitName !== undefined) out.unitName = d.unitName;
  if (d.requiredEducation !== undefined) out.requiredEducation = d.requiredEducation;
  return out;
});

const educationRecorded = payload({
  recordId: required(identifier),
  level: required(educationLevel),
  graduatedOn: required(calendarDate),
  institution: optional(optionalText),
  major: optional(optionalText),
}).transform((d): EducationRecorded => {
  const out: EducationRecorded = { recordId: d.recordId, level: d.level, graduatedOn: d.graduatedOn };
  if (d.institution !== undefined) out.institution = d.institution;
  if (d.major !== undefined) out.major = d.major;
  return out;
});

/** `leadershipLevel` is read only for LEADERSHIP training; for other kinds it is ignored, whatever it holds. */
const trainingRecorded = payload({
  recordId: required(identifier),
  kind: required(oneOf(ALIASES.trainingKind, 'a training kind')),
  hours: required(hours),
  completedOn: required(calendarDate),
  leadershipLevel: z.unknown().optional(),
  name: optional(optionalText),
}).transform((d, ctx): TrainingRecorded => {
  let out: TrainingRecorded;
  if (d.kind === 'LEADERSHIP') {
    const raw = d.leadershipLevel;
    const level = raw === undefined || raw === null ? new Problem('required when kind is LEADERSHIP') : leadershipLevel(raw);
    if (level instanceof Problem) {
      issue(ctx, 'leadershipLevel', level.message, raw);
      return z.NEVER;
    }
    out = { recordId: d.recordId, kind: d.kind, hours: d.hours, completedOn: d.completedOn, leadershipLevel: level };
  } else {
    out = { recordId: d.recordId, kind: d.kind, hours: d.hours, completedOn: d.completedOn };
  }
  if (d.name !== undefined) out.name = d.name;
  return out;
});

/** Both may be present (the predicate wins when scoring); neither is SCHEMA_INVALID. */
const appraisalRecorded = payload({
  recordId: required(identifier),
  year: required(year),
  predicate: optional(oneOf(ALIASES.predicate, 'a predicate')),
  score: optional(score),
}).transform((d, ctx): AppraisalRecorded => {
  if (d.predicate === undefined && d.score === undefined) {
    issue(ctx, 'predicate', 'required when data.score is absent (give a predicate, a score or both)', undefined);
    issue(ctx, 'score', 'required when data.predicate is absent', undefined);
    return z.NEVER;
  }
  const out: AppraisalRecorded = { recordId: d.recordId, year: d.year };
  if (d.predicate !== undefined) out.predicate = d.predicate;
  if (d.score !== undefined) out.score = d.score;
  return out;
});

const disciplineRecorded = payload({
  recordId: required(identifier),
  level: required(oneOf(ALIASES.disciplineLevel, 'a discipline level')),
  imposedOn: required(calendarDate),
  endsOn: optional(calendarDate),
  penalty: optional(optionalTextOf(LENGTH_LIMITS.penalty)),
}).transform((d, ctx): DisciplineRecorded => {
  const out: DisciplineRecorded = { recordId: d.recordId, level: d.level, imposedOn: d.imposedOn };
  if (d.endsOn !== undefined) {
    // Canonical dates compare correctly as strings.
    if (d.endsOn <= d.imposedOn) {
      issue(ctx, 'endsOn', `must be after data.imposedOn (${d.imposedOn}), got ${d.endsOn}`, d.endsOn);
      return z.NEVER;
    }
    out.endsOn = d.endsOn;
  }
  if (d.penalty !== undefined) out.penalty = d.penalty;
  return out;
});

export const CATALOG: Catalog = {
  'ipasn.employee.upserted': { data: employeeUpserted },
  'ipasn.education.recorded': {
    data: educationRecorded,
    pastDates: (d) => [{ field: 'graduatedOn', date: d.graduatedOn }],
  },
  'ipasn.training.recorded': {
    data: trainingRecorded,
    pastDates: (d) => [{ field: 'completedOn', date: d.completedOn }],
  },
  'ipasn.appraisal.recorded': {
    data: appraisalRecorded,
    pastYear: (d) => ({ field: 'year', year: d.year }),
  },
  'ipasn.discipline.recorded': {
    data: disciplineRecorded,
    // endsOn may lie in the future: a penalty runs on.
    pastDates: (d) => [{ field: 'imposedOn', date: d.imposedOn }],
  },
  'ipasn.record.retracted': {
    data: payload({ recordId: required(identifier) }),
  },
  'ipasn.employee.transferred': {
    data: payload({ toAgencyCode: required(agencyCode) }),
    senderRule: (d, sender) =>
      d.toAgencyCode === sender
        ? { field: 'toAgencyCode', message: `must differ from the sending agency ${sender} (a transfer to itself)` }
        : undefined,
    agencies: (d) => [{ field: 'toAgencyCode', code: d.toAgencyCode }],
  },
  'ipasn.employee.separated': {
    data: payload({ reason: required(oneOf(ALIASES.separationReason, 'a separation reason')) }),
  },
};
