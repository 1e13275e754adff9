#!/usr/bin/env node
/**
 * services/projector: ipasn.scores → agency aggregates in Redis, exactly once in effect (one Lua
 * call per agency touched, idempotent by version). Wiring only: config → adapters → handler.
 */
import { kafkaSasl } from '@ipasn/config';
import { join } from 'node:path';
import { AggregateStore } from '@ipasn/aggregates';
import { BatchConsumer, createKafka } from '@ipasn/kafka';
import { createLogger } from '@ipasn/logger';
import { topicNames } from '@ipasn/pipeline';
import { closeRedis, createRedis } from '@ipasn/redis';
import { createRegistry, Lifecycle, startOpsServer } from '@ipasn/runtime';
import { SchemaRegistry } from '@ipasn/serde';
import { loadProjectorConfig } from './config.js';
import { projectorMetrics } from './metrics.js';
import { createProjector } from './projector.js';

const config = loadProjectorConfig(process.env);
const logger = createLogger({ service: 'projector', level: config.LOG_LEVEL });
const lifecycle = new Lifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }).installSignalHandlers();

const topics = topicNames(config.IPASN_TOPIC_PREFIX);
const kafka = createKafka({
  brokers: config.KAFKA_BROKERS,
  clientId: `${config.KAFKA_CLIENT_ID}-projector`,
  logger,
  sasl: kafkaSasl(config),
});
const redis = createRedis({ url: config.REDIS_URL, logger, connectionName: 'ipasn-projector' });
const metricsRegistry = createRegistry('projector');
const groupId = `${config.IPASN_TOPIC_PREFIX}${config.PROJECTOR_GROUP_ID}`;
const projector = createProjector({
  store: await AggregateStore.open(redis, config.REDIS_PREFIX),
  registry: SchemaRegistry.load(),
  metrics: projectorMetrics(metricsRegistry),
  logger,
  clock: Date.now,
});

let joined = false;
const consumer = new BatchConsumer({
  kafka,
  groupId,
  topics: [topics.scores],
  handler: projector.handleChunk,
  logger,
  chunkSize: config.PROJECTOR_CHUNK_SIZE,
  onAssignment: () => {
    joined = true;
  },
  onFatal: (err) => {
    logger.fatal({ err }, 'consumer gave up');
    void lifecycle.shutdown('consumer crashed', 1);
  },
});

const { app } = await startOpsServer({
  host: config.OPS_HOST,
  port: config.PROJECTOR_OPS_PORT,
  logger,
  registry: metricsRegistry,
  portFile: config.PORT_FILE ?? (process.env['IPASN_STATE_DIR'] ? join(process.env['IPASN_STATE_DIR'], 'run', 'projector.port') : undefined),
  readiness: { redis: () => redis.status === 'ready', consumer: () => joined, shutdown: () => !lifecycle.shuttingDown },
});

// style.md's order: stop intake → drain the chunk in hand → commit its offsets (consumer.stop does
// all three) → quit Redis → close the ops server → flush logs (Lifecycle does the last). No producer.
lifecycle
  .onShutdown('stop intake, drain and commit', () => consumer.stop())
  .onShutdown('quit redis', () => closeRedis(redis))
  .onShutdown('close ops server', () => app.close());

await consumer.start();
logger.info({ group: groupId, topic: topics.scores, redisPrefix: config.REDIS_PREFIX }, 'projector started');
