#!/usr/bin/env node
/**
 * services/normalizer: agency ingress topics → canonical Avro events on ipasn.events, or dead
 * letters on ipasn.dlq, exactly once. Wiring only: config → adapters → processor.
 */
import { DedupeStore, type EpochGuard } from '@ipasn/redis';
import { serviceRuntime } from '@ipasn/runtime';
import { SchemaRegistry } from '@ipasn/serde';
import { traceChunks } from '@ipasn/tracing';
import { loadAgencyList } from '@ipasn/config';
import { loadNormalizerConfig } from './config.js';
import { normalizerMetrics } from './metrics.js';
import { Normalizer } from './normalizer.js';
import { createProcessor } from './processor.js';
import { TransactionalProducers, withAdmin } from '@ipasn/kafka';

const config = loadNormalizerConfig(process.env);
const rt = serviceRuntime('normalizer', config, { opsPort: config.NORMALIZER_OPS_PORT, opsHost: config.OPS_HOST, portFile: config.PORT_FILE });
const agencies = loadAgencyList(config.IPASN_AGENCIES_FILE);
const redis = rt.redis('dedupe');
const groupId = rt.groupId(config.NORMALIZER_GROUP_ID);
const producers = new TransactionalProducers(rt.kafka, groupId);
/** The epoch guard, once started below (the handler runs only after that). */
const started: { guard?: EpochGuard } = {};

const normalizer = new Normalizer({
  kafka: rt.kafka,
  groupId,
  topicNames: rt.topics,
  logger: rt.logger,
  metrics: rt.metrics,
  refreshMs: config.NORMALIZER_TOPIC_REFRESH_MS,
  chunkSize: config.NORMALIZER_CHUNK_SIZE,
  partitionsConcurrently: config.NORMALIZER_PARTITIONS_CONCURRENTLY,
  producers,
  onFatal: rt.fatal,
  // One CONSUMER span per ingress record when tracing is on (@ipasn/tracing); the handler itself when off.
  handler: traceChunks(createProcessor({
    groupId,
    topics: rt.topics,
    agencies: () => agencies,
    registry: SchemaRegistry.load(),
    redis,
    redisPrefix: config.REDIS_PREFIX,
    dedupe: new DedupeStore(redis, `${config.REDIS_PREFIX}dedupe:`, Math.round(config.NORMALIZER_DEDUPE_TTL_DAYS * 86_400)),
    producers,
    // Set once the guard below has started; the normalizer consumes only after that.
    epoch: { id: () => started.guard?.epoch?.id, onChanged: () => void started.guard?.check() },
    metrics: normalizerMetrics(rt.metrics),
    logger: rt.logger,
    now: () => new Date(),
  }), { group: groupId }),
});

// Redis that came back empty (or was rebuilt under it) lost the dedupe marks: consuming on would
// accept again the later copies of events already accepted. Stop and wait for `ipasn rebuild`,
// which restores them (docs/reliability.md). On a new namespace the first service to start writes
// the marker; whether the group has committed offsets is asked over the ingress topics there are now.
const ingress = (await withAdmin(rt.kafka, (admin) => admin.listTopics())).filter((t) => rt.topics.ingressPattern.test(t));
let consuming = false;
const guard = await rt.watchEpoch({
  redis,
  redisPrefix: config.REDIS_PREFIX,
  groupId,
  topics: ingress,
  // Its dedupe marks are not positions of its input: no applied offsets, no behind check.
  appliedOffsets: false,
  onProblem: async () => {
    if (consuming) await normalizer.stop();
  },
});
started.guard = guard;

// style.md's order: stop intake → drain in-flight → commit (inside the chunk's transaction) →
// flush producers; the runtime then quits Redis, closes the ops server and flushes the logs.
rt.onShutdown('stop intake and drain', () => normalizer.stop());
rt.onShutdown('close producers', () => producers.closeAll());
await rt.startOps({ redis: () => redis.status === 'ready', consumer: () => normalizer.running, 'redis-epoch': () => guard.ok });
if (guard.ok) {
  consuming = true;
  await normalizer.start();
}
rt.logger.info({ topics: normalizer.topics.length, group: groupId }, 'normalizer started');
