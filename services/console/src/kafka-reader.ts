/**
 * Reads messages at chosen offsets: the DLQ view pages backwards by offsets, and lag in seconds
 * needs the oldest unconsumed message of a partition. kafkajs has no manual assignment, so each read
 * is a short-lived consumer in a throwaway group that never commits: it joins (the broker's
 * `group.initial.rebalance.delay.ms` is 0 in development), seeks every requested partition,
 * pauses the others, collects what it was asked for and leaves. Reads are serialized, so a burst of
 * requests costs one consumer at a time.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';

export interface ReadRequest {
  topic: string;
  partition: number;
  /** First offset to read. */
  from: number;
  /** One past the last offset to read. */
  to: number;
  /** Stop this partition after this many messages (e.g. 1 for "the oldest unconsumed"). */
  limit?: number;
}

export interface ReadResult {
  request: ReadRequest;
  messages: KafkaMessage[];
  /** False when the deadline passed before the range was read through. */
  complete: boolean;
}

export interface PartitionOffsets {
  partition: number;
  low: number;
  high: number;
}

export class KafkaReader {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly groupPrefix: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Low and high watermarks of every partition of a topic. */
  async offsets(topic: string): Promise<PartitionOffsets[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
    } finally {
      await admin.disconnect();
    }
  }

  /** Reads every request's range (one consumer for all); one at a time per reader. */
  read(requests: readonly ReadRequest[]): Promise<ReadResult[]> {
    const run = this.#queue.then(() => this.#read(requests));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #read(requests: readonly ReadRequest[]): Promise<ReadResult[]> {
    // Only what the log holds can be read: a range outside [low, high) would never complete (the
    // fetch resets elsewhere), so ranges are clamped to the watermarks first.
    const topicsAsked = [...new Set(requests.map((r) => r.topic))];
    const partitionsOf = new Map(await Promise.all(topicsAsked.map(async (t) => [t, await this.offsets(t)] as const)));
    const marks = new Map([...partitionsOf].flatMap(([t, list]) => list.map((o) => [`${t}/${o.partition}`, o] as const)));
    const clamped = requests.map((r) => {
      const m = marks.get(`${r.topic}/${r.partition}`);
      return { original: r, from: Math.max(r.from, m?.low ?? 0), to: Math.min(r.to, m?.high ?? 0) };
    });
    const wanted = clamped.filter((r) => r.to > r.from && (r.original.limit ?? 1) > 0).map((r) => ({ ...r.original, from: r.from, to: r.to }));
    const results = new Map<string, ReadResult>(requests.map((r) => [`${r.topic}/${r.partition}`, { request: r, messages: [], complete: true }]));
    for (const w of wanted) results.get(`${w.topic}/${w.partition}`)!.complete = false;
    if (wanted.length === 0) return [...results.values()];

    const topics = [...new Set(wanted.map((r) => r.topic))];
    const consumer = this.kafka.consumer({
      groupId: `${this.groupPrefix}${randomUUID()}`,
      maxWaitTimeInMs: 100,
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      allowAutoTopicCreation: false,
      retry: { retries: 2 },
    });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const pending = new Set(wanted.map((r) => `${r.topic}/${r.partition}`));
    /** Per partition: the next offset the read has not yet passed, and what it collected by offset. */
    const next = new Map(wanted.map((r) => [`${r.topic}/${r.partition}`, r.from]));
    const range = new Map(wanted.map((r) => [`${r.topic}/${r.partition}`, r]));
    const collected = new Map(wanted.map((r) => [`${r.topic}/${r.partition}`, new Map<number, KafkaMessage>()]));
    const done = (key: string) => {
      const r = results.get(key);
      if (r) r.complete = true;
      pending.delete(key);
      if (pending.size === 0) finish();
    };
    // A batch continues the read when it starts inside [from, next]: one fetched before the seek
    // took effect starts elsewhere and is ignored.
    const continues = (key: string, first: number): boolean => {
      const r = range.get(key);
      return r !== undefined && pending.has(key) && first >= r.from && first <= (next.get(key) ?? -1);
    };
    const timer = setTimeout(finish, this.timeoutMs);
    try {
      await consumer.connect();
      // An offset reset goes to the beginning, where the check above ignores it.
      await consumer.subscribe({ topics, fromBeginning: true });
      // kafkajs skips eachBatch for a batch of only control records (transaction markers) or aborted
      // messages, but reports every processed batch here: progress is tracked from this event.
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const key = `${payload.topic}/${payload.partition}`;
        const first = Number(payload.firstOffset ?? payload.lastOffset);
        if (!continues(key, first)) return;
        const reached = Number(payload.lastOffset) + 1;
        next.set(key, Math.max(next.get(key) ?? 0, reached));
        const { to, limit } = range.get(key)!;
        const full = limit !== undefined && (collected.get(key)?.size ?? 0) >= limit;
        if (full || reached >= to || reached >= Number(payload.highWatermark)) done(key);
      });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const key = `${batch.topic}/${batch.partition}`;
          const first = batch.firstOffset();
          if (first === null || !continues(key, Number(first))) return;
          const into = collected.get(key)!;
          const { from, to, limit } = range.get(key)!;
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            if (offset >= to || (limit !== undefined && into.size >= limit)) break;
            if (offset >= from) into.set(offset, m);
          }
          await Promise.resolve();
        },
      });
      for (const t of topics) {
        const all = (partitionsOf.get(t) ?? []).map((o) => o.partition);
        const mine = new Set(wanted.filter((r) => r.topic === t).map((r) => r.partition));
        const others = all.filter((p) => !mine.has(p));
        if (others.length > 0) consumer.pause([{ topic: t, partitions: others }]);
      }
      for (const r of wanted) consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.from) });
      await finished;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch((err: unknown) => this.logger.warn({ err }, 'offset reader disconnect failed'));
    }
    for (const [key, r] of results) r.messages = [...(collected.get(key)?.values() ?? [])].sort((a, b) => Number(a.offset) - Number(b.offset));
    if (pending.size > 0) this.logger.warn({ unfinished: [...pending] }, 'offset read ended at its deadline');
    return [...results.values()];
  }
}
