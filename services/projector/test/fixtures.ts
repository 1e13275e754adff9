/**
 * A private pipeline per test: its own `ipasn.scores` topic (namespace prefix), Redis prefix and
 * consumer group, an in-process projector (the same handler main.ts wires), and helpers to send
 * score events and wait until the projector has committed everything sent.
 */
import { randomUUID } from 'node:crypto';
import { test as base } from 'vitest';
import { AggregateStore, deleteMatching, escapeGlob } from '@ipasn/aggregates';
import { applyTopics, BatchConsumer, BatchProducer, createKafka, groupLag, withAdmin, type KafkaClient } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { GROUPS, scoreEventMessages, topicNames, type TopicNames } from '@ipasn/pipeline';
import { closeRedis, createRedis, type Redis } from '@ipasn/redis';
import { createRegistry, type Registry } from '@ipasn/runtime';
import { SchemaRegistry, type ScoreEvent } from '@ipasn/serde';
import { createProjector, projectorMetrics } from '../src/index.js';
import { kafkaConnection, loadConfig, redisConnection } from '@ipasn/config';

export const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',');
export const KAFKA = kafkaConnection(loadConfig(process.env));
export const REDIS = redisConnection(loadConfig(process.env));
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:16379';
export const registry = SchemaRegistry.load();

export interface Pipeline {
  /** Topic prefix and Redis prefix (the same unique string). */
  ns: string;
  topics: TopicNames;
  groupId: string;
  kafka: KafkaClient;
  redis: Redis;
  store: AggregateStore;
  metrics: Registry;
  /** Produces score events to `<ns>ipasn.scores`, keyed by NIP (as the scorer does), in order. */
  send(events: readonly ScoreEvent[]): Promise<void>;
  /** Resolves once the projector has committed every message sent so far. */
  settle(timeoutMs?: number): Promise<void>;
  /** A counter's value from the projector's registry (summed over the given labels). */
  counter(name: string, labels?: Record<string, string>): Promise<number>;
}

export async function createTopics(kafka: KafkaClient, names: readonly string[], partitions = 3): Promise<void> {
  await applyTopics(kafka, names.map((name) => ({ name, partitions, config: {} })));
}

export async function deleteTopics(kafka: KafkaClient, names: readonly string[]): Promise<void> {
  await withAdmin(kafka, (admin) => admin.deleteTopics(names));
}

export async function waitForLag0(kafka: KafkaClient, groupId: string, topic: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lag = await groupLag(kafka, groupId, [topic]);
    if (lag.every((p) => p.lag === 0)) return;
    if (Date.now() > deadline) throw new Error(`group ${groupId} still behind on ${topic}: ${JSON.stringify(lag)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const test = base.extend<{ pipeline: Pipeline }>({
  // eslint-disable-next-line no-empty-pattern
  pipeline: async ({}, use) => {
    const ns = `test-${randomUUID().slice(0, 8)}.`;
    const topics = topicNames(ns);
    const logger = silentLogger();
    const kafka = createKafka({ ...KAFKA, clientId: 'projector-test', logger });
    const redis = createRedis({ ...REDIS, logger, connectionName: 'projector-test' });
    await createTopics(kafka, [topics.scores]);
    const store = await AggregateStore.open(redis, ns);
    const metrics = createRegistry('projector-test');
    const projector = createProjector({ store, registry, metrics: projectorMetrics(metrics), logger, clock: Date.now });
    const groupId = `${ns}${GROUPS.projector}`;
    const consumer = new BatchConsumer({ kafka, groupId, topics: [topics.scores], handler: projector.handleChunk, logger, chunkSize: 50, metrics, onFatal: (err) => { throw err; } });
    const producer = new BatchProducer(kafka);
    await producer.connect();
    await consumer.start();
    try {
      await use({
        ns,
        topics,
        groupId,
        kafka,
        redis,
        store,
        metrics,
        send: (events) => producer.send(events.map((e) => scoreEventMessages(topics, registry, e)[0])),
        settle: (timeoutMs = 30_000) => waitForLag0(kafka, groupId, topics.scores, timeoutMs),
        counter: async (name, labels = {}) => {
          const m = await metrics.getSingleMetric(name)?.get();
          return (m?.values ?? []).filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
        },
      });
    } finally {
      await consumer.stop();
      await producer.close();
      await deleteTopics(kafka, [topics.scores]);
      await deleteMatching(redis, `${escapeGlob(ns)}*`);
      await closeRedis(redis);
    }
  },
});
