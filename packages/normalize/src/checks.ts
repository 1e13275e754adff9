/**
 * Checks 4–7 of events.md, on an event that passed the schema. Each returns the problems it found,
 * as `path: message` notes; the caller turns the first non-empty list into a reject.
 */
import type { Agencies, CanonicalEvent, EventPayloads, EventType } from '@ipasn/contracts';
import { jakartaMidnightMs, MS_PER_DAY } from './calendar.js';
import { CATALOG } from './catalog.js';
import { validateNip } from './nip.js';

export interface Note {
  path: string;
  message: string;
}

/** How far after the ingestion time a timestamp or record date may lie. */
export const FUTURE_TOLERANCE_MS = MS_PER_DAY;

/** Check 4, INVALID_NIP. */
export function nipNotes(event: CanonicalEvent, ingestionYear: number): Note[] {
  const r = validateNip(event.nip, ingestionYear);
  return r.ok ? [] : [{ path: 'subject', message: r.message }];
}

/** The catalog entry's hooks, called with the payload of the matching type. */
function agencyRefs<T extends EventType>(type: T, data: EventPayloads[T]) {
  return CATALOG[type].agencies?.(data) ?? [];
}

/** Check 5, UNKNOWN_AGENCY: the sender and every agency the payload names. */
export function agencyNotes(event: CanonicalEvent, agencies: Agencies): Note[] {
  const notes: Note[] = [];
  if (!agencies.has(event.agencyCode)) {
    notes.push({ path: 'source', message: `agency ${event.agencyCode} is not in the agency list` });
  }
  for (const { field, code } of agencyRefs(event.type, event.data)) {
    if (!agencies.has(code)) notes.push({ path: `data.${field}`, message: `agency ${code} is not in the agency list` });
  }
  return notes;
}

/** Check 6, AGENCY_MISMATCH: only when the message came from a known ingress topic. */
export function topicNotes(event: CanonicalEvent, topicAgency: string | undefined): Note[] {
  return topicAgency === undefined || topicAgency === event.agencyCode
    ? []
    : [{ path: 'source', message: `agency ${event.agencyCode} sent this on the ingress topic of agency ${topicAgency}` }];
}

function pastDates<T extends EventType>(type: T, data: EventPayloads[T]) {
  return CATALOG[type].pastDates?.(data) ?? [];
}

function pastYear<T extends EventType>(type: T, data: EventPayloads[T]) {
  return CATALOG[type].pastYear?.(data);
}

/** Check 7, FUTURE_DATED. `endsOn` is not checked: a penalty may run into the future. */
export function futureNotes(event: CanonicalEvent, ingestionMs: number, ingestionYear: number): Note[] {
  const notes: Note[] = [];
  const limit = ingestionMs + FUTURE_TOLERANCE_MS;
  const ingestion = (): string => new Date(ingestionMs).toISOString();
  if (Date.parse(event.time) > limit) {
    notes.push({ path: 'time', message: `${event.time} is more than 24 h after the ingestion time ${ingestion()}` });
  }
  for (const { field, date } of pastDates(event.type, event.data)) {
    if (jakartaMidnightMs(date) > limit) {
      notes.push({
        path: `data.${field}`,
        message: `${date} (from 00:00 Asia/Jakarta) is more than 24 h after the ingestion time ${ingestion()}`,
      });
    }
  }
  const y = pastYear(event.type, event.data);
  if (y !== undefined && y.year > ingestionYear) {
    notes.push({ path: `data.${y.field}`, message: `${y.year} is after the ingestion year ${ingestionYear}` });
  }
  return notes;
}
