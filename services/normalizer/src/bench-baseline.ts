/**
 * The ceiling of this client for a service shaped like the normalizer, on the same topics: a plain
 * kafkajs consumer (BatchConsumer) that only reads, or one that forwards every message's bytes to
 * another topic — with the idempotent producer, or (`transactional`) as the normalizer does it: one
 * transaction per chunk of one partition, on that partition's own transactional producer, carrying
 * the input offset (sendOffsets). Used by this package's `npm run bench` and by the suite in
 * bench/suite (`npm run bench` at the root).
 */
import { BatchConsumer, BatchProducer, type InMessage, type KafkaClient } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';

export interface Timed {
  messages: number;
  /** First chunk in → last chunk done. */
  steadyMs: number;
  /** Start of the consumer → last chunk done. */
  totalMs: number;
}

export interface BaselineOptions {
  /** Forward every message's bytes to this topic (absent: consume only). */
  forwardTo?: string;
  /** Forward in one transaction per chunk with the input offsets, as the normalizer (default false). */
  transactional?: boolean;
  /** kafkajs partitionsConsumedConcurrently (default 1). */
  partitionsConcurrently?: number;
  chunkSize?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads `total` messages of `ingress` in a new group (from the beginning); see the file comment. */
export async function baseline(kafka: KafkaClient, ingress: string[], groupId: string, total: number, options: BaselineOptions = {}): Promise<Timed> {
  const { forwardTo, transactional = false } = options;
  const plain = forwardTo && !transactional ? new BatchProducer(kafka) : undefined;
  await plain?.connect();
  const producers = new Map<string, Promise<BatchProducer>>();
  const producerFor = (topic: string, partition: number): Promise<BatchProducer> => {
    const id = `${groupId}.${topic}.${partition}`;
    let p = producers.get(id);
    if (!p) {
      p = (async () => {
        const producer = new BatchProducer(kafka, { transactionalId: id });
        await producer.connect();
        return producer;
      })();
      producers.set(id, p);
    }
    return p;
  };
  let seen = 0;
  let first = 0;
  let last = 0;
  let failure: Error | undefined;
  const t0 = performance.now();
  const consumer = new BatchConsumer({
    kafka,
    groupId,
    topics: ingress,
    logger: silentLogger(),
    chunkSize: options.chunkSize ?? 1000,
    partitionsConsumedConcurrently: options.partitionsConcurrently ?? 1,
    commit: transactional ? 'none' : 'consumer',
    onFatal: (err) => void (failure = err),
    handler: async (messages: InMessage[], ctx) => {
      if (first === 0) first = performance.now();
      const out = forwardTo ? messages.map((m) => ({ topic: forwardTo, key: m.key ?? null, value: m.value ?? null })) : [];
      if (plain) await plain.send(out);
      else if (forwardTo) {
        const lastMessage = messages[messages.length - 1];
        const tx = await (await producerFor(ctx.topic, ctx.partition)).transaction();
        try {
          await tx.send(out);
          if (lastMessage) await tx.sendOffsets(groupId, ctx.topic, ctx.partition, (BigInt(lastMessage.offset) + 1n).toString());
          await tx.commit();
        } catch (err) {
          await tx.abort().catch(() => undefined);
          throw err;
        }
      }
      seen += messages.length;
      last = performance.now();
    },
  });
  await consumer.start();
  while (seen < total && !failure) await sleep(20);
  await consumer.stop();
  await plain?.close();
  await Promise.all([...producers.values()].map(async (p) => (await p).close().catch(() => undefined)));
  if (failure) throw failure;
  return { messages: seen, steadyMs: last - first, totalMs: last - t0 };
}
