/**
 * The kafkajs arm: the project's own usage, settings copied from packages/kafka/src/{client,
 * consumer,producer}.ts and services/normalizer/src/{producers,processor}.ts (this project is not a
 * workspace of the root, so it cannot import @ipasn/kafka; keep the two in step):
 * - client: connectionTimeout 5000, requestTimeout 30000, retry {100 ms, 8}, log level WARN;
 * - consumer (BatchConsumer): eachBatch, eachBatchAutoResolve false, one partition at a time,
 *   read_committed, maxBytesPerPartition 1 MiB, session 30 s / heartbeat 3 s; each batch is handed
 *   over in chunks, and after each chunk: resolveOffset, commit (consume arm only), heartbeat;
 * - transactional arm (normalizer): one transactional producer per input partition
 *   (`<prefix>.<topic>.<partition>`, pre-KIP-447 fencing), one transaction per chunk:
 *   sendBatch (acks -1, no compression) → sendOffsets(next offset) → commit.
 *
 * kafkajs is the registry's 2.2.4 WITHOUT the root's patches/kafkajs+2.2.4.patch: the patch only
 * clamps a negative setTimeout delay to 1 ms (what Node did anyway), so throughput is the same; on
 * Node 24 the unpatched client may print TimeoutNegativeWarning, which bench.ts counts.
 */
import kafkajs, { type EachBatchPayload, type LogEntry, type Producer } from 'kafkajs';
import { now, transform, withTimeout, type Arm, type Chunk, type Mode, type RunInput, type RunResult } from './common.ts';

const { Kafka, logLevel, CompressionTypes } = kafkajs;

/** Requests of a transactional producer; an error answer to one of them is retried by kafkajs. */
const TX_REQUEST = /^Response (AddPartitionsToTxn|AddOffsetsToTxn|TxnOffsetCommit|EndTxn|InitProducerId|Produce)\(/u;
/** Transactional requests answered with an error (and retried) since the last `takeTxRetries()`. */
let txRetries = 0;

export function takeTxRetries(): number {
  const n = txRetries;
  txRetries = 0;
  return n;
}

/**
 * kafkajs logs every error answer at ERROR, the retried ones included (CONCURRENT_TRANSACTIONS:
 * the previous transaction of that id is still completing). Those are counted, not printed, like
 * the project's client.ts demotes transient answers; anything else goes to stderr.
 */
const logCreator = () => ({ namespace, level, log }: LogEntry): void => {
  const { message, ...rest } = log;
  if (namespace === 'Connection' && TX_REQUEST.test(message)) {
    txRetries++;
    return;
  }
  // The producer's own line about the same retried answer (a final failure reaches the arm).
  if (namespace === 'Producer' && message.startsWith('Failed to send messages')) return;
  process.stderr.write(`${JSON.stringify({ level: logLevel[level], namespace, message, ...rest })}\n`);
};

function client(brokers: string[]): InstanceType<typeof Kafka> {
  return new Kafka({
    clientId: 'kclient-bench-kafkajs',
    brokers,
    connectionTimeout: 5000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator,
  });
}

export const kafkajsArm: Arm = async (mode: Mode, input: RunInput): Promise<RunResult> => {
  const { settings, inTopic, outTopic, groupId, txPrefix } = input;
  takeTxRetries();
  const t0 = now();
  const kafka = client(settings.brokers);
  const producers = new Map<number, Promise<Producer>>();
  const producerFor = (partition: number): Promise<Producer> => {
    let p = producers.get(partition);
    if (!p) {
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        transactionalId: `${txPrefix}.${inTopic}.${partition}`,
        transactionTimeout: 60_000,
        // As BatchProducer, whose retry kafkajs merges over the client's {initialRetryTime: 100}.
        retry: { initialRetryTime: settings.txRetryMs, retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 },
      });
      p = producer.connect().then(() => producer);
      producers.set(partition, p);
    }
    return p;
  };
  const stamp = new Date().toISOString();
  const handle = async (chunk: Chunk): Promise<void> => {
    if (mode === 'consume') return;
    const producer = await producerFor(chunk.partition);
    const tx = await producer.transaction();
    try {
      const messages = chunk.values.map((v, i) => ({ key: chunk.keys[i] ?? null, value: transform(v, stamp) }));
      await tx.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: [{ topic: outTopic, messages }] });
      await tx.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: chunk.topic, partitions: [{ partition: chunk.partition, offset: (chunk.lastOffset + 1n).toString() }] }],
      });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
  };

  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    metadataMaxAge: 30_000,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 1_048_576,
  });
  let seen = 0;
  let chunks = 0;
  let first = 0;
  let last = 0;
  const done = Promise.withResolvers<void>();
  const autoCommit = mode === 'consume';
  consumer.on(consumer.events.CRASH, (e) => done.reject(e.payload.error));
  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    for (let i = 0; i < batch.messages.length; i += settings.chunkSize) {
      if (!payload.isRunning() || payload.isStale()) break;
      if (first === 0) first = now();
      const slice = batch.messages.slice(i, i + settings.chunkSize);
      const lastMsg = slice[slice.length - 1];
      if (!lastMsg) break;
      await handle({
        topic: batch.topic,
        partition: batch.partition,
        keys: slice.map((m) => m.key),
        values: slice.map((m) => m.value),
        lastOffset: BigInt(lastMsg.offset),
      });
      payload.resolveOffset(lastMsg.offset);
      if (autoCommit) await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      await payload.heartbeat();
      seen += slice.length;
      chunks++;
      last = now();
      if (seen >= settings.records) done.resolve();
    }
  };
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [inTopic], fromBeginning: true });
    await consumer.run({ autoCommit, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch });
    await withTimeout(done.promise, settings.runTimeoutMs, () => `kafkajs ${mode}: ${seen}/${settings.records} records`);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await Promise.all([...producers.values()].map(async (p) => (await p).disconnect().catch(() => undefined)));
  }
  return { records: seen, steadyMs: last - first, totalMs: last - t0, chunks, txRetries: takeTxRetries() };
};

/** Seeds the input topic: idempotent producer, acks -1, `batch` records per request. */
export async function produceRecords(brokers: string[], topic: string, source: Iterable<{ key: Buffer; value: Buffer }>, batch = 5000): Promise<number> {
  const producer = client(brokers).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 },
  });
  await producer.connect();
  let n = 0;
  try {
    let messages: { key: Buffer; value: Buffer }[] = [];
    for (const r of source) {
      messages.push(r);
      if (messages.length === batch) {
        await producer.send({ topic, acks: -1, messages });
        n += messages.length;
        messages = [];
      }
    }
    if (messages.length > 0) {
      await producer.send({ topic, acks: -1, messages });
      n += messages.length;
    }
  } finally {
    await producer.disconnect();
  }
  return n;
}

export { client as kafkajsClient };
