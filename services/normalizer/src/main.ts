#!/usr/bin/env node
/**
 * services/normalizer: agency ingress topics → canonical Avro events on ipasn.events, or dead
 * letters on ipasn.dlq, exactly once. Wiring only: config → adapters → processor.
 */
import { kafkaSasl } from '@ipasn/config';
import { join } from 'node:path';
import { createKafka } from '@ipasn/kafka';
import { createLogger } from '@ipasn/logger';
import { closeRedis, createRedis, DedupeStore } from '@ipasn/redis';
import { createRegistry, Lifecycle, startOpsServer } from '@ipasn/runtime';
import { topicNames } from '@ipasn/pipeline';
import { SchemaRegistry } from '@ipasn/serde';
import { loadAgencies, loadNormalizerConfig } from './config.js';
import { normalizerMetrics } from './metrics.js';
import { Normalizer } from './normalizer.js';
import { createProcessor } from './processor.js';
import { TransactionalProducers } from './producers.js';

const config = loadNormalizerConfig(process.env);
const logger = createLogger({ service: 'normalizer', level: config.LOG_LEVEL });
const lifecycle = new Lifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }).installSignalHandlers();

const agencies = loadAgencies(config.IPASN_AGENCIES_FILE);
const registry = SchemaRegistry.load();
const kafka = createKafka({
  brokers: config.KAFKA_BROKERS,
  clientId: `${config.KAFKA_CLIENT_ID}-normalizer`,
  logger,
  sasl: kafkaSasl(config),
});
const redis = createRedis({ url: config.REDIS_URL, logger, connectionName: 'ipasn-normalizer' });
const metricsRegistry = createRegistry('normalizer');
const metrics = normalizerMetrics(metricsRegistry);
const topics = topicNames(config.IPASN_TOPIC_PREFIX);
// The namespace prefix covers the consumer group too (as the scorer's): namespaces sharing one
// cluster must not share a group, its members and its committed offsets.
const groupId = `${config.IPASN_TOPIC_PREFIX}${config.NORMALIZER_GROUP_ID}`;
const producers = new TransactionalProducers(kafka, groupId);

const normalizer = new Normalizer({
  kafka,
  groupId,
  topicNames: topics,
  logger,
  refreshMs: config.NORMALIZER_TOPIC_REFRESH_MS,
  chunkSize: config.NORMALIZER_CHUNK_SIZE,
  producers,
  onFatal: (err) => {
    logger.fatal({ err }, 'consumer gave up');
    void lifecycle.shutdown('consumer crashed', 1);
  },
  handler: createProcessor({
    groupId,
    topics,
    agencies: () => agencies,
    registry,
    redis,
    redisPrefix: config.REDIS_PREFIX,
    dedupe: new DedupeStore(redis, `${config.REDIS_PREFIX}dedupe:`, Math.round(config.NORMALIZER_DEDUPE_TTL_DAYS * 86_400)),
    producers,
    metrics,
    logger,
    now: () => new Date(),
  }),
});

const { app } = await startOpsServer({
  host: config.OPS_HOST,
  port: config.NORMALIZER_OPS_PORT,
  logger,
  registry: metricsRegistry,
  portFile: config.PORT_FILE ?? (process.env['IPASN_STATE_DIR'] ? join(process.env['IPASN_STATE_DIR'], 'run', 'normalizer.port') : undefined),
  readiness: { redis: () => redis.status === 'ready', consumer: () => normalizer.running && !lifecycle.shuttingDown },
});

// style.md's order: stop intake → drain in-flight → commit (inside the chunk's transaction) →
// flush producers → quit Redis → close the ops server → flush logs (Lifecycle does the last).
lifecycle
  .onShutdown('stop intake and drain', () => normalizer.stop())
  .onShutdown('close producers', () => producers.closeAll())
  .onShutdown('quit redis', () => closeRedis(redis))
  .onShutdown('close ops server', () => app.close());

await normalizer.start();
logger.info({ topics: normalizer.topics.length, group: groupId }, 'normalizer started');
