/**
 * Reading chosen offset ranges once, the way a downstream reader sees them: read_committed by
 * default (aborted transactional writes and markers are never delivered), through a short-lived
 * consumer in a throwaway group that never commits and is deleted afterwards (kafkajs has no manual
 * assignment: the consumer joins, seeks every requested partition and pauses the others).
 *
 * When is a range read through? Not when a record at `to - 1` arrives: on a transactional topic the
 * last offsets are commit/abort markers (and maybe aborted records) that a read_committed consumer
 * never sees. kafkajs reports the raw position it reached after every batch (END_BATCH_PROCESS:
 * `lastOffset` counts filtered-out markers and aborted records too, and batches of nothing but
 * those are reported as well), so a range is done once that position reaches `to - 1`.
 *
 * "End offset" (`topicOffsets`, `readToEnd`) is what ListOffsets answers with read_committed
 * isolation: on a transactional topic the last stable offset (the first offset of the oldest open
 * transaction, else the high watermark). A read therefore never waits for an open transaction.
 *
 * A batch fetched before a seek took effect starts below the requested offset; messages are handed
 * over only from the next offset not yet handed over, so nothing is delivered twice.
 */
import { randomUUID } from 'node:crypto';
import { IpasnError } from '@ipasn/errors';
import { withAdmin } from './admin.js';
import type { KafkaClient } from './client.js';
import { rawOf } from './internal.js';
import type { InMessage, PartitionOffsets } from './types.js';

export interface ReadRequest {
  topic: string;
  partition: number;
  /** First offset to read. */
  from: string | number;
  /** One past the last offset to read. */
  to: string | number;
  /** Stop this range after this many messages (e.g. 1 for "the oldest unconsumed"). */
  limit?: number;
}

export interface ReadOptions {
  /** Messages per onChunk call; default 1000. */
  chunkSize?: number;
  /** Called in offset order per range; ranges interleave. A throw stops the read and fails it. */
  onChunk: (messages: InMessage[], topic: string, partition: number) => Promise<void> | void;
  /** The throwaway group is `<groupPrefix><random>`; default `ipasn-reader-`. */
  groupPrefix?: string;
  /** Also deliver records of aborted and open transactions (diagnostics only); default false. */
  readUncommitted?: boolean;
  /** Fails when nothing moves for this long while a range is unfinished; default 120 s. */
  stallTimeoutMs?: number;
  /** Fails (or, with `partial`, returns) when the whole read takes longer; default none. */
  timeoutMs?: number;
  /** At the timeout, return what was read (`complete: false`) instead of failing. */
  partial?: boolean;
}

export interface RangeResult {
  request: ReadRequest;
  /** Messages handed over. */
  messages: number;
  /** False when the read ended (timeout with `partial`) before the range was read through. */
  complete: boolean;
}

/** A read that did not finish: stalled, or past its timeout. Retriable: the data is still there. */
export class ReadTimeoutError extends IpasnError {
  override name = 'ReadTimeoutError';
  constructor(
    message: string,
    readonly pending: string[],
  ) {
    super('KAFKA_READ_TIMEOUT', message, { retriable: true });
  }
}

interface Range {
  request: ReadRequest;
  key: string;
  from: bigint;
  to: bigint;
  /** The next offset not yet handed over (or passed: markers, aborted records). */
  next: bigint;
  delivered: number;
  done: boolean;
}

const keyOf = (topic: string, partition: number): string => `${topic}/${partition}`;

/** Reads every request's range, at most one range per partition, through one consumer. */
export async function readRange(kafka: KafkaClient, requests: readonly ReadRequest[], options: ReadOptions): Promise<RangeResult[]> {
  const topics = [...new Set(requests.map((r) => r.topic))];
  const watermarks = new Map(
    await withAdmin(kafka, async (admin) => Promise.all(topics.map(async (t) => [t, await admin.topicOffsets(t)] as const))),
  );
  const partitionsOf = new Map([...watermarks].map(([t, list]) => [t, list.map((o) => o.partition)]));
  const ranges = new Map<string, Range>();
  for (const r of requests) {
    const key = keyOf(r.topic, r.partition);
    if (ranges.has(key)) throw new IpasnError('KAFKA_READ_OVERLAP', `two ranges on ${key} in one read`);
    // Only what the log holds can be read: a range outside [low, high) would never complete (the
    // fetch would reset elsewhere), so it is clamped to the watermarks first.
    const w = watermarks.get(r.topic)?.find((o) => o.partition === r.partition);
    const low = BigInt(w?.low ?? 0);
    const high = BigInt(w?.high ?? 0);
    const from = BigInt(r.from) > low ? BigInt(r.from) : low;
    const to = BigInt(r.to) < high ? BigInt(r.to) : high;
    ranges.set(key, { request: r, key, from, to, next: from, delivered: 0, done: to <= from || (r.limit ?? 1) <= 0 });
  }
  const pending = new Set([...ranges.values()].filter((r) => !r.done).map((r) => r.key));
  const results = () => [...ranges.values()].map((r) => ({ request: r.request, messages: r.delivered, complete: r.done }));
  if (pending.size === 0) return results();
  const reading = [...new Set([...ranges.values()].filter((r) => !r.done).map((r) => r.request.topic))];

  const groupId = `${options.groupPrefix ?? 'ipasn-reader-'}${randomUUID()}`;
  const consumer = rawOf(kafka).consumer({
    groupId,
    readUncommitted: options.readUncommitted ?? false,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 4 << 20,
    retry: { retries: 2 },
  });

  let failed: Error | undefined;
  let settle!: (err?: Error) => void;
  const done = new Promise<void>((resolve, reject) => (settle = (err) => (err ? reject(err) : resolve())));
  done.catch(() => undefined); // awaited below; an early failure is not unhandled
  const fail = (err: unknown): void => {
    failed ??= err instanceof Error ? err : new Error(String(err));
    settle(failed);
  };
  const finish = (r: Range): void => {
    r.done = true;
    pending.delete(r.key);
    if (pending.size === 0) settle();
  };
  let lastMove = Date.now();
  const chunkSize = options.chunkSize ?? 1000;
  const where = () => [...pending].map((k) => `${k} at ${ranges.get(k)?.next} of ${ranges.get(k)?.to}`).join(', ');

  const stallMs = options.stallTimeoutMs ?? 120_000;
  const watchdog = setInterval(() => {
    if (Date.now() - lastMove > stallMs) fail(new ReadTimeoutError(`read stalled for ${stallMs} ms: ${where()}`, [...pending]));
  }, Math.min(1000, stallMs));
  let timer: NodeJS.Timeout | undefined;
  if (options.timeoutMs !== undefined) {
    timer = setTimeout(() => (options.partial ? settle() : fail(new ReadTimeoutError(`read timed out after ${options.timeoutMs} ms: ${where()}`, [...pending]))), options.timeoutMs);
  }
  try {
    await consumer.connect();
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const r = ranges.get(keyOf(payload.topic, payload.partition));
      if (!r || r.done || failed) return;
      // Only a batch that continues the read moves it (one from before the seek starts elsewhere).
      if (BigInt(payload.firstOffset ?? payload.lastOffset) > r.next) return;
      const reached = BigInt(payload.lastOffset) + 1n;
      if (reached > r.next) r.next = reached;
      lastMove = Date.now();
      if (r.next >= r.to || reached >= BigInt(payload.highWatermark)) finish(r);
    });
    // An offset reset goes to the beginning, which the checks here ignore.
    await consumer.subscribe({ topics: reading, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const r = ranges.get(keyOf(batch.topic, batch.partition));
        if (!r || r.done || failed) return;
        const limit = r.request.limit;
        const wanted: InMessage[] = [];
        for (const m of batch.messages) {
          const o = BigInt(m.offset);
          if (o < r.next) continue;
          if (o >= r.to || (limit !== undefined && r.delivered + wanted.length >= limit)) break;
          wanted.push(m);
        }
        for (let i = 0; i < wanted.length && !failed; i += chunkSize) {
          const chunk = wanted.slice(i, i + chunkSize);
          try {
            await options.onChunk(chunk, batch.topic, batch.partition);
          } catch (err) {
            fail(err);
            return;
          }
          r.delivered += chunk.length;
          r.next = BigInt(chunk[chunk.length - 1]!.offset) + 1n;
          lastMove = Date.now();
          await payload.heartbeat();
        }
        if (limit !== undefined && r.delivered >= limit) finish(r);
      },
    });
    const position = (): void => {
      for (const t of reading) {
        const mine = new Set([...ranges.values()].filter((r) => r.request.topic === t && !r.done).map((r) => r.request.partition));
        const others = (partitionsOf.get(t) ?? []).filter((p) => !mine.has(p));
        if (others.length > 0) consumer.pause([{ topic: t, partitions: others }]);
      }
      for (const r of ranges.values()) if (!r.done) consumer.seek({ topic: r.request.topic, partition: r.request.partition, offset: r.next.toString() });
    };
    // kafkajs's run() can return while its first start is being retried (e.g. the group
    // coordinator of a freshly started broker is not ready): pause and seek then throw "Consumer
    // group was not initialized" until the retry has created the group. Try again until it has.
    for (;;) {
      try {
        position();
        break;
      } catch (err) {
        if (failed) break; // the watchdog or a timeout gave up: `done` rejects with why
        if (!(err instanceof Error) || !/not initialized/u.test(err.message)) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await done;
    return results();
  } finally {
    clearInterval(watchdog);
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    // An empty group without offsets also expires on its own: deleting it is a courtesy.
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
}

export interface ReadToEndOptions extends Omit<ReadOptions, 'partial'> {
  /** Start offset per partition; default the low watermark. */
  from?: ReadonlyMap<number, string>;
  /** Only these partitions; default all. */
  partitions?: readonly number[];
  /** End offset (exclusive) per partition, when below the topic's end; default the end. */
  until?: ReadonlyMap<number, string>;
  /** Called once the ranges are known, with the number of offsets to read (an upper bound on messages). */
  onStart?: (total: number, ranges: PartitionOffsets[]) => void;
}

/**
 * Reads a topic from its beginning (or `from`) to the end offsets of the moment the read starts.
 * Returns the ranges read (`high` = the end read to).
 */
export async function readToEnd(kafka: KafkaClient, topic: string, options: ReadToEndOptions): Promise<{ messages: number; ranges: PartitionOffsets[] }> {
  const all = await withAdmin(kafka, (admin) => admin.topicOffsets(topic));
  const ranges = all.filter((r) => !options.partitions || options.partitions.includes(r.partition));
  const end = (r: PartitionOffsets): string => {
    const u = options.until?.get(r.partition);
    return u !== undefined && BigInt(u) < BigInt(r.high) ? (BigInt(u) < BigInt(r.low) ? r.low : u) : r.high;
  };
  const requests = ranges.map((r) => ({ topic, partition: r.partition, from: options.from?.get(r.partition) ?? r.low, to: end(r) }));
  options.onStart?.(
    requests.reduce((n, r) => n + Math.max(0, Number(BigInt(r.to) - BigInt(r.from))), 0),
    ranges,
  );
  const read = await readRange(kafka, requests, options);
  // `high`: the end read to (below the topic's end when `until` says so).
  return { messages: read.reduce((n, r) => n + r.messages, 0), ranges: ranges.map((r) => ({ ...r, high: end(r) })) };
}

/** Every message of the ranges, collected (small reads: a DLQ page, the oldest unconsumed message). */
export async function collectRange(kafka: KafkaClient, requests: readonly ReadRequest[], options: Omit<ReadOptions, 'onChunk'> = {}): Promise<{ request: ReadRequest; messages: InMessage[]; complete: boolean }[]> {
  const collected = new Map<string, InMessage[]>();
  const results = await readRange(kafka, requests, {
    ...options,
    onChunk: (messages, topic, partition) => {
      const key = keyOf(topic, partition);
      const list = collected.get(key) ?? [];
      list.push(...messages);
      collected.set(key, list);
    },
  });
  return results.map((r) => ({ request: r.request, messages: collected.get(keyOf(r.request.topic, r.request.partition)) ?? [], complete: r.complete }));
}
