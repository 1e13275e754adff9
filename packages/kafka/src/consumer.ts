/**
 * The `eachBatch` consumer runner. A batch is handed to the handler in chunks; after each chunk the
 * runner resolves the chunk's last offset, heartbeats (kafkajs has no background heartbeat),
 * commits and records the group's lag. When a stop is requested it finishes the chunk in hand and
 * commits exactly what was processed: nothing more, nothing less.
 *
 * Errors (style.md): a handler error that is retriable (`isRetriable`: a broker or Redis hiccup, a
 * lost compare-and-set race) goes back to kafkajs, which re-delivers the chunk after a backoff;
 * anything else (bad code: a TypeError, an invariant broken) stops the consumer and goes to
 * `onFatal` — the service exits and its replacement replays the chunk. Never retried in a loop.
 */
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { isRetriable } from '@ipasn/errors';
import type { Logger } from '@ipasn/logger';
import type { KafkaClient } from './client.js';
import { rawOf } from './internal.js';
import { consumerLagGauge, type MetricsRegistry } from './metrics.js';
import type { InMessage } from './types.js';

export interface ChunkContext {
  topic: string;
  partition: number;
  /** The batch's high watermark. */
  highWatermark: string;
  heartbeat(): Promise<void>;
  /** False once a stop was requested or the partition was revoked: finish quickly. */
  isActive(): boolean;
}

export type ChunkHandler = (messages: InMessage[], ctx: ChunkContext) => Promise<void>;

export interface BatchConsumerOptions {
  kafka: KafkaClient;
  groupId: string;
  /** Topic names or patterns (a RegExp subscribes to every matching topic). */
  topics: (string | RegExp)[];
  handler: ChunkHandler;
  logger: Logger;
  /** Called once when the consumer stops for good: a non-retriable handler error, or kafkajs gave up. The service must exit. */
  onFatal: (error: Error) => void;
  /** Where `ipasn_consumergroup_lag` is recorded (messages behind the high watermark per partition). */
  metrics?: MetricsRegistry;
  /** Messages per handler call; default 500. */
  chunkSize?: number;
  fromBeginning?: boolean;
  /** read_committed by default: never see aborted transactional writes. */
  readUncommitted?: boolean;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** How often to look for new topics matching a pattern (kafkajs metadata refresh), ms. */
  metadataMaxAge?: number;
  partitionsConsumedConcurrently?: number;
  /** Commit through the consumer (default) or not at all (the handler commits in a transaction). */
  commit?: 'consumer' | 'none';
  /**
   * Awaited before every offset this consumer commits (a chunk's, or past transaction markers), with
   * the offset to commit: e.g. to record in Redis what its state reflects first
   * (docs/reliability.md, "Redis that comes back behind"). A throw means: do not commit. With it,
   * kafkajs's own auto-commit is off (it would commit past markers without asking) and the runner
   * commits each chunk itself. A handler that commits in its own transaction (`commit: 'none'`)
   * calls the hook itself before that commit.
   */
  beforeCommit?: (topic: string, partition: number, offset: string) => Promise<void>;
  /** Called after every rebalance with this member's partitions per topic. */
  onAssignment?: (assignment: Record<string, number[]>) => void;
  /** Called after every completed fetch request (e.g. to know a new group has taken its start position). */
  onFetch?: () => void;
  /** How long the broker may hold a fetch when there is nothing to return, ms (kafkajs default 5000). */
  maxWaitMs?: number;
}

export class BatchConsumer {
  readonly #consumer: Consumer;
  readonly #options: BatchConsumerOptions;
  readonly #log: Logger;
  readonly #lag: ReturnType<typeof consumerLagGauge> | undefined;
  #stopping = false;
  #fatal = false;
  #stopped: Promise<void> | undefined;
  /** Per `topic/partition`: the commit past a batch of transaction markers, awaited before its next chunk. */
  readonly #markerCommits = new Map<string, Promise<void>>();

  constructor(options: BatchConsumerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'consumer', group: options.groupId });
    this.#lag = options.metrics ? consumerLagGauge(options.metrics) : undefined;
    this.#consumer = rawOf(options.kafka).consumer({
      groupId: options.groupId,
      readUncommitted: options.readUncommitted ?? false,
      sessionTimeout: options.sessionTimeout ?? 30_000,
      heartbeatInterval: options.heartbeatInterval ?? 3_000,
      metadataMaxAge: options.metadataMaxAge ?? 30_000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 1_048_576,
      ...(options.maxWaitMs !== undefined ? { maxWaitTimeInMs: options.maxWaitMs } : {}),
    });
  }

  /** Connects, subscribes and starts consuming; resolves once the consumer runs. */
  async start(): Promise<void> {
    const { onAssignment, onFetch } = this.#options;
    if (onAssignment) {
      this.#consumer.on(this.#consumer.events.GROUP_JOIN, (e) => onAssignment(e.payload.memberAssignment));
    }
    if (onFetch) this.#consumer.on(this.#consumer.events.FETCH, () => onFetch());
    const { beforeCommit } = this.#options;
    if ((this.#options.commit ?? 'consumer') === 'none' || beforeCommit) {
      // A batch of control records only (the commit markers a transactional producer writes after
      // its records) never reaches the handler, so no transaction moves the group past them: kafkajs
      // resolves it and commits only with autoCommit. Committed here instead, or the group's lag stays
      // at 1 behind every marker forever. The next chunk of the partition waits for this commit, so
      // the group's offset never goes back.
      this.#consumer.on(this.#consumer.events.END_BATCH_PROCESS, (e) => {
        const { topic, partition, batchSize, lastOffset } = e.payload;
        if (batchSize !== 0) return;
        const key = `${topic}/${partition}`;
        const offset = (BigInt(lastOffset) + 1n).toString();
        const commit = (beforeCommit ? beforeCommit(topic, partition, offset) : Promise.resolve())
          .then(() => this.#consumer.commitOffsets([{ topic, partition, offset }]))
          .catch((err: unknown) => this.#log.warn({ err, topic, partition }, 'committing past transaction markers failed (retried after the next batch)'));
        this.#markerCommits.set(key, commit);
      });
    }
    this.#consumer.on(this.#consumer.events.CRASH, (e) => {
      this.#log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      if (!e.payload.restart && !this.#stopping) this.#giveUp(e.payload.error);
    });
    await this.#consumer.connect();
    const { topics, fromBeginning } = this.#options;
    await this.#consumer.subscribe({ topics, fromBeginning: fromBeginning ?? true });
    const autoCommit = (this.#options.commit ?? 'consumer') === 'consumer';
    await this.#consumer.run({
      // With a beforeCommit hook every commit goes through #eachBatch or the marker listener above.
      autoCommit: autoCommit && !beforeCommit,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.#eachBatch(payload, autoCommit),
    });
  }

  /** Moves this member's position on a partition it is assigned (e.g. to start at the end). */
  seek(topic: string, partition: number, offset: string): void {
    this.#consumer.seek({ topic, partition, offset });
  }

  async #eachBatch(payload: EachBatchPayload, autoCommit: boolean): Promise<void> {
    const { batch } = payload;
    const size = this.#options.chunkSize ?? 500;
    const ctx: ChunkContext = {
      topic: batch.topic,
      partition: batch.partition,
      highWatermark: batch.highWatermark,
      heartbeat: () => payload.heartbeat(),
      isActive: () => payload.isRunning() && !payload.isStale() && !this.#stopping,
    };
    const key = `${batch.topic}/${batch.partition}`;
    const markers = this.#markerCommits.get(key);
    if (markers) {
      this.#markerCommits.delete(key);
      await markers;
    }
    for (let i = 0; i < batch.messages.length; i += size) {
      if (!ctx.isActive()) break;
      const chunk = batch.messages.slice(i, i + size);
      try {
        await this.#options.handler(chunk, ctx);
      } catch (err) {
        if (isRetriable(err)) throw err;
        // Not resolved, not committed: whoever reads this partition next replays the chunk.
        this.#giveUp(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      const last = chunk[chunk.length - 1];
      if (last) {
        const next = (BigInt(last.offset) + 1n).toString();
        if (autoCommit && this.#options.beforeCommit) {
          try {
            await this.#options.beforeCommit(batch.topic, batch.partition, next);
          } catch (err) {
            if (isRetriable(err)) throw err;
            this.#giveUp(err instanceof Error ? err : new Error(String(err)));
            return;
          }
        }
        // Resolving also moves kafkajs's fetch position; without it the batch would be fetched again.
        payload.resolveOffset(last.offset);
        // Commit what the chunk processed now, so a stop or crash replays at most one chunk. In
        // 'none' mode the handler has committed the offsets inside its transaction.
        // With a beforeCommit hook, exactly the offset the hook saw (kafkajs may have resolved past markers).
        if (autoCommit) await payload.commitOffsetsIfNecessary(this.#options.beforeCommit ? { topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] } : payload.uncommittedOffsets());
        const lag = Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n);
        this.#lag?.set({ group: this.#options.groupId, topic: batch.topic, partition: String(batch.partition) }, Math.max(0, lag));
      }
      await payload.heartbeat();
    }
    // 'none' mode: the batch ended with transaction markers after its last record (the input is
    // written in transactions): once every chunk committed, the group moves past them too, or its
    // lag would stay at 1 behind every marker.
    const lastRecord = batch.messages.at(-1)?.offset;
    const end = batch.lastOffset();
    if ((!autoCommit || this.#options.beforeCommit) && lastRecord !== undefined && ctx.isActive() && BigInt(end) > BigInt(lastRecord)) {
      const offset = (BigInt(end) + 1n).toString();
      await this.#options.beforeCommit?.(batch.topic, batch.partition, offset);
      payload.resolveOffset(end);
      await this.#consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset }]);
    }
  }

  #giveUp(error: Error): void {
    if (this.#fatal) return;
    this.#fatal = true;
    this.#stopping = true;
    this.#log.fatal({ err: error }, 'consumer stops: the error is not retriable');
    this.#options.onFatal(error);
  }

  /**
   * Stops intake, lets the chunk in hand finish, commits it and leaves the group. Idempotent: every
   * caller gets the same promise.
   */
  stop(): Promise<void> {
    this.#stopping = true;
    this.#stopped ??= (async () => {
      try {
        await this.#consumer.stop();
      } finally {
        await this.#consumer.disconnect();
        this.#log.info('consumer stopped');
      }
    })();
    return this.#stopped;
  }
}
