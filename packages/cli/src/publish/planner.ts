/**
 * The decisions of `ipasn publish` for each input event, without I/O: validate with the shared
 * normalization core (events.md checks 1–7, the normalizer's own code), pick the ingress topic and
 * the key, decide whether to send, and count everything the summary reports.
 *
 * - Topic: with `--agency CODE` every event goes to `ipasn.ingress.CODE` (the agency's principal may
 *   write only that topic), and events of another source are AGENCY_MISMATCH. Without it, each
 *   event goes to the topic of its own `source`; an event without a readable source of a known
 *   agency cannot be routed and is never sent.
 * - Key: the NIP digits (the canonical NIP for valid events; the digits of `subject` otherwise).
 * - Locally invalid events are held back unless `sendInvalid` (then they go to their topic, and
 *   the normalizer dead-letters them). Duplicates (an earlier valid event with the same source and
 *   id in this input) are sent: the normalizer keeps the first copy.
 */
import { REJECT_REASONS, agencyCodeOfSource, type Agencies, type RejectReason } from '@ipasn/contracts';
import { MAX_EVENT_BYTES, dedupeKey, normalize, subjectKey } from '@ipasn/normalize';
import type { TopicNames } from '@ipasn/pipeline';

export interface PlannerOptions {
  agencies: Agencies;
  /** The ingestion time the events are checked against (the normalizer's clock is about now). */
  ingestionTime: Date;
  topics: TopicNames;
  /** `--agency`: the one ingress topic everything goes to. */
  agency?: string | undefined;
  sendInvalid: boolean;
}

/** One event of the input: its exact bytes, or null when it cannot be an event (over 64 KiB, a broken CSV row). */
export interface InputEvent {
  /** 1-based line of the input where the event starts. */
  line: number;
  bytes: Buffer | null;
  /** Why `bytes` is null (e.g. `the event is 70000 bytes, over 65536 (64 KiB)`). */
  unreadable?: string;
}

/** A reject reported to the user (the same fields as `ipasn score`'s stderr lines, plus what happened to it). */
export interface LocalReject {
  line: number;
  id: string | null;
  source: string | null;
  reason: RejectReason;
  message: string;
  /** `sent`: sent anyway (--send-invalid); `held`: not sent; `unroutable`: no topic to send it to. */
  fate: 'sent' | 'held' | 'unroutable';
}

export type Decision = { send: { topic: string; key: string | null; value: Buffer }; reject?: LocalReject } | { send: null; reject: LocalReject };

export interface PublishCounts {
  /** Events read (NDJSON: non-empty lines; CSV: data rows). */
  events: number;
  /** Empty NDJSON lines (skipped). */
  emptyLines: number;
  /** Events that pass checks 1–7. */
  valid: number;
  /** Valid events whose (source, id) came earlier in the input: the normalizer drops them. */
  duplicates: number;
  rejected: { total: number; byReason: Partial<Record<RejectReason, number>> };
  /** Invalid events not sent: held back, plus unroutable. */
  heldBack: number;
  unroutable: number;
  /** Events routed to each topic (sent, or to be sent in a dry run). */
  byTopic: Record<string, number>;
  routed: number;
  /** Of those, how many are locally invalid (--send-invalid). */
  routedInvalid: number;
}

const SOURCE = /"source"\s*:\s*"(\/agencies\/[0-9A-Z]{4})"/u;

export class PublishPlanner {
  readonly #opts: PlannerOptions;
  readonly #seen = new Set<string>();
  readonly counts: PublishCounts = {
    events: 0,
    emptyLines: 0,
    valid: 0,
    duplicates: 0,
    rejected: { total: 0, byReason: {} },
    heldBack: 0,
    unroutable: 0,
    byTopic: {},
    routed: 0,
    routedInvalid: 0,
  };

  constructor(opts: PlannerOptions) {
    this.#opts = opts;
  }

  emptyLine(): void {
    this.counts.emptyLines += 1;
  }

  decide(input: InputEvent): Decision {
    this.counts.events += 1;
    const { topics, agency } = this.#opts;
    if (input.bytes === null) {
      const message = input.unreadable ?? `the event is over ${MAX_EVENT_BYTES} bytes (64 KiB)`;
      return { send: null, reject: this.#reject({ line: input.line, id: null, source: null, reason: 'MALFORMED', message, fate: 'unroutable' }) };
    }
    const result = normalize(input.bytes, { agencies: this.#opts.agencies, ingestionTime: this.#opts.ingestionTime, topicAgency: agency });
    if (result.ok) {
      const event = result.event;
      this.counts.valid += 1;
      const key = dedupeKey(event);
      if (this.#seen.has(key)) this.counts.duplicates += 1;
      else this.#seen.add(key);
      return { send: this.#route(topics.ingress(agency ?? event.agencyCode), event.nip, input.bytes, false) };
    }
    const reject: Omit<LocalReject, 'fate'> = { line: input.line, id: result.id, source: result.source, reason: result.reason, message: result.message };
    const target = agency ?? this.#routableAgency(result.source, input.bytes);
    if (target === undefined) return { send: null, reject: this.#reject({ ...reject, fate: 'unroutable' }) };
    if (!this.#opts.sendInvalid) return { send: null, reject: this.#reject({ ...reject, fate: 'held' }) };
    return { send: this.#route(topics.ingress(target), subjectKey(input.bytes), input.bytes, true), reject: this.#reject({ ...reject, fate: 'sent' }) };
  }

  /** What the normalizer should write if its clock and agency list agree with ours. */
  expected(): { events: number; dlq: number } {
    return { events: this.counts.valid - this.counts.duplicates, dlq: this.counts.routedInvalid };
  }

  /** The agency of a source of a known agency (also dug out of text that is not JSON), else undefined. */
  #routableAgency(source: string | null, bytes: Buffer): string | undefined {
    const s = source ?? SOURCE.exec(bytes.toString('utf8'))?.[1];
    const code = s === undefined ? undefined : agencyCodeOfSource(s);
    return code !== undefined && this.#opts.agencies.has(code) ? code : undefined;
  }

  #route(topic: string, key: string | null, value: Buffer, invalid: boolean): { topic: string; key: string | null; value: Buffer } {
    this.counts.byTopic[topic] = (this.counts.byTopic[topic] ?? 0) + 1;
    this.counts.routed += 1;
    if (invalid) this.counts.routedInvalid += 1;
    return { topic, key, value };
  }

  #reject(r: LocalReject): LocalReject {
    const { rejected } = this.counts;
    rejected.total += 1;
    rejected.byReason[r.reason] = (rejected.byReason[r.reason] ?? 0) + 1;
    if (r.fate !== 'sent') this.counts.heldBack += 1;
    if (r.fate === 'unroutable') this.counts.unroutable += 1;
    return r;
  }
}

/** Reasons in events.md order, for stable summaries. */
export function orderedReasons(byReason: Partial<Record<RejectReason, number>>): [RejectReason, number][] {
  return REJECT_REASONS.filter((r) => (byReason[r] ?? 0) > 0).map((r) => [r, byReason[r] ?? 0]);
}
