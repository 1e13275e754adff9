/**
 * Reading a topic the way a downstream reader sees it: `isolation.level=read_committed` (aborted
 * transactional writes and transaction markers are never delivered), from the beginning to the end
 * offsets of the moment the read starts.
 *
 * "End offset" here is what kafkajs's `admin.fetchTopicOffsets` answers: its ListOffsets asks with
 * read_committed isolation, so on a transactional topic it is the last stable offset (the first
 * offset of the oldest open transaction, else the high watermark). A read therefore never waits for
 * an open transaction; records an open transaction has written lie beyond it and are not read.
 * On a topic written without transactions it is the high watermark.
 *
 * When is a partition read to its end? Not when a record at `end - 1` arrives: on a transactional
 * topic the last offsets are commit/abort markers (and maybe aborted records) that a read_committed
 * consumer never sees. kafkajs reports the raw position it reached in END_BATCH_PROCESS (`lastOffset`
 * counts filtered-out markers and aborted records too, and batches holding nothing but those are
 * reported as well), so a partition is done once that position reaches `end - 1`.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from '@ipasn/kafka';
import { SchemaRegistry, type SubjectValues } from '@ipasn/serde';
import { testKafka } from './env.js';

export interface ReadRecord<T> {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  /** Header values as strings (the last value when a header repeats). */
  headers: Record<string, string>;
  timestamp: string;
  /** The raw value bytes. */
  raw: Buffer | null;
  value: T;
}

export type Decoder<T> = (value: Buffer | null, message: KafkaMessage) => T;

export interface ReadOptions<T> {
  decode: Decoder<T>;
  kafka?: Kafka;
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
}

export interface ScanOptions {
  kafka?: Kafka;
  /** Start offset per partition; default the partition's low watermark. */
  from?: ReadonlyMap<number, string>;
  /** Only these partitions (others are skipped); default all. */
  partitions?: readonly number[];
  timeoutMs?: number;
  /** Also deliver records of aborted and open transactions (diagnostics only); default false. */
  readUncommitted?: boolean;
}

/** A scan that did not reach the end offsets in time; `pending` are the partitions short of it. */
export class ScanTimeoutError extends Error {
  constructor(
    message: string,
    readonly pending: number[],
  ) {
    super(message);
    this.name = 'ScanTimeoutError';
  }
}

export interface PartitionRange {
  partition: number;
  low: string;
  end: string;
}

/** The low watermark and end offset of each partition (the last stable offset: see the module comment). */
export async function topicOffsets(topic: string, kafka: Kafka = testKafka()): Promise<PartitionRange[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, low: p.low, end: p.high })).sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Calls `onMessage` for every record a read_committed consumer sees between the start offsets and
 * the end offsets of the moment it starts (see the module comment). Returns the ranges scanned.
 * With `readUncommitted` it also sees aborted writes (never markers), up to the same end: for
 * diagnostics (how many records did crashes abort?).
 */
export async function scanTopic(topic: string, onMessage: (message: KafkaMessage, partition: number) => void, options: ScanOptions = {}): Promise<PartitionRange[]> {
  const kafka = options.kafka ?? testKafka();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const ranges = (await topicOffsets(topic, kafka)).filter((r) => !options.partitions || options.partitions.includes(r.partition));
  const start = new Map(ranges.map((r) => [r.partition, BigInt(options.from?.get(r.partition) ?? r.low)]));
  const end = new Map(ranges.map((r) => [r.partition, BigInt(r.end)]));
  // Position reached per partition: the next raw offset to read.
  const position = new Map(start);
  const pending = new Set(ranges.filter((r) => (start.get(r.partition) ?? 0n) < BigInt(r.end)).map((r) => r.partition));
  if (pending.size === 0) return ranges;

  // A throwaway group under the topic's namespace prefix (namespace cleanup deletes leftovers).
  const groupId = `${topic}.reader-${randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: options.readUncommitted ?? false, allowAutoTopicCreation: false, maxBytesPerPartition: 4 << 20, sessionTimeout: 10_000 });
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const { topic: t, partition, lastOffset } = e.payload as { topic: string; partition: number; lastOffset: string };
    if (t !== topic || !pending.has(partition)) return;
    const next = BigInt(lastOffset) + 1n;
    if (next > (position.get(partition) ?? 0n)) position.set(partition, next);
    if (next >= (end.get(partition) ?? 0n)) {
      pending.delete(partition);
      if (pending.size === 0) resolveDone();
    }
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const where = [...pending].map((p) => `partition ${p} at ${position.get(p)} of end ${end.get(p)}`).join(', ');
      reject(new ScanTimeoutError(`reading ${topic} timed out after ${timeoutMs} ms: ${where}`, [...pending].sort((a, b) => a - b)));
    }, timeoutMs);
  });
  timeout.catch(() => undefined); // raced below; never an unhandled rejection
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const limit = end.get(batch.partition);
        const from = start.get(batch.partition);
        if (limit === undefined || from === undefined) return;
        for (const m of batch.messages) {
          const o = BigInt(m.offset);
          if (o >= from && o < limit) onMessage(m, batch.partition);
        }
        await Promise.resolve();
      },
    });
    // Seeks apply to partitions not in `pending` too: they start at their end (nothing to read).
    for (const r of ranges) {
      consumer.seek({ topic, partition: r.partition, offset: (pending.has(r.partition) ? (start.get(r.partition) ?? 0n) : BigInt(r.end)).toString() });
    }
    await Promise.race([done, timeout]);
    return ranges;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
}

/**
 * Reads a topic from the beginning to its current end offsets, read_committed, decoding each value.
 * Records come sorted by partition, then offset.
 */
export async function readAll<T>(topic: string, options: ReadOptions<T>): Promise<ReadRecord<T>[]> {
  const out: ReadRecord<T>[] = [];
  await scanTopic(
    topic,
    (m, partition) => {
      out.push({
        topic,
        partition,
        offset: m.offset,
        key: m.key ?? null,
        headers: headersOf(m),
        timestamp: m.timestamp,
        raw: m.value ?? null,
        value: options.decode(m.value ?? null, m),
      });
    },
    { ...(options.kafka ? { kafka: options.kafka } : {}), timeoutMs: options.timeoutMs ?? 60_000 },
  );
  return out.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}

export function headersOf(m: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last !== undefined) out[k] = last.toString();
  }
  return out;
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // best effort: a namespace's cleanup deletes what is left
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

let registry: SchemaRegistry | undefined;
function schemas(): SchemaRegistry {
  registry ??= SchemaRegistry.load();
  return registry;
}

/** Value decoders for `readAll`. Avro ones read single-object encoding with the repo's schemas. */
export const decoders = {
  raw: ((v: Buffer | null) => v) as Decoder<Buffer | null>,
  utf8: ((v: Buffer | null) => v?.toString('utf8') ?? null) as Decoder<string | null>,
  json: ((v: Buffer | null) => (v === null ? null : (JSON.parse(v.toString('utf8')) as unknown))) as Decoder<unknown>,
  canonicalEvent: avro('CanonicalEvent'),
  deadLetter: avro('DeadLetter'),
  scoreEvent: avro('ScoreEvent'),
};

/** A decoder of one Avro subject (the newest version, with schema resolution from the writer's). */
export function avro<S extends keyof SubjectValues>(subject: S): Decoder<SubjectValues[S]> {
  return (v) => {
    if (v === null) throw new Error(`a ${subject} record without a value`);
    return schemas().decodeAs(subject, v).value;
  };
}
