/**
 * Valid-but-messy spellings (events.md "Aliases"): each transform rewrites one field of a wire event
 * into a form the normalizer must map back to the same canonical value.
 */
import { jakartaTimestamp } from '../dates.js';
import {
  DISCIPLINE_ALIASES,
  JOB_GROUP_ALIASES,
  LEADERSHIP_ALIASES,
  LEVEL_ALIASES,
  PREDICATE_ALIASES,
  caseVariants,
} from './aliases.js';
import type { GenContext } from './context.js';
import type { WireEvent } from './wire.js';

export const MESSY_FORMS = [
  'subject',
  'time',
  'date',
  'number',
  'level',
  'requiredEducation',
  'leadershipLevel',
  'predicate',
  'discipline',
  'jobGroup',
  'enumCase',
  'name',
] as const;
export type MessyForm = (typeof MESSY_FORMS)[number];

const ALIAS_FORMS: ReadonlySet<MessyForm> = new Set(['level', 'requiredEducation', 'leadershipLevel', 'predicate', 'discipline', 'jobGroup']);

const DATE_FIELDS = ['graduatedOn', 'completedOn', 'imposedOn', 'endsOn'] as const;

/** Rewrites some fields of `event` in place; returns the forms used (never empty). */
export function makeMessy(g: GenContext, event: WireEvent, timeMs: number): MessyForm[] {
  const { rng } = g;
  const candidates = applicable(event);
  const used: MessyForm[] = [];
  // Spellings of enumerations are the point of messy data: use them most of the time.
  for (const form of candidates) if (rng.chance(ALIAS_FORMS.has(form) ? 0.8 : 0.45)) used.push(form);
  if (used.length === 0) used.push(rng.pick(candidates));
  for (const form of used) apply(g, event, form, timeMs);
  return used;
}

function applicable(event: WireEvent): MessyForm[] {
  const d = event.data;
  const forms: MessyForm[] = ['subject', 'time'];
  if (DATE_FIELDS.some((f) => typeof d[f] === 'string')) forms.push('date');
  if (typeof d.hours === 'number' || typeof d.year === 'number' || typeof d.score === 'number') forms.push('number');
  switch (event.type) {
    case 'ipasn.employee.upserted':
      forms.push('jobGroup', 'enumCase', 'name');
      if (typeof d.requiredEducation === 'string') forms.push('requiredEducation');
      break;
    case 'ipasn.education.recorded':
      forms.push('level');
      break;
    case 'ipasn.training.recorded':
      forms.push('enumCase');
      if (typeof d.leadershipLevel === 'string') forms.push('leadershipLevel');
      break;
    case 'ipasn.appraisal.recorded':
      if (typeof d.predicate === 'string') forms.push('predicate');
      break;
    case 'ipasn.discipline.recorded':
      forms.push('discipline');
      break;
    case 'ipasn.employee.separated':
      forms.push('enumCase');
      break;
    default:
      break;
  }
  return forms;
}

function apply(g: GenContext, event: WireEvent, form: MessyForm, timeMs: number): void {
  const { rng } = g;
  const d = event.data;
  const alias = (key: string, table: Record<string, readonly string[]>, value: unknown): string =>
    noisy(g, g.cycle(`${key}:${String(value)}`, table[String(value)] ?? [String(value)]));
  switch (form) {
    case 'subject':
      event.subject = spacedNip(rng, String(event.subject));
      break;
    case 'time':
      event.time = jakartaTimestamp(timeMs, false);
      break;
    case 'date':
      for (const f of DATE_FIELDS) {
        const v = d[f];
        if (typeof v === 'string' && rng.chance(0.7)) d[f] = dmy(v, rng.chance(0.5) ? '-' : '/');
      }
      break;
    case 'number':
      for (const f of ['hours', 'year', 'score'] as const) {
        const v = d[f];
        if (typeof v === 'number') d[f] = String(v);
      }
      break;
    case 'level':
      d.level = alias('level', LEVEL_ALIASES, d.level);
      break;
    case 'requiredEducation':
      d.requiredEducation = alias('level', LEVEL_ALIASES, d.requiredEducation);
      break;
    case 'leadershipLevel':
      d.leadershipLevel = alias('leadershipLevel', LEADERSHIP_ALIASES, d.leadershipLevel);
      break;
    case 'predicate':
      d.predicate = alias('predicate', PREDICATE_ALIASES, d.predicate);
      break;
    case 'discipline':
      d.level = alias('discipline', DISCIPLINE_ALIASES, d.level);
      break;
    case 'jobGroup':
      d.jobGroup = alias('jobGroup', JOB_GROUP_ALIASES, d.jobGroup);
      break;
    case 'enumCase':
      for (const f of ['employmentType', 'kind', 'reason'] as const) {
        const v = d[f];
        if (typeof v === 'string') d[f] = rng.pick(caseVariants(v).slice(1));
      }
      break;
    case 'name':
      if (typeof d.name === 'string') d.name = ` ${d.name.replace(/ /gu, () => (rng.chance(0.5) ? '  ' : ' '))}  `;
      break;
  }
}

/** `19680411 199303 1 009`, with dots or dashes instead of spaces now and then. */
export function spacedNip(rng: GenContext['rng'], nip: string): string {
  const sep = rng.pick([' ', ' ', ' ', '.', '-']);
  // PNS: birth, TMT yyyymm, gender, serial. PPPK numbers group the same 18 digits 8-4-2-1-3.
  const groups = rng.chance(0.8)
    ? [nip.slice(0, 8), nip.slice(8, 14), nip.slice(14, 15), nip.slice(15)]
    : [nip.slice(0, 8), nip.slice(8, 12), nip.slice(12, 14), nip.slice(14, 15), nip.slice(15)];
  return groups.join(sep);
}

function dmy(iso: string, sep: string): string {
  return `${iso.slice(8, 10)}${sep}${iso.slice(5, 7)}${sep}${iso.slice(0, 4)}`;
}

/** Case and spacing noise the matcher ignores: case, outer spaces, repeated inner spaces. */
function noisy(g: GenContext, alias: string): string {
  const { rng } = g;
  let s = alias;
  const c = rng.float();
  if (c < 0.15) s = s.toUpperCase();
  else if (c < 0.35) s = s.toLowerCase();
  if (s.includes(' ') && rng.chance(0.15)) s = s.replace(' ', '  ');
  if (rng.chance(0.1)) s = ` ${s} `;
  return s;
}
