/**
 * Redrive: re-publish selected rejects' original bytes, with their original key, where they came
 * from, and record who did it, when, and which rejects (Redis, under the console's own prefix).
 *
 * - A normalizer reject goes back to its agency's ingress topic `<prefix>ipasn.ingress.<agency>`:
 *   the normalizer checks it again (a rejected event left no dedupe mark, events.md).
 * - A scorer reject (NOT_OWNER, decided where the profile is) holds a canonical Avro event that
 *   the normalizer already accepted and marked as seen: sent to ingress it would come back as
 *   MALFORMED (Avro is not JSON), and as JSON it would be dropped as a duplicate. It goes back to
 *   `<prefix>ipasn.events`, where the scorer applies it again (same key, so the same partition,
 *   at a new offset) — events.md's "can be redriven once the transfer has been applied".
 */
import type { BatchProducer } from '@ipasn/kafka';
import type { TopicNames } from '@ipasn/pipeline';
import type { Redis } from '@ipasn/redis';
import type { DeadLetter, SchemaRegistry } from '@ipasn/serde';
import { toItem, type DlqItem } from './dlq.js';
import type { KafkaReader, ReadRequest } from './kafka-reader.js';
import { consoleKey } from './stale.js';

export interface RedriveRecord {
  /** The reject's DLQ id (`<partition>-<offset>`). */
  id: string;
  at: string;
  by: string;
  note: string | null;
  target: string;
  reason: string;
  agencyCode: string | null;
  eventId: string | null;
}

/**
 * `truncated`: the dead letter kept only the first 64 KiB of an oversized original (events.md,
 * Length limits); those bytes are not the event, so there is nothing faithful to send again.
 */
export type RedriveStatus = 'redriven' | 'already-redriven' | 'not-found' | 'no-target' | 'truncated';

export interface RedriveResult {
  id: string;
  status: RedriveStatus;
  target: string | null;
  /** The reject's reason code, when it was found. */
  reason: string | null;
  /** The earlier redrive when status is already-redriven. */
  previous?: RedriveRecord;
}

export class RedriveLog {
  readonly #byId: string;
  readonly #stream: string;

  constructor(private readonly redis: Redis, prefix: string) {
    this.#byId = consoleKey(prefix, 'redriven');
    this.#stream = consoleKey(prefix, 'redrives');
  }

  async lookup(ids: readonly string[]): Promise<Map<string, RedriveRecord>> {
    if (ids.length === 0) return new Map();
    const raw = await this.redis.hmget(this.#byId, ...ids);
    const out = new Map<string, RedriveRecord>();
    ids.forEach((id, i) => {
      const v = raw[i];
      if (v != null) out.set(id, JSON.parse(v) as RedriveRecord);
    });
    return out;
  }

  async record(records: readonly RedriveRecord[]): Promise<void> {
    if (records.length === 0) return;
    const p = this.redis.multi();
    p.hset(this.#byId, Object.fromEntries(records.map((r) => [r.id, JSON.stringify(r)])));
    for (const r of records) p.xadd(this.#stream, 'MAXLEN', '~', '10000', '*', 'record', JSON.stringify(r));
    await p.exec();
  }

  /** The most recent redrives, newest first. */
  async recent(count: number): Promise<RedriveRecord[]> {
    const entries = await this.redis.xrevrange(this.#stream, '+', '-', 'COUNT', count);
    return entries.map(([, fields]) => JSON.parse(fields[1] ?? 'null') as RedriveRecord).filter((r) => r !== null);
  }
}

/** `<partition>-<offset>` → coordinates, or null. */
export function parseDlqId(id: string): { partition: number; offset: number } | null {
  const m = /^(\d{1,5})-(\d{1,15})$/u.exec(id);
  return m ? { partition: Number(m[1]), offset: Number(m[2]) } : null;
}

export function redriveTarget(dl: DeadLetter, item: DlqItem, topics: TopicNames): string | null {
  if (dl.stage === 'scorer') return topics.events;
  if (topics.ingressPattern.test(dl.sourceTopic)) return dl.sourceTopic;
  return item.agencyCode === null ? null : topics.ingress(item.agencyCode);
}

/** Reads the named rejects: contiguous runs per partition, one consumer per round. */
async function readRejects(reader: KafkaReader, registry: SchemaRegistry, topics: TopicNames, wanted: { id: string; partition: number; offset: number }[]) {
  const runs = new Map<number, { from: number; to: number }[]>();
  for (const w of [...wanted].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const list = runs.get(w.partition) ?? [];
    const last = list[list.length - 1];
    // Close offsets are read as one range; far ones as separate ranges (later rounds).
    if (last && w.offset - last.to < 500) last.to = w.offset + 1;
    else list.push({ from: w.offset, to: w.offset + 1 });
    runs.set(w.partition, list);
  }
  const found = new Map<string, { item: DlqItem; dl: DeadLetter }>();
  const ids = new Set(wanted.map((w) => w.id));
  for (let round = 0; ; round++) {
    const requests: ReadRequest[] = [];
    for (const [partition, list] of runs) {
      const r = list[round];
      if (r) requests.push({ topic: topics.dlq, partition, from: r.from, to: r.to });
    }
    if (requests.length === 0) break;
    for (const res of await reader.read(requests)) {
      for (const m of res.messages) {
        const decoded = toItem(m, res.request.partition, registry, topics);
        if (decoded && ids.has(decoded.item.id)) found.set(decoded.item.id, decoded);
      }
    }
  }
  return found;
}

export interface RedriveDeps {
  reader: KafkaReader;
  registry: SchemaRegistry;
  topics: TopicNames;
  producer: BatchProducer;
  log: RedriveLog;
  now: () => number;
}

export async function redrive(deps: RedriveDeps, request: { ids: string[]; by: string; note: string | null; force: boolean }): Promise<RedriveResult[]> {
  const ids = [...new Set(request.ids)];
  const coords = ids.map((id) => ({ id, c: parseDlqId(id) }));
  const previous = await deps.log.lookup(ids);
  const wanted = coords
    .filter((x): x is { id: string; c: { partition: number; offset: number } } => x.c !== null)
    .filter((x) => request.force || !previous.has(x.id))
    .map((x) => ({ id: x.id, ...x.c }));
  const found = await readRejects(deps.reader, deps.registry, deps.topics, wanted);

  const results: RedriveResult[] = [];
  const records: RedriveRecord[] = [];
  const messages: Parameters<BatchProducer['send']>[0][number][] = [];
  const at = new Date(deps.now()).toISOString();
  for (const id of ids) {
    const prev = previous.get(id);
    if (prev && !request.force) {
      results.push({ id, status: 'already-redriven', target: prev.target, reason: prev.reason, previous: prev });
      continue;
    }
    const f = found.get(id);
    if (!f) {
      results.push({ id, status: 'not-found', target: null, reason: null });
      continue;
    }
    if (f.dl.originalLength !== null) {
      results.push({ id, status: 'truncated', target: null, reason: f.item.reason });
      continue;
    }
    const target = redriveTarget(f.dl, f.item, deps.topics);
    if (target === null) {
      results.push({ id, status: 'no-target', target: null, reason: f.item.reason });
      continue;
    }
    messages.push({
      topic: target,
      key: f.dl.originalKey,
      value: f.dl.originalValue,
      headers: { ipasn_redrive_of: `${deps.topics.dlq}/${f.item.dlq.partition}/${f.item.dlq.offset}`, ipasn_redriven_at: at },
    });
    records.push({ id, at, by: request.by, note: request.note, target, reason: f.item.reason, agencyCode: f.item.agencyCode, eventId: f.item.eventId });
    results.push({ id, status: 'redriven', target, reason: f.item.reason });
  }
  // Publish first, then record: a crash in between leaves a redrive unrecorded, never a record
  // of a redrive that did not happen.
  await deps.producer.send(messages);
  await deps.log.record(records);
  return results;
}
