/**
 * Consumes every agency ingress topic, including topics created while it runs: every refresh
 * interval it lists the topics, and when new `ipasn.ingress.<code>` topics appeared it restarts its
 * consumer over the larger set (kafkajs resolves a subscription once, at subscribe time).
 */
import { BatchConsumer, withAdmin, type ChunkHandler, type KafkaClient, type MetricsRegistry } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';
import type { TopicNames } from '@ipasn/pipeline';
import type { TransactionalProducers } from '@ipasn/kafka';

export interface NormalizerOptions {
  kafka: KafkaClient;
  metrics: MetricsRegistry;
  groupId: string;
  topicNames: TopicNames;
  handler: ChunkHandler;
  producers: TransactionalProducers;
  logger: Logger;
  refreshMs: number;
  chunkSize: number;
  /** Partitions in flight at once (default 1); a partition's chunks never overlap. */
  partitionsConcurrently?: number;
  onFatal: (err: Error) => void;
}

export class Normalizer {
  #consumer: BatchConsumer | undefined;
  #topics: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> = Promise.resolve();
  #stopped = false;
  readonly #log: Logger;

  constructor(private readonly options: NormalizerOptions) {
    this.#log = options.logger.child({ component: 'normalizer' });
  }

  get topics(): readonly string[] {
    return this.#topics;
  }

  /** True once it consumes (or there is nothing to consume yet). */
  get running(): boolean {
    return !this.#stopped;
  }

  async start(): Promise<void> {
    await this.#refresh();
    this.#timer = setInterval(() => {
      this.#refreshing = this.#refreshing.then(() => this.#refresh()).catch((err: unknown) => {
        this.#log.error({ err }, 'topic refresh failed');
      });
    }, this.options.refreshMs);
  }

  async #refresh(): Promise<void> {
    if (this.#stopped) return;
    const topics = (await withAdmin(this.options.kafka, (admin) => admin.listTopics())).filter((t) => this.options.topicNames.ingressPattern.test(t)).sort();
    if (topics.length === this.#topics.length && topics.every((t, i) => t === this.#topics[i])) return;
    const added = topics.filter((t) => !this.#topics.includes(t));
    this.#log.info({ added, total: topics.length }, 'ingress topics changed: (re)starting the consumer');
    await this.#consumer?.stop();
    if (this.#stopped) return;
    this.#topics = topics;
    if (topics.length === 0) return;
    const consumer = new BatchConsumer({
      kafka: this.options.kafka,
      groupId: this.options.groupId,
      topics,
      handler: this.options.handler,
      logger: this.options.logger,
      metrics: this.options.metrics,
      chunkSize: this.options.chunkSize,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      commit: 'none',
      fromBeginning: true,
      onAssignment: (assignment) => {
        void this.options.producers.retain(assignment);
      },
      onFatal: this.options.onFatal,
    });
    this.#consumer = consumer;
    await consumer.start();
  }

  /** Stops intake and lets the chunk in hand commit. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#refreshing.catch(() => undefined);
    await this.#consumer?.stop();
  }
}
