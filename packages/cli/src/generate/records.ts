/**
 * Payloads of one employee's history: education, trainings, appraisals and penalties with realistic
 * dates and sizes, and the upsert. All dates are day numbers on or before `asOf`.
 */
import type { DisciplineLevel, JobGroup, LeadershipLevel, Predicate, TrainingKind } from '@ipasn/contracts';
import { addMonths, dayOf, isoOf, ymdOf } from '../dates.js';
import type { Employee } from './employee.js';
import { Weighted, type Rng } from './rng.js';
import {
  FUNCTIONAL_TRAININGS,
  LEADERSHIP_TRAINING_NAMES,
  MAJORS,
  PENALTIES,
  POLYTECHNICS,
  SCHOOL_CITIES,
  SCHOOL_MAJORS,
  SEMINARS,
  TECHNICAL_TRAININGS,
  UNIVERSITIES,
} from './vocab.js';

export type Payload = Record<string, unknown>;

/** A record to send: its event type, payload without `recordId`, and the date that orders it. */
export interface PlannedRecord {
  type: 'ipasn.education.recorded' | 'ipasn.training.recorded' | 'ipasn.appraisal.recorded' | 'ipasn.discipline.recorded';
  date: number;
  data: Payload;
}

export function upsertData(emp: Employee): Payload {
  const data: Payload = { name: emp.name, employmentType: emp.employmentType, jobGroup: emp.jobGroup };
  if (emp.positionName !== undefined) data.positionName = emp.positionName;
  if (emp.unitName !== undefined) data.unitName = emp.unitName;
  if (emp.requiredEducation !== undefined) data.requiredEducation = emp.requiredEducation;
  return data;
}

export function educationRecords(rng: Rng, emp: Employee): PlannedRecord[] {
  return emp.education.map(({ level, graduatedOn }) => {
    const data: Payload = { level, graduatedOn: isoOf(graduatedOn) };
    if (rng.chance(0.75)) {
      if (level === 'SD' || level === 'SMP' || level === 'SMA') {
        const kind = level === 'SD' ? 'SD' : level === 'SMP' ? 'SMP' : rng.chance(0.3) ? 'SMK' : 'SMA';
        data.institution = `${kind} Negeri ${rng.int(1, 12)} ${rng.pick(SCHOOL_CITIES)}`;
        if (level === 'SMA' && rng.chance(0.5)) data.major = rng.pick(SCHOOL_MAJORS);
      } else {
        data.institution = rng.pick(level.startsWith('D') ? POLYTECHNICS : UNIVERSITIES);
        if (rng.chance(0.8)) data.major = rng.pick(MAJORS);
      }
    }
    return { type: 'ipasn.education.recorded', date: graduatedOn, data };
  });
}

const TECH_HOURS = [8, 12, 16, 20, 24, 24, 24, 30, 32, 40];
const SEMINAR_HOURS = [0, 2, 3, 4, 4, 6, 8];
const FUNCTIONAL_HOURS = [40, 56, 64, 80, 100, 120];
const LEADERSHIP_HOURS: Record<LeadershipLevel, number> = { PKN_I: 464, PKN_II: 360, PKA: 280, PKP: 200 };

/** The leadership level matching a structural post (ipasn-rules.md, Kompetensi). */
const MATCHING_LEADERSHIP: Partial<Record<JobGroup, LeadershipLevel>> = {
  JPT_UTAMA: 'PKN_I',
  JPT_MADYA: 'PKN_I',
  JPT_PRATAMA: 'PKN_II',
  ADMINISTRATOR: 'PKA',
  PENGAWAS: 'PKP',
};

export function leadershipFor(group: JobGroup): LeadershipLevel | undefined {
  return MATCHING_LEADERSHIP[group];
}

export function isFunctional(group: JobGroup): boolean {
  return group.startsWith('FUNGSIONAL_');
}

/** About 8 trainings over several years, denser in recent years. */
export function trainingRecords(rng: Rng, emp: Employee, asOf: number, scale: number): PlannedRecord[] {
  const out: PlannedRecord[] = [];
  const start = Math.max(emp.appointed + 30, asOf - 6 * 365);
  if (start >= asOf) return out;
  const span = asOf - start;
  const when = (): number => asOf - Math.floor(Math.pow(rng.float(), 1.4) * span);
  const functional = isFunctional(emp.jobGroup);
  const kinds = new Weighted<Exclude<TrainingKind, 'LEADERSHIP'>>(
    functional
      ? [['TECHNICAL', 45], ['SEMINAR', 35], ['FUNCTIONAL', 20]]
      : [['TECHNICAL', 55], ['SEMINAR', 45]],
  );
  const n = Math.round(rng.normal(8, 3, 1, 18) * scale);
  for (let i = 0; i < n; i++) out.push(training(rng, kinds.draw(rng), when()));
  if (functional && rng.chance(0.8) && !out.some((t) => t.data.kind === 'FUNCTIONAL')) {
    out.push(training(rng, 'FUNCTIONAL', when()));
  }
  const lead = leadershipFor(emp.jobGroup);
  if (lead !== undefined) {
    const earliest = emp.appointed + 5 * 365;
    if (rng.chance(0.8) && earliest < asOf) out.push(leadership(rng, lead, rng.int(earliest, asOf)));
    // A lower course from an earlier post.
    const lower = lead === 'PKN_I' ? 'PKN_II' : lead === 'PKN_II' ? 'PKA' : lead === 'PKA' ? 'PKP' : undefined;
    if (lower !== undefined && rng.chance(0.5) && earliest < asOf) {
      out.push(leadership(rng, lower, rng.int(earliest, Math.max(earliest, asOf - 3 * 365))));
    }
  }
  return out;
}

function training(rng: Rng, kind: Exclude<TrainingKind, 'LEADERSHIP'>, date: number): PlannedRecord {
  const hours = rng.pick(kind === 'TECHNICAL' ? TECH_HOURS : kind === 'SEMINAR' ? SEMINAR_HOURS : FUNCTIONAL_HOURS);
  const data: Payload = { kind, hours, completedOn: isoOf(date) };
  if (rng.chance(0.85)) {
    data.name = rng.pick(kind === 'TECHNICAL' ? TECHNICAL_TRAININGS : kind === 'SEMINAR' ? SEMINARS : FUNCTIONAL_TRAININGS);
  }
  return { type: 'ipasn.training.recorded', date, data };
}

export function leadership(rng: Rng, level: LeadershipLevel, date: number): PlannedRecord {
  const data: Payload = { kind: 'LEADERSHIP', hours: LEADERSHIP_HOURS[level], completedOn: isoOf(date), leadershipLevel: level };
  if (rng.chance(0.9)) data.name = LEADERSHIP_TRAINING_NAMES[level];
  return { type: 'ipasn.training.recorded', date, data };
}

const RECENT_PREDICATES = new Weighted<Predicate>([
  ['SANGAT_BAIK', 20],
  ['BAIK', 65],
  ['BUTUH_PERBAIKAN', 7],
  ['CUKUP', 3],
  ['KURANG', 3],
  ['SANGAT_KURANG', 1],
  ['BURUK', 1],
]);

/** 3–6 annual appraisals: numeric SKP scores before 2022, predicates (PermenPANRB 6/2022) after. */
export function appraisalRecords(rng: Rng, emp: Employee, asOf: number, scale: number): PlannedRecord[] {
  const { y: asOfYear, m: asOfMonth } = ymdOf(asOf);
  const firstYear = ymdOf(emp.appointed).y + 1;
  // Last year's SKP is usually in by March; this year's only sometimes (interim appraisals).
  let last = rng.chance(0.3) || asOfMonth <= 2 ? asOfYear - 1 : asOfYear;
  if (rng.chance(0.04)) last -= 2; // no recent appraisal: a data gap
  const n = Math.round(rng.int(3, 6) * scale);
  const out: PlannedRecord[] = [];
  for (let year = Math.max(firstYear, last - n + 1); year <= last; year++) {
    const data: Payload = { year };
    const mode = rng.float();
    const predicate = RECENT_PREDICATES.draw(rng);
    const score = scoreFor(rng, predicate);
    if (year < 2022) {
      if (mode < 0.6) data.score = score;
      else if (mode < 0.9) data.predicate = predicate === 'BUTUH_PERBAIKAN' ? 'CUKUP' : predicate;
      else Object.assign(data, { predicate, score });
    } else if (mode < 0.85) data.predicate = predicate;
    else if (mode < 0.9) data.score = score;
    else Object.assign(data, { predicate, score });
    // Appraisals are recorded early the next year; an interim one for this year is dated today.
    const recorded = Math.min(asOf, dayOf(year + 1, rng.int(1, 3), rng.int(1, 28)));
    out.push({ type: 'ipasn.appraisal.recorded', date: recorded, data });
  }
  return out;
}

function scoreFor(rng: Rng, p: Predicate): number {
  const [lo, hi] =
    p === 'SANGAT_BAIK' ? [91, 98] : p === 'BAIK' ? [76, 90] : p === 'CUKUP' || p === 'BUTUH_PERBAIKAN' ? [61, 75] : p === 'KURANG' ? [51, 60] : [40, 50];
  // Scores often carry decimals (weighted SKP averages); quarters stay inside the predicate's band.
  return rng.int(lo, hi) + (rng.chance(0.5) ? rng.int(1, 3) * 0.25 : 0);
}

const DISCIPLINE = new Weighted<DisciplineLevel>([['RINGAN', 55], ['SEDANG', 30], ['BERAT', 15]]);

/** Occasional penalties (PP 94/2021), with and without `endsOn`. */
export function disciplineRecords(rng: Rng, emp: Employee, asOf: number): PlannedRecord[] {
  if (!rng.chance(0.07)) return [];
  const n = rng.chance(0.12) ? 2 : 1;
  const out: PlannedRecord[] = [];
  for (let i = 0; i < n; i++) {
    const level = DISCIPLINE.draw(rng);
    const imposedOn = rng.int(Math.max(emp.appointed + 180, asOf - 8 * 365), asOf);
    if (imposedOn > asOf) continue;
    const data: Payload = { level, imposedOn: isoOf(imposedOn) };
    const months = level === 'RINGAN' ? rng.pick([3, 6]) : level === 'SEDANG' ? rng.pick([6, 9, 12]) : 12;
    if (rng.chance(level === 'RINGAN' ? 0.3 : 0.7)) data.endsOn = isoOf(addMonths(imposedOn, months));
    if (rng.chance(0.8)) data.penalty = rng.pick(PENALTIES[level]);
    out.push({ type: 'ipasn.discipline.recorded', date: imposedOn, data });
  }
  return out;
}

/** A plausible changed version of a record (a correction re-sent under the same recordId). */
export function corrected(rng: Rng, rec: PlannedRecord, asOf: number): PlannedRecord {
  const data: Payload = { ...rec.data };
  switch (rec.type) {
    case 'ipasn.training.recorded':
      if (data.kind !== 'LEADERSHIP' && rng.chance(0.6)) data.hours = rng.pick(data.kind === 'TECHNICAL' ? TECH_HOURS : data.kind === 'SEMINAR' ? SEMINAR_HOURS : FUNCTIONAL_HOURS);
      else data.completedOn = isoOf(Math.min(asOf, rec.date + rng.int(-20, 20)));
      break;
    case 'ipasn.appraisal.recorded':
      delete data.score;
      data.predicate = RECENT_PREDICATES.draw(rng);
      break;
    case 'ipasn.education.recorded':
      data.graduatedOn = isoOf(Math.min(asOf, rec.date + rng.int(-60, 60)));
      break;
    case 'ipasn.discipline.recorded':
      data.level = DISCIPLINE.draw(rng);
      break;
  }
  return { ...rec, data };
}
