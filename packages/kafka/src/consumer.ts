/**
 * The `eachBatch` consumer runner. A batch is handed to the handler in chunks; after each chunk the
 * runner resolves the chunk's last offset, heartbeats (kafkajs has no background heartbeat) and
 * commits. When a stop is requested it finishes the chunk in hand and commits exactly what was
 * processed: nothing more, nothing less.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '@ipasn/logger';

export type { KafkaMessage };

export interface ChunkContext {
  topic: string;
  partition: number;
  /** The batch's high watermark (for lag). */
  highWatermark: string;
  heartbeat(): Promise<void>;
  /** False once a stop was requested or the partition was revoked: finish quickly. */
  isActive(): boolean;
}

export type ChunkHandler = (messages: KafkaMessage[], ctx: ChunkContext) => Promise<void>;

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  /** Topic names or patterns (a RegExp subscribes to every matching topic). */
  topics: (string | RegExp)[];
  handler: ChunkHandler;
  logger: Logger;
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
  /** Called after every rebalance with this member's partitions per topic. */
  onAssignment?: (assignment: Record<string, number[]>) => void;
  /** Called when kafkajs gives up (a crash it will not restart from): the service must exit. */
  onFatal?: (error: Error) => void;
}

export class BatchConsumer {
  readonly #consumer: Consumer;
  readonly #options: BatchConsumerOptions;
  readonly #log: Logger;
  #stopping = false;
  #stopped: Promise<void> | undefined;

  constructor(options: BatchConsumerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'consumer', group: options.groupId });
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId,
      readUncommitted: options.readUncommitted ?? false,
      sessionTimeout: options.sessionTimeout ?? 30_000,
      heartbeatInterval: options.heartbeatInterval ?? 3_000,
      metadataMaxAge: options.metadataMaxAge ?? 30_000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 1_048_576,
    });
  }

  get raw(): Consumer {
    return this.#consumer;
  }

  /** Connects, subscribes and starts consuming; resolves once the consumer runs. */
  async start(): Promise<void> {
    const { onAssignment, onFatal } = this.#options;
    if (onAssignment) {
      this.#consumer.on(this.#consumer.events.GROUP_JOIN, (e) => onAssignment(e.payload.memberAssignment));
    }
    this.#consumer.on(this.#consumer.events.CRASH, (e) => {
      this.#log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      if (!e.payload.restart && !this.#stopping) onFatal?.(e.payload.error);
    });
    await this.#consumer.connect();
    const { topics, fromBeginning } = this.#options;
    await this.#consumer.subscribe({ topics, fromBeginning: fromBeginning ?? true });
    const autoCommit = (this.#options.commit ?? 'consumer') === 'consumer';
    await this.#consumer.run({
      autoCommit,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.#eachBatch(payload, autoCommit),
    });
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
    for (let i = 0; i < batch.messages.length; i += size) {
      if (!ctx.isActive()) break;
      const chunk = batch.messages.slice(i, i + size);
      await this.#options.handler(chunk, ctx);
      const last = chunk[chunk.length - 1];
      if (last) {
        // Resolving also moves kafkajs's fetch position; without it the batch would be fetched again.
        payload.resolveOffset(last.offset);
        // Commit what the chunk processed now, so a stop or crash replays at most one chunk. In
        // 'none' mode the handler has committed the offsets inside its transaction.
        if (autoCommit) await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
      }
      await payload.heartbeat();
    }
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
