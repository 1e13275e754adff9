/**
 * The @platformatic/kafka arm, shaped like the kafkajs arm so that only the client differs:
 * - consumer: the same group settings (session 30 s, heartbeat 3 s, read_committed,
 *   maxBytesPerPartition 1 MiB, metadata max age 30 s), committed offsets else earliest (kafkajs
 *   `fromBeginning: true`), autocommit off. The client hands over a Readable of single messages
 *   (it heartbeats in the background: no heartbeat per chunk). This arm cuts it into the same
 *   per-partition chunks as kafkajs's eachBatch: a chunk is handed over when it is full or when
 *   nothing more is buffered (the end of what the last fetch returned), one chunk at a time;
 * - consume arm: after each chunk, commit its last offset (`message.commit()`);
 * - transactional arm: ONE transactional producer for the process (KIP-447 style: the offsets go
 *   to the group coordinator with the consumer's generation and member id, so a zombie is fenced
 *   by the group, not by a per-partition transactional id), one transaction per chunk:
 *   begin → send (acks -1, no compression) → addConsumer → addOffset(last message) → commit.
 * `kip848` runs the same consumer with the KIP-848 group protocol (`groupProtocol: 'consumer'`,
 * the broker assigns partitions and owns session/heartbeat settings). In 2.12.1 its transactional
 * arm fails: the message metadata carries the classic generation id (0), not the member epoch, so
 * the broker answers TxnOffsetCommit with ILLEGAL_GENERATION; the run reports that as a failure.
 */
import { Consumer, FetchIsolationLevels, MessagesStreamFallbackModes, MessagesStreamModes, ProduceAcks, Producer, type Message, type MessagesStream } from '@platformatic/kafka';
import { now, transform, withTimeout, type Chunk, type Mode, type RunInput, type RunResult } from './common.ts';

const MAX_BYTES_PER_PARTITION = 1_048_576;

function consumerFor(input: RunInput, kip848: boolean): Consumer {
  const base = {
    clientId: 'kclient-bench-platformatic',
    bootstrapBrokers: input.settings.brokers,
    groupId: input.groupId,
    connectTimeout: 5000,
    requestTimeout: 30_000,
    retries: 8,
    retryDelay: 100,
    metadataMaxAge: 30_000,
    autocreateTopics: false,
    maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
  };
  return kip848
    ? new Consumer({ ...base, groupProtocol: 'consumer' })
    : new Consumer({ ...base, groupProtocol: 'classic', sessionTimeout: 30_000, heartbeatInterval: 3_000 });
}

export function platformaticArm(kip848: boolean) {
  return async (mode: Mode, input: RunInput): Promise<RunResult> => {
    const { settings, inTopic, outTopic, txPrefix } = input;
    const t0 = now();
    const consumer = consumerFor(input, kip848);
    const producer =
      mode === 'ctp'
        ? new Producer({
            clientId: 'kclient-bench-platformatic',
            bootstrapBrokers: settings.brokers,
            connectTimeout: 5000,
            requestTimeout: 30_000,
            // Same first delay as the kafkajs arm (the project's 100 ms by default). Platformatic's
            // default is a flat 1000 ms, and the broker answers the first request of about one
            // transaction in ten with CONCURRENT_TRANSACTIONS (the previous commit of this id is
            // still completing): with the default, each of those would wait a whole second.
            retryDelay: settings.txRetryMs,
            idempotent: true,
            transactionalId: `${txPrefix}.${inTopic}`,
            autocreateTopics: false,
            acks: ProduceAcks.ALL,
          })
        : undefined;
    let txRetries = 0;
    // Base.emitWithDebug emits '<section>:<event>' for every retry of an operation.
    (producer as unknown as NodeJS.EventEmitter | undefined)?.on('client:performWithRetry:retry', () => txRetries++);
    const stamp = new Date().toISOString();
    const handle = async (chunk: Chunk, lastMsg: Message): Promise<void> => {
      if (!producer) {
        await lastMsg.commit();
        return;
      }
      const tx = await producer.beginTransaction();
      try {
        const messages = chunk.values.map((v, i) => {
          const key = chunk.keys[i];
          const value = transform(v, stamp);
          return { topic: outTopic, ...(key ? { key } : {}), ...(value ? { value } : {}) };
        });
        // The normalizer's order: the records, then the offsets, then the commit.
        await tx.send({ messages, acks: ProduceAcks.ALL, compression: 'none' });
        await tx.addConsumer(consumer);
        // The committed offset is the message's offset + 1, with its group generation (KIP-447).
        await tx.addOffset(lastMsg);
        await tx.commit();
      } catch (err) {
        await tx.abort().catch(() => undefined);
        throw err;
      }
    };

    let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
    let seen = 0;
    let chunks = 0;
    let first = 0;
    let last = 0;
    try {
      stream = await consumer.consume({
        topics: [inTopic],
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
        autocommit: false,
        isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      });
      const s = stream;
      const loop = drainInChunks(s, settings.chunkSize, settings.records, async (chunk, lastMsg) => {
        if (first === 0) first = now();
        await handle(chunk, lastMsg);
        seen += chunk.values.length;
        chunks++;
        last = now();
      });
      const failed = new Promise<never>((_, reject) => s.once('error', reject));
      await withTimeout(Promise.race([loop, failed]), settings.runTimeoutMs, () => `platformatic ${mode}: ${seen}/${settings.records} records`);
    } finally {
      await stream?.close().catch(() => undefined);
      await consumer.close().catch(() => undefined);
      await producer?.close().catch(() => undefined);
    }
    return { records: seen, steadyMs: last - first, totalMs: last - t0, chunks, txRetries };
  };
}

/**
 * Reads the stream synchronously while it has buffered messages, gathering per-partition chunks;
 * a full chunk is processed at once, the partial ones when the buffer is empty. Returns once
 * `total` messages were processed.
 */
async function drainInChunks(
  stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>,
  size: number,
  total: number,
  process: (chunk: Chunk, last: Message) => Promise<void>,
): Promise<void> {
  const pending = new Map<string, Message[]>();
  let done = 0;
  const flush = async (key: string, list: Message[]): Promise<void> => {
    pending.delete(key);
    const lastMsg = list[list.length - 1];
    if (!lastMsg) return;
    await process(
      { topic: lastMsg.topic, partition: lastMsg.partition, keys: list.map((m) => m.key ?? null), values: list.map((m) => m.value ?? null), lastOffset: lastMsg.offset },
      lastMsg,
    );
    done += list.length;
  };
  // A 'readable' listener stays on for the whole loop, as in Node's own async iterator: the stream
  // fetches only while someone listens (its #fetch returns early when readableFlowing is null,
  // which is what a stream with no 'readable' or 'data' listener has), so a once() would stall it.
  let wake: (() => void) | undefined;
  const onReadable = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  stream.on('readable', onReadable);
  try {
    while (done < total) {
      const m = stream.read() as Message | null;
      if (m !== null) {
        const key = `${m.topic}\0${m.partition}`;
        let list = pending.get(key);
        if (!list) pending.set(key, (list = []));
        list.push(m);
        if (list.length >= size) await flush(key, list);
        continue;
      }
      if (pending.size > 0) {
        for (const [key, list] of [...pending]) await flush(key, list);
        continue;
      }
      if (stream.readableEnded || stream.destroyed) throw new Error(`the stream ended after ${done}/${total} messages`);
      // read() just returned null with nothing awaited since: the next 'readable' is still to come.
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.off('readable', onReadable);
  }
}
