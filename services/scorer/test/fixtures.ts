/** An in-process scorer over real Kafka and Redis, in a private namespace (topics and keys). */
import { randomUUID } from 'node:crypto';
import type { CanonicalEvent } from '@ipasn/contracts';
import { applyTopics, BatchConsumer, BatchProducer, createKafka, expandTopics, readTopicFile, TransactionalProducers, withAdmin, type KafkaClient } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { canonicalEventMessage, topicNames, type TopicNames } from '@ipasn/pipeline';
import { KeyedTimers } from '@ipasn/queue';
import { closeRedis, createRedis, type Redis } from '@ipasn/redis';
import { SHIPPED_RULE_SETS, type RuleSetList } from '@ipasn/rules';
import { createRegistry } from '@ipasn/runtime';
import { SchemaRegistry, type DeadLetter, type ScoreEvent } from '@ipasn/serde';
import type { HoldLimits } from '@ipasn/scoring';
import { StateStore } from '@ipasn/profiles';
import { createScorer, scorerMetrics, type Scorer } from '../src/index.js';
import { kafkaConnection, loadConfig, redisConnection } from '@ipasn/config';

const KAFKA = kafkaConnection(loadConfig(process.env));
const REDIS = redisConnection(loadConfig(process.env));

export interface Harness {
  ns: string;
  topics: TopicNames;
  registry: SchemaRegistry;
  redis: Redis;
  queueRedis: Redis;
  store: StateStore;
  scorer: Scorer;
  /** The list the harness's scorer runs with. */
  ruleSets: RuleSetList;
  /** Another scorer over the same namespace, as after a restart with another list in force (or with per-partition transactions, as the service runs). */
  scorerWith(ruleSets: RuleSetList, transactions?: { producers: TransactionalProducers; groupId: string }): Scorer;
  kafka: KafkaClient;
  timers: KeyedTimers;
  /** Feeds canonical events to the scorer (default: the harness's) as one chunk of partition 0, ingested at `ingestedAt` (default: the clock). */
  feed(events: CanonicalEvent[], fromOffset?: number, ingestedAt?: number, to?: Scorer): Promise<void>;
  /** Score events seen on the namespace's ipasn.scores so far. */
  scores: ScoreEvent[];
  /** Dead letters seen on the namespace's ipasn.dlq so far. */
  dlq: DeadLetter[];
  /** The events whose dedupe marks the scorer cleared (it rejected them). */
  forgotten: string[];
  until(cond: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(clock: () => number = Date.now, hold?: HoldLimits, ruleSets: RuleSetList = SHIPPED_RULE_SETS): Promise<Harness> {
  const ns = `t${randomUUID().slice(0, 8)}.`;
  const topics = topicNames(ns);
  const logger = silentLogger();
  const kafka = createKafka({ ...KAFKA, clientId: 'scorer-test', logger });
  await applyTopics(kafka, expandTopics(await readTopicFile(), [], ns));
  const redis = createRedis({ ...REDIS, logger });
  const queueRedis = createRedis({ ...REDIS, logger, maxRetriesPerRequest: null });
  const registry = SchemaRegistry.load();
  const producer = new BatchProducer(kafka);
  await producer.connect();
  const timers = new KeyedTimers({ connection: queueRedis, queueName: 'ticks', prefix: `${ns}bull`, logger, now: clock });
  const store = await StateStore.open(redis, ns);
  const forgotten: string[] = [];
  const metrics = scorerMetrics(createRegistry('scorer-test'));
  const scorerWith = (list: RuleSetList, transactions?: { producers: TransactionalProducers; groupId: string }): Scorer =>
    createScorer({
      transactions,
      topics,
      forgetMarks: async (events) => {
        forgotten.push(...events.map((e) => e.id));
        await Promise.resolve();
      },
      hold,
      registry,
      store,
      producer,
      timers,
      ruleSets: list.all,
      metrics,
      logger,
      clock,
    });
  const scorer = scorerWith(ruleSets);
  const scores: ScoreEvent[] = [];
  const dlq: DeadLetter[] = [];
  const consumer = new BatchConsumer({
    kafka,
    groupId: `${ns}reader`,
    topics: [topics.scores, topics.dlq],
    logger,
    onFatal: (err) => {
      throw err;
    },
    handler: async (messages, ctx) => {
      for (const m of messages) {
        if (ctx.topic === topics.dlq) dlq.push(registry.decodeAs('DeadLetter', m.value!).value);
        else scores.push(registry.decodeAs('ScoreEvent', m.value!).value);
      }
      await Promise.resolve();
    },
  });
  await consumer.start();
  let offset = 0;
  return {
    ns,
    topics,
    registry,
    redis,
    queueRedis,
    store,
    scorer,
    ruleSets,
    scorerWith,
    kafka,
    timers,
    scores,
    dlq,
    forgotten,
    async feed(events, fromOffset, ingestedAt, to = scorer) {
      const start = fromOffset ?? offset;
      const timestamp = String(ingestedAt ?? clock());
      const messages = events.map((e, i) => ({ offset: String(start + i), key: Buffer.from(e.nip), value: canonicalEventMessage(topics, registry, e).value, timestamp }));
      offset = Math.max(offset, start + events.length);
      await to.handleChunk(messages, { topic: topics.events, partition: 0, highWatermark: String(offset), heartbeat: async () => {}, isActive: () => true });
    },
    async until(cond, ms = 30_000) {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await consumer.stop();
      await timers.close();
      await producer.close();
      await withAdmin(kafka, (admin) => admin.deleteTopics([topics.events, topics.scores, topics.scoresLatest, topics.dlq]));
      const keys = await redis.keys(`${ns}*`);
      if (keys.length > 0) await redis.del(...keys);
      await closeRedis(queueRedis);
      await closeRedis(redis);
    },
  };
}

/**
 * One more scorer instance over a harness's namespace, wired as the service runs it
 * (services/scorer/src/main.ts): its own Redis connections, producer, state store and KeyedTimers
 * (same queue and prefix as the harness's, so the instances share the timers), and a member of the
 * consumer group `groupId` on the namespace's ipasn.events whose chunks commit in per-partition
 * transactions. Instances in the same group split the partitions between them.
 */
export interface Instance {
  name: string;
  scorer: Scorer;
  timers: KeyedTimers;
  /** The ipasn.events partitions this member was last assigned. */
  partitions: number[];
  /** How many chunks (and messages) this member handled. */
  handled: { chunks: number; messages: number };
  /** Starts this instance's timer worker (handleTick on each due key), and counts the ticks it ran. */
  startTimers(): void;
  ticks: string[];
  /** Stops consuming and the timer worker, then closes its connections. Idempotent. */
  close(): Promise<void>;
}

export async function startInstance(h: Harness, name: string, groupId: string, clock: () => number): Promise<Instance> {
  const logger = silentLogger();
  const kafka = createKafka({ ...KAFKA, clientId: `scorer-test-${name}`, logger });
  const redis = createRedis({ ...REDIS, logger });
  const queueRedis = createRedis({ ...REDIS, logger, maxRetriesPerRequest: null });
  const producer = new BatchProducer(kafka);
  await producer.connect();
  const producers = new TransactionalProducers(kafka, groupId);
  const timers = new KeyedTimers({ connection: queueRedis, queueName: 'ticks', prefix: `${h.ns}bull`, logger, now: clock });
  const store = await StateStore.open(redis, h.ns);
  const scorer = createScorer({
    topics: h.topics,
    transactions: { producers, groupId },
    registry: h.registry,
    store,
    producer,
    timers,
    ruleSets: h.ruleSets.all,
    metrics: scorerMetrics(createRegistry(`scorer-test-${name}`)),
    logger,
    clock,
  });
  const handled = { chunks: 0, messages: 0 };
  const ticks: string[] = [];
  let partitions: number[] = [];
  const consumer = new BatchConsumer({
    kafka,
    groupId,
    topics: [h.topics.events],
    logger,
    fromBeginning: true,
    commit: 'none',
    onFatal: (err) => {
      throw err;
    },
    onAssignment: (assignment) => {
      partitions = assignment[h.topics.events] ?? [];
    },
    handler: async (messages, ctx) => {
      await scorer.handleChunk(messages, ctx);
      handled.chunks++;
      handled.messages += messages.length;
    },
  });
  await consumer.start();
  let closing: Promise<void> | undefined;
  return {
    name,
    scorer,
    timers,
    get partitions() {
      return partitions;
    },
    handled,
    ticks,
    startTimers() {
      timers.start(async ({ key }) => {
        ticks.push(key);
        await scorer.handleTick(key);
      });
    },
    close() {
      closing ??= (async () => {
        await consumer.stop();
        await timers.close();
        await producers.closeAll();
        await producer.close();
        await closeRedis(queueRedis);
        await closeRedis(redis);
      })();
      return closing;
    },
  };
}

let seq = 0;
export function event(agency: string, nip: string, type: CanonicalEvent['type'], data: CanonicalEvent['data']): CanonicalEvent {
  seq++;
  return { id: `e${seq}`, source: `/agencies/${agency}`, agencyCode: agency, type, nip, time: '2024-01-01T00:00:00.000Z', data } as CanonicalEvent;
}
