/**
 * Reading a topic the way a downstream reader sees it: `isolation.level=read_committed` (aborted
 * transactional writes and transaction markers are never delivered), from the beginning to the end
 * offsets of the moment the read starts.
 *
 * "End offset" here is what ListOffsets answers (@ipasn/kafka's topicOffsets): it asks with
 * read_committed isolation, so on a transactional topic it is the last stable offset (the first
 * offset of the oldest open transaction, else the high watermark). A read therefore never waits for
 * an open transaction; records an open transaction has written lie beyond it and are not read.
 * On a topic written without transactions it is the high watermark.
 *
 * When is a partition read to its end? Not when a record at `end - 1` arrives: on a transactional
 * topic the last offsets are commit/abort markers (and maybe aborted records) that a read_committed
 * consumer never sees; @ipasn/kafka's range reads follow the raw position the client reached.
 */
import { headerStrings, readToEnd, ReadTimeoutError, withAdmin, type InMessage, type KafkaClient } from '@ipasn/kafka';
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

export type Decoder<T> = (value: Buffer | null, message: InMessage) => T;

export interface ReadOptions<T> {
  decode: Decoder<T>;
  kafka?: KafkaClient;
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
}

export interface ScanOptions {
  kafka?: KafkaClient;
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
export async function topicOffsets(topic: string, kafka: KafkaClient = testKafka()): Promise<PartitionRange[]> {
  return (await withAdmin(kafka, (admin) => admin.topicOffsets(topic))).map((p) => ({ partition: p.partition, low: p.low, end: p.high }));
}

/**
 * Calls `onMessage` for every record a read_committed consumer sees between the start offsets and
 * the end offsets of the moment it starts (see the module comment). Returns the ranges scanned.
 * With `readUncommitted` it also sees aborted writes (never markers), up to the same end: for
 * diagnostics (how many records did crashes abort?).
 */
export async function scanTopic(topic: string, onMessage: (message: InMessage, partition: number) => void, options: ScanOptions = {}): Promise<PartitionRange[]> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  try {
    const { ranges } = await readToEnd(options.kafka ?? testKafka(), topic, {
      // A throwaway group under the topic's namespace prefix (namespace cleanup deletes leftovers).
      groupPrefix: `${topic}.reader-`,
      timeoutMs,
      readUncommitted: options.readUncommitted ?? false,
      ...(options.from ? { from: options.from } : {}),
      ...(options.partitions ? { partitions: options.partitions } : {}),
      onChunk: (messages, _topic, partition) => {
        for (const m of messages) onMessage(m, partition);
      },
    });
    return ranges.map((r) => ({ partition: r.partition, low: r.low, end: r.high }));
  } catch (err) {
    if (err instanceof ReadTimeoutError) {
      throw new ScanTimeoutError(`reading ${topic} timed out after ${timeoutMs} ms: ${err.message}`, err.pending.map((k) => Number(k.slice(k.lastIndexOf('/') + 1))).sort((a, b) => a - b));
    }
    throw err;
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
        headers: headerStrings(m),
        timestamp: m.timestamp,
        raw: m.value ?? null,
        value: options.decode(m.value ?? null, m),
      });
    },
    { ...(options.kafka ? { kafka: options.kafka } : {}), timeoutMs: options.timeoutMs ?? 60_000 },
  );
  return out.sort((a, b) => a.partition - b.partition || (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}

/** Header values as strings (the last value when a header repeats). */
export const headersOf = headerStrings;

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
