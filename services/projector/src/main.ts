#!/usr/bin/env node
/**
 * services/projector: ipasn.scores → agency aggregates in Redis, exactly once in effect (one Lua
 * call per agency touched, idempotent by version). Wiring only: config → adapters → handler.
 */
import { AggregateStore } from '@ipasn/aggregates';
import { serviceRuntime } from '@ipasn/runtime';
import { SchemaRegistry } from '@ipasn/serde';
import { traceChunks } from '@ipasn/tracing';
import { loadProjectorConfig } from './config.js';
import { projectorMetrics } from './metrics.js';
import { createProjector } from './projector.js';

const config = loadProjectorConfig(process.env);
const rt = serviceRuntime('projector', config, { opsPort: config.PROJECTOR_OPS_PORT, opsHost: config.OPS_HOST, portFile: config.PORT_FILE });
const redis = rt.redis('aggregates');
const projector = createProjector({
  store: await AggregateStore.open(redis, config.REDIS_PREFIX),
  registry: SchemaRegistry.load(),
  metrics: projectorMetrics(rt.metrics),
  logger: rt.logger,
  clock: Date.now,
});

let joined = false;
const groupId = rt.groupId(config.PROJECTOR_GROUP_ID);
const consumer = rt.consumer({
  groupId,
  topics: [rt.topics.scores],
  handler: traceChunks(projector.handleChunk, { group: groupId }),
  chunkSize: config.PROJECTOR_CHUNK_SIZE,
  onAssignment: () => {
    joined = true;
  },
  // Redis records what its aggregates reflect before each commit (docs/reliability.md, "Redis that comes back behind").
  beforeCommit: (topic, partition, offset) => epoch.beforeCommit(topic, partition, offset),
});

// Redis that came back empty or behind, or was rebuilt under it: stop writing (docs/reliability.md).
let consuming = false;
const epoch = await rt.watchEpoch({
  redis,
  redisPrefix: config.REDIS_PREFIX,
  groupId,
  topics: [rt.topics.scores],
  onProblem: async () => {
    if (consuming) await consumer.stop();
  },
});

// No producer: stopping the consumer drains the chunk in hand and commits it; the runtime quits Redis after.
rt.onShutdown('stop intake, drain and commit', () => consumer.stop());
await rt.startOps({ redis: () => redis.status === 'ready', consumer: () => joined, 'redis-epoch': () => epoch.epochOk, 'redis-behind': () => epoch.behindOk });
if (epoch.ok) {
  consuming = true;
  await consumer.start();
}
rt.logger.info({ group: groupId, topic: rt.topics.scores, redisPrefix: config.REDIS_PREFIX }, 'projector started');
