#!/usr/bin/env node
/**
 * services/scorer: ipasn.events → employee profiles (Redis) → score events under every rule set on
 * ipasn.scores and ipasn.scores.latest, plus time-driven rescoring (BullMQ). Wiring only.
 */
import { kafkaSasl } from '@ipasn/config';
import { join } from 'node:path';
import { BatchConsumer, BatchProducer, createKafka } from '@ipasn/kafka';
import { createLogger } from '@ipasn/logger';
import { topicNames } from '@ipasn/pipeline';
import { KeyedTimers } from '@ipasn/queue';
import { closeRedis, createRedis } from '@ipasn/redis';
import { dedupeKey } from '@ipasn/normalize';
import { RULE_SETS } from '@ipasn/rules';
import { createRegistry, Lifecycle, startOpsServer } from '@ipasn/runtime';
import { SchemaRegistry } from '@ipasn/serde';
import { loadScorerConfig } from './config.js';
import { scorerMetrics } from './metrics.js';
import { rescoreRuns, workRescores } from './rescore.js';
import { createScorer } from './scorer.js';
import { StateStore } from './store.js';

const config = loadScorerConfig(process.env);
const logger = createLogger({ service: 'scorer', level: config.LOG_LEVEL });
const lifecycle = new Lifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }).installSignalHandlers();

const topics = topicNames(config.IPASN_TOPIC_PREFIX);
const kafka = createKafka({
  brokers: config.KAFKA_BROKERS,
  clientId: `${config.KAFKA_CLIENT_ID}-scorer`,
  logger,
  sasl: kafkaSasl(config),
});
const redis = createRedis({ url: config.REDIS_URL, logger, connectionName: 'ipasn-scorer' });
// BullMQ blocks on its own connection and needs maxRetriesPerRequest: null.
const queueRedis = createRedis({ url: config.REDIS_URL, logger, connectionName: 'ipasn-scorer-timers', maxRetriesPerRequest: null });
const metricsRegistry = createRegistry('scorer');
const producer = new BatchProducer(kafka);
await producer.connect();
const timers =
  config.SCORING_AS_OF === undefined
    ? new KeyedTimers({ connection: queueRedis, queueName: 'scorer-ticks', prefix: `${config.REDIS_PREFIX}bull`, logger })
    : null;
const groupId = `${config.IPASN_TOPIC_PREFIX}${config.SCORER_GROUP_ID}`;
const store = await StateStore.open(redis, config.REDIS_PREFIX);
const scorer = createScorer({
  topics,
  // The normalizer's marks: same Redis, same prefix (services/normalizer/src/main.ts).
  forgetMarks: async (events) => {
    await redis.del(...events.map((e) => `${config.REDIS_PREFIX}dedupe:${dedupeKey(e)}`));
  },
  groupId,
  registry: SchemaRegistry.load(),
  store,
  producer,
  timers,
  ruleSets: Object.values(RULE_SETS),
  metrics: scorerMetrics(metricsRegistry),
  logger,
  clock: Date.now,
  asOf: config.SCORING_AS_OF,
});

const consumer = new BatchConsumer({
  kafka,
  groupId,
  topics: [topics.events],
  handler: scorer.handleChunk,
  logger,
  chunkSize: config.SCORER_CHUNK_SIZE,
  partitionsConsumedConcurrently: config.SCORER_PARTITIONS_CONCURRENTLY,
  onFatal: (err) => {
    logger.fatal({ err }, 'consumer gave up');
    void lifecycle.shutdown('consumer crashed', 1);
  },
});

const { app } = await startOpsServer({
  host: config.OPS_HOST,
  port: config.SCORER_OPS_PORT,
  logger,
  registry: metricsRegistry,
  portFile: config.PORT_FILE ?? (process.env['IPASN_STATE_DIR'] ? join(process.env['IPASN_STATE_DIR'], 'run', 'scorer.port') : undefined),
  readiness: { redis: () => redis.status === 'ready', shutdown: () => !lifecycle.shuttingDown },
});

const runs = rescoreRuns(queueRedis, config.REDIS_PREFIX, logger);

lifecycle
  .onShutdown('stop intake, drain and commit', () => consumer.stop())
  .onShutdown('close timers and rescore workers', async () => {
    await timers?.close();
    await runs.close();
  })
  .onShutdown('flush producer', () => producer.close())
  .onShutdown('quit redis', async () => {
    await closeRedis(queueRedis);
    await closeRedis(redis);
  })
  .onShutdown('close ops server', () => app.close());

await consumer.start();
timers?.start(async ({ key }) => {
  await scorer.handleTick(key);
}, config.SCORER_TIMER_CONCURRENCY);
workRescores(runs, scorer);
logger.info({ group: groupId, asOf: config.SCORING_AS_OF ?? 'live' }, 'scorer started');
