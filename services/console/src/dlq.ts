/**
 * The dead-letter view: recent rejects of `<prefix>ipasn.dlq`, newest first, read backwards by
 * offsets. A page is read partition by partition from a per-partition end offset (the cursor)
 * downwards; the partitions' matches are merged newest first, and the next cursor is set so that
 * nothing read but not shown is skipped. Filters (agency, reason) apply while reading, so a page of
 * a rare reason may scan further back, up to a scan limit per request.
 */
import { agencyCodeOfSource, REJECT_REASONS, type RejectReason } from '@ipasn/contracts';
import type { InMessage } from '@ipasn/kafka';
import type { TopicNames } from '@ipasn/pipeline';
import { fromAvroCanonicalEvent, type DeadLetter, type SchemaRegistry } from '@ipasn/serde';
import { ApiError } from './api/errors.js';
import type { KafkaReader, PartitionOffsets, ReadRequest } from './kafka-reader.js';

export interface DlqItem {
  /** `<dlq partition>-<offset>`: what a redrive names. */
  id: string;
  dlq: { partition: number; offset: number };
  reason: RejectReason;
  message: string;
  stage: DeadLetter['stage'];
  agencyCode: string | null;
  eventId: string | null;
  eventSource: string | null;
  eventType: string | null;
  /** Where the rejected message was read. */
  source: { topic: string; partition: number; offset: number };
  rejectedAt: string;
  /** The original key as text (the NIP on ingress). */
  key: string | null;
  /** `json` for ingress bytes (shown as received), `avro` for a canonical event (shown decoded). */
  originalFormat: 'json' | 'avro';
  /** The original message as text. */
  original: string;
  /** Bytes kept in the dead letter (at most 64 KiB, events.md). */
  originalBytes: number;
  /** The original's full length when the dead letter kept only its first 64 KiB, else null: such a reject cannot be redriven. */
  originalLength: number | null;
}

export interface DlqFilter {
  agency?: string | undefined;
  reason?: RejectReason | undefined;
}

export interface DlqPage {
  items: DlqItem[];
  /** Pass back as `cursor` for older rejects; null at the start of the topic. */
  nextCursor: string | null;
  /** DLQ messages read for this page. */
  scanned: number;
  /** Messages on the topic (offset span, transaction markers included). */
  retained: number;
  /** True when a read hit its deadline: the page may hold fewer rejects than there are. */
  partial: boolean;
}

type Cursor = Record<string, number>;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError('CONSOLE_BAD_REQUEST', 'cursor is not one this API returned');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ApiError('CONSOLE_BAD_REQUEST', 'cursor is not one this API returned');
  const out: Cursor = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!/^\d+$/u.test(k) || typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ApiError('CONSOLE_BAD_REQUEST', 'cursor is not one this API returned');
    out[k] = v;
  }
  return out;
}

export function isRejectReason(s: string): s is RejectReason {
  return (REJECT_REASONS as readonly string[]).includes(s);
}

/** Decodes one DLQ message into what the console shows; null when it is not a DeadLetter. */
export function toItem(m: InMessage, partition: number, registry: SchemaRegistry, topics: TopicNames): { item: DlqItem; dl: DeadLetter } | null {
  if (!m.value) return null;
  let dl: DeadLetter;
  try {
    dl = registry.decodeAs('DeadLetter', m.value).value;
  } catch {
    return null;
  }
  const agencyCode =
    dl.agencyCode ?? topics.ingressPattern.exec(dl.sourceTopic)?.[1] ?? (dl.eventSource === null ? undefined : agencyCodeOfSource(dl.eventSource)) ?? null;
  let originalFormat: DlqItem['originalFormat'] = 'json';
  let original = dl.originalValue.toString('utf8');
  if (dl.stage === 'scorer') {
    // The scorer rejects canonical events (Avro): show them decoded.
    try {
      original = JSON.stringify(fromAvroCanonicalEvent(registry.decodeAs('CanonicalEvent', dl.originalValue).value), null, 2);
      originalFormat = 'avro';
    } catch {
      original = dl.originalValue.toString('base64');
    }
  }
  const offset = Number(m.offset);
  return {
    dl,
    item: {
      id: `${partition}-${offset}`,
      dlq: { partition, offset },
      reason: dl.reason,
      message: dl.message,
      stage: dl.stage,
      agencyCode,
      eventId: dl.eventId,
      eventSource: dl.eventSource,
      eventType: dl.eventType,
      source: { topic: dl.sourceTopic, partition: dl.sourcePartition, offset: dl.sourceOffset },
      rejectedAt: new Date(dl.rejectedAt).toISOString(),
      key: dl.originalKey === null ? null : dl.originalKey.toString('utf8'),
      originalFormat,
      original,
      originalBytes: dl.originalValue.length,
      originalLength: dl.originalLength,
    },
  };
}

function matches(item: DlqItem, f: DlqFilter): boolean {
  return (f.agency === undefined || item.agencyCode === f.agency) && (f.reason === undefined || item.reason === f.reason);
}

export interface DlqReadOptions {
  reader: KafkaReader;
  registry: SchemaRegistry;
  topics: TopicNames;
  limit: number;
  scanLimit: number;
  cache?: DlqPageCache;
}

/**
 * Pages already read, by query and watermarks. The DLQ only grows at the end (and loses its start
 * to retention), so a page is fixed by its query and the topic's watermarks: a console polling the
 * newest page re-reads Kafka only when something new arrived.
 */
export class DlqPageCache {
  readonly #pages = new Map<string, DlqPage>();
  constructor(private readonly max = 32) {}

  get(key: string): DlqPage | undefined {
    const page = this.#pages.get(key);
    if (page) {
      this.#pages.delete(key);
      this.#pages.set(key, page);
    }
    return page;
  }

  set(key: string, page: DlqPage): void {
    this.#pages.set(key, page);
    while (this.#pages.size > this.max) this.#pages.delete(this.#pages.keys().next().value!);
  }
}

interface PartitionScan {
  partition: number;
  low: number;
  /** Scanned down to here (inclusive start of what was read). */
  start: number;
  end: number;
  /** Matches, newest (highest offset) first. */
  found: DlqItem[];
}

export async function readDlqPage(o: DlqReadOptions, filter: DlqFilter, cursor: string | undefined): Promise<DlqPage> {
  const offsets = await o.reader.offsets(o.topics.dlq);
  const from = cursor === undefined ? undefined : decodeCursor(cursor);
  const cacheKey = JSON.stringify([filter.agency ?? null, filter.reason ?? null, cursor ?? null, o.limit, offsets]);
  const cached = o.cache?.get(cacheKey);
  if (cached) return cached;
  const page = await readPage(o, filter, from, offsets);
  // A page cut short by a read deadline is not kept: the next poll tries again.
  if (!page.partial) o.cache?.set(cacheKey, page);
  return page;
}

async function readPage(o: DlqReadOptions, filter: DlqFilter, from: Cursor | undefined, offsets: PartitionOffsets[]): Promise<DlqPage> {
  const scans: PartitionScan[] = offsets.map((p) => {
    const end = Math.min(p.high, Math.max(p.low, from?.[String(p.partition)] ?? p.high));
    return { partition: p.partition, low: p.low, start: end, end, found: [] };
  });
  let scanned = 0;
  let window = o.limit;
  let stalled = false;
  let partial = false;
  // Read backwards in growing windows until every partition has a page's worth or is exhausted.
  for (;;) {
    const open = scans.filter((s) => s.start > s.low && s.found.length < o.limit);
    if (open.length === 0 || scanned >= o.scanLimit || stalled) break;
    const budget = Math.max(1, Math.floor((o.scanLimit - scanned) / open.length));
    const requests: ReadRequest[] = open.map((s) => ({ topic: o.topics.dlq, partition: s.partition, from: Math.max(s.low, s.start - Math.min(window, budget)), to: s.start }));
    const results = await o.reader.read(requests);
    for (const res of results) {
      const s = scans.find((x) => x.partition === res.request.partition);
      if (!s) continue;
      scanned += res.messages.length;
      const items = res.messages
        .map((m) => toItem(m, s.partition, o.registry, o.topics)?.item)
        .filter((i): i is DlqItem => i !== undefined && matches(i, filter))
        .reverse();
      s.found.push(...items);
      // An incomplete read (deadline) covers only what arrived: continue below its first message.
      s.start = res.complete ? res.request.from : Math.max(res.request.from, Number(res.messages[0]?.offset ?? s.start));
      if (!res.complete) partial = true;
      if (!res.complete && res.messages.length === 0) stalled = true;
    }
    window = Math.min(window * 4, 10_000);
  }
  // Merge newest first, taking from each partition in offset order.
  const heads = scans.map(() => 0);
  const page: DlqItem[] = [];
  while (page.length < o.limit) {
    let best = -1;
    for (const [i, s] of scans.entries()) {
      const cand = s.found[heads[i]!];
      const cur = best < 0 ? undefined : scans[best]!.found[heads[best]!];
      if (cand && (!cur || cand.rejectedAt > cur.rejectedAt || (cand.rejectedAt === cur.rejectedAt && cand.id > cur.id))) best = i;
    }
    if (best < 0) break;
    page.push(scans[best]!.found[heads[best]!]!);
    heads[best]!++;
  }
  return { ...finish(scans, page, scanned, offsets, heads), partial };
}

function finish(scans: PartitionScan[], page: DlqItem[], scanned: number, offsets: { low: number; high: number }[], heads?: number[]): Omit<DlqPage, 'partial'> {
  const next: Cursor = {};
  let more = false;
  for (const [i, s] of scans.entries()) {
    const taken = heads?.[i] ?? 0;
    // Everything shown, or nothing matched: continue below the scanned range. Otherwise continue
    // at the oldest shown item, so matches read but not shown come again.
    const end = taken === s.found.length ? s.start : s.found[taken - 1]?.dlq.offset ?? s.end;
    next[String(s.partition)] = end;
    if (end > s.low) more = true;
  }
  const retained = offsets.reduce((a, p) => a + (p.high - p.low), 0);
  return { items: page, nextCursor: more ? encodeCursor(next) : null, scanned, retained };
}
