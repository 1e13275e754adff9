/**
 * Reads a topic from its beginning to the end it has when the read starts (read_committed), once,
 * through a throwaway consumer group that commits nothing and is deleted afterwards. Used by
 * verify (ipasn.events) and rebuild (ipasn.events, ipasn.scores.latest).
 */
import { randomUUID } from 'node:crypto';
import { BatchConsumer, type Kafka, type KafkaMessage } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';

export interface TopicReadOptions {
  kafka: Kafka;
  topic: string;
  /** The throwaway group is `<groupPrefix>-<random>`. */
  groupPrefix: string;
  logger: Logger;
  /** Messages per onChunk call; default 1000. */
  chunkSize?: number;
  /** Called once the end offsets are known, with the number of offsets to read (an upper bound on messages). */
  onStart?: (total: number) => void;
  /** Called in offset order per partition; partitions interleave. A throw stops the read and fails it. */
  onChunk: (messages: KafkaMessage[], partition: number) => Promise<void>;
  /** Fails when nothing moves for this long while a partition has not reached its end; default 120 s. */
  stallTimeoutMs?: number;
}

export interface TopicReadResult {
  /** Messages handed to onChunk. */
  messages: number;
  partitions: number;
}

interface PartitionEnd {
  end: bigint;
  /** The next offset expected: anything below it was handed over already (never twice). */
  next: bigint;
}

export async function readTopicToEnd(options: TopicReadOptions): Promise<TopicReadResult> {
  const { kafka, topic, logger } = options;
  const admin = kafka.admin();
  await admin.connect();
  let offsets: { partition: number; low: string; high: string }[];
  try {
    offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const parts = new Map<number, PartitionEnd>();
  for (const o of offsets) {
    const low = BigInt(o.low);
    const high = BigInt(o.high);
    if (high > low) parts.set(o.partition, { end: high, next: low });
  }
  const total = [...parts.values()].reduce((n, p) => n + Number(p.end - p.next), 0);
  options.onStart?.(total);
  if (parts.size === 0) return { messages: 0, partitions: 0 };

  const pending = new Set(parts.keys());
  let messages = 0;
  let failed: Error | undefined;
  let lastMove = Date.now();
  let settle!: (err?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  // Handled where it is awaited; this only keeps an early failure from counting as unhandled.
  done.catch(() => undefined);
  const fail = (err: unknown): void => {
    failed ??= err instanceof Error ? err : new Error(String(err));
    settle(failed);
  };
  // `last` is the last offset the consumer has passed, data or not (control records, aborted data).
  const reached = (partition: number, last: string | null): void => {
    const p = parts.get(partition);
    if (!p || last === null || failed) return;
    lastMove = Date.now();
    if (BigInt(last) >= p.end - 1n) pending.delete(partition);
    if (pending.size === 0) settle();
  };

  const groupId = `${options.groupPrefix}-${randomUUID()}`;
  const consumer = new BatchConsumer({
    kafka,
    groupId,
    topics: [topic],
    fromBeginning: true,
    commit: 'none',
    chunkSize: options.chunkSize ?? 1000,
    logger,
    handler: async (chunk, ctx) => {
      const p = parts.get(ctx.partition);
      if (!p || failed) return;
      const wanted = chunk.filter((m) => {
        const o = BigInt(m.offset);
        return o >= p.next && o < p.end;
      });
      if (wanted.length > 0) {
        try {
          await options.onChunk(wanted, ctx.partition);
        } catch (err) {
          // Never let kafkajs retry the chunk: a second delivery would be folded twice.
          fail(err);
          return;
        }
        p.next = BigInt(wanted[wanted.length - 1]!.offset) + 1n;
        messages += wanted.length;
      }
      reached(ctx.partition, chunk[chunk.length - 1]?.offset ?? null);
    },
    onFatal: fail,
  });
  consumer.raw.on(consumer.raw.events.END_BATCH_PROCESS, (e) => reached(e.payload.partition, e.payload.lastOffset));

  const stallMs = options.stallTimeoutMs ?? 120_000;
  const watchdog = setInterval(() => {
    if (Date.now() - lastMove > stallMs) fail(new Error(`reading ${topic} stalled for ${stallMs} ms with partitions ${[...pending].join(',')} short of their end`));
  }, Math.min(1000, stallMs));
  try {
    await consumer.start();
    lastMove = Date.now();
    await done;
  } finally {
    clearInterval(watchdog);
    await consumer.stop();
    await deleteGroup(kafka, groupId, logger);
  }
  return { messages, partitions: parts.size };
}

async function deleteGroup(kafka: Kafka, groupId: string, logger: Logger): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch (err) {
    // An empty group without offsets also expires on its own.
    logger.debug({ err: { message: err instanceof Error ? err.message : String(err) }, groupId }, 'could not delete the read group');
  } finally {
    await admin.disconnect();
  }
}
