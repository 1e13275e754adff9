/**
 * The synchronous part of a request: each event through the normalizer's own checks 1–7
 * (`@ipasn/normalize`, the code the normalizer and `ipasn publish` run), as if read from the
 * authenticated agency's ingress topic at this instant, so the caller gets the reasons at once.
 * Every event becomes an ingress message, its bytes unchanged: an accepted one keyed by its NIP, a
 * rejected one by the digits of its subject (as `ipasn publish --send-invalid` keys it). The
 * normalizer checks everything again downstream (its clock may be later), deduplicates on (source,
 * id), and dead-letters the rejects with their reason — so an agency's rejects are on ipasn.dlq and
 * in the console whichever way they came, and the caller is told at once as well. A reject too
 * large for the ingress topic's `max.message.bytes` is only answered: the broker would refuse it.
 */
import type { Agencies } from '@ipasn/contracts';
import { RECORD_BATCH_OVERHEAD, recordBytes, topicByteLimit, type OutMessage } from '@ipasn/kafka';
import { normalize, subjectKey, type NormalizerRejectReason } from '@ipasn/normalize';

export interface EventResult {
  /** Position in the request (0 for structured and binary mode). */
  index: number;
  /** The event's `id` when readable. */
  id: string | null;
  status: 'accepted' | 'rejected';
  reason?: NormalizerRejectReason;
  message?: string;
  paths?: string[];
}

export interface Checked {
  results: EventResult[];
  /** One per event, in request order (the rejected ones for the normalizer to dead-letter). */
  messages: OutMessage[];
  accepted: number;
  /** Indexes of events whose `source` names another agency (the request is refused: 403). */
  foreign: number[];
  rejectedByReason: Map<NormalizerRejectReason, number>;
}

export interface CheckContext {
  agency: string;
  topic: string;
  agencies: Agencies;
  ingestionTime: Date;
}

const SOURCE = /^\s*\/agencies\/([^/\s]+)\s*$/u;

/** Whether a `source` names an agency other than `agency` (a malformed source is not: it is SCHEMA_INVALID). */
export function namesOtherAgency(source: string | null, agency: string): boolean {
  if (source === null) return false;
  const m = SOURCE.exec(source);
  return m !== null && m[1]!.toUpperCase() !== agency.toUpperCase();
}

export function checkEvents(events: readonly Buffer[], ctx: CheckContext): Checked {
  const out: Checked = { results: [], messages: [], accepted: 0, foreign: [], rejectedByReason: new Map() };
  events.forEach((bytes, index) => {
    const r = normalize(bytes, { agencies: ctx.agencies, ingestionTime: ctx.ingestionTime, topicAgency: ctx.agency });
    if (namesOtherAgency(r.ok ? r.event.source : r.source, ctx.agency)) out.foreign.push(index);
    if (r.ok) {
      out.accepted += 1;
      out.results.push({ index, id: r.event.id, status: 'accepted' });
      out.messages.push({ topic: ctx.topic, key: r.event.nip, value: bytes });
      return;
    }
    const reject: OutMessage = { topic: ctx.topic, key: subjectKey(bytes), value: bytes };
    if (recordBytes(reject) + RECORD_BATCH_OVERHEAD <= topicByteLimit(ctx.topic)) out.messages.push(reject);
    out.results.push({ index, id: r.id, status: 'rejected', reason: r.reason, message: r.message, paths: r.paths });
    out.rejectedByReason.set(r.reason, (out.rejectedByReason.get(r.reason) ?? 0) + 1);
  });
  return out;
}
