/**
 * A consumer-group loop with kafkajs that commits only what the report file already holds:
 * messages are applied in memory, the report is written (atomically) at most every
 * `flushIntervalMs`, and only then are the offsets read so far committed. A crash therefore
 * replays at most the last interval, which the report absorbs (idempotent by version).
 */
import kafkajs, { type Consumer, type Kafka, type KafkaMessage } from 'kafkajs';

export interface ConsumeOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  /** Stop once the end offsets of the moment it starts are reached (a batch run); else run until `stop`. */
  untilEnd: boolean;
  /** Commit offsets (false: a throwaway read, e.g. the bootstrap from ipasn.scores.latest). */
  commit: boolean;
  apply(messages: KafkaMessage[]): void;
  /** Writes the report; called before every commit and at the end. */
  flush(): Promise<void>;
  flushIntervalMs: number;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stop: Promise<void>;
}

export interface ConsumeResult {
  messages: number;
}

/** Start offset per partition: the group's committed offset, else the low watermark (a new group reads from the beginning). */
async function positions(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, { start: bigint; end: bigint }>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    return new Map(
      ends.map((p) => {
        const c = byPartition.get(p.partition) ?? -1n;
        const low = BigInt(p.low);
        return [p.partition, { start: c >= low ? c : low, end: BigInt(p.high) }];
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

export async function consume(o: ConsumeOptions): Promise<ConsumeResult> {
  const parts = await positions(o.kafka, o.groupId, o.topic);
  const pending = new Set([...parts].filter(([, p]) => p.start < p.end).map(([partition]) => partition));
  if (o.untilEnd && pending.size === 0) return { messages: 0 };

  const consumer: Consumer = o.kafka.consumer({ groupId: o.groupId, readUncommitted: false, allowAutoTopicCreation: false, sessionTimeout: 30_000 });
  /** Next offset to commit per partition (what has been applied). */
  const applied = new Map<number, string>();
  let messages = 0;
  let lastFlush = Date.now();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  // One flush at a time: a batch may ask for one while the final one runs.
  let flushing: Promise<void> = Promise.resolve();
  const flushAndCommit = (): Promise<void> => {
    flushing = flushing.then(async () => {
      const offsets = [...applied].map(([partition, offset]) => ({ topic: o.topic, partition, offset }));
      await o.flush();
      lastFlush = Date.now();
      if (o.commit && offsets.length > 0) await consumer.commitOffsets(offsets);
    });
    return flushing;
  };
  // Where the reader is, data or not (kafkajs reports batches of control records and aborted data too).
  const reached = (partition: number, lastOffset: string): void => {
    const p = parts.get(partition);
    if (!o.untilEnd || !p || !pending.has(partition)) return;
    if (BigInt(lastOffset) + 1n >= p.end) pending.delete(partition);
    if (pending.size === 0) finish();
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => reached(e.payload.partition, e.payload.lastOffset));
  consumer.on(consumer.events.CRASH, (e) => {
    if (!e.payload.restart) {
      console.error(`[reporting] consumer crashed: ${e.payload.error.message}`);
      finish();
    }
  });

  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [o.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (!payload.isRunning() || payload.isStale()) return;
        const limit = o.untilEnd ? parts.get(batch.partition)?.end : undefined;
        const wanted = limit === undefined ? batch.messages : batch.messages.filter((m) => BigInt(m.offset) < limit);
        o.apply(wanted);
        messages += wanted.length;
        const last = wanted.at(-1);
        if (last) applied.set(batch.partition, (BigInt(last.offset) + 1n).toString());
        if (Date.now() - lastFlush >= o.flushIntervalMs) await flushAndCommit();
        await payload.heartbeat();
      },
    });
    await Promise.race([finished, o.stop]);
    await flushAndCommit();
  } finally {
    await consumer.disconnect();
  }
  return { messages };
}

/** kafkajs is CommonJS: its runtime values come through the default export under ESM. */
export const { Kafka: KafkaClient, logLevel } = kafkajs;
