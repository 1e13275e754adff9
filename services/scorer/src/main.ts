#!/usr/bin/env node
/**
 * services/scorer: ipasn.events → employee profiles (Redis) → score events under every rule set on
 * ipasn.scores and ipasn.scores.latest, plus time-driven rescoring (BullMQ). Wiring only.
 */
import { BatchProducer, TransactionalProducers } from '@ipasn/kafka';
import { dedupeKey } from '@ipasn/normalize';
import { rescoreRuns, RuleSetStatus, StateStore } from '@ipasn/profiles';
import { KeyedTimers } from '@ipasn/queue';
import { ruleSetsInForce } from '@ipasn/rules/files';
import { holdLimits } from '@ipasn/scoring';
import { serviceRuntime } from '@ipasn/runtime';
import { SchemaRegistry } from '@ipasn/serde';
import { traceChunks } from '@ipasn/tracing';
import { loadScorerConfig } from './config.js';
import { scorerMetrics } from './metrics.js';
import { workRescores } from './rescore.js';
import { createScorer } from './scorer.js';

const config = loadScorerConfig(process.env);
// The rule sets in force: IPASN_RULE_SETS_FILE, else the shipped list (docs/rules.md).
const ruleSets = ruleSetsInForce(config.IPASN_RULE_SETS_FILE);
const rt = serviceRuntime('scorer', config, { opsPort: config.SCORER_OPS_PORT, opsHost: config.OPS_HOST, portFile: config.PORT_FILE });
const redis = rt.redis('state');
// BullMQ blocks on its own connection.
const queueRedis = rt.redis('timers', { blocking: true });
const producer = new BatchProducer(rt.kafka);
await producer.connect();
// Time-driven rescoring, and the end of holds (which a pinned evaluation date does not stop).
const timers = new KeyedTimers({ connection: queueRedis, queueName: 'scorer-ticks', prefix: `${config.REDIS_PREFIX}bull`, logger: rt.logger });
const store = await StateStore.open(redis, config.REDIS_PREFIX);
const groupId = rt.groupId(config.SCORER_GROUP_ID);
// One transactional producer per ipasn.events partition: a chunk's dead letters, score events and
// offsets commit together (transactional ids <group>.<topic>.<partition>, as the normalizer's).
const producers = new TransactionalProducers(rt.kafka, groupId);
const ruleSetStatus = new RuleSetStatus(redis, config.REDIS_PREFIX);
const scorer = createScorer({
  topics: rt.topics,
  // The normalizer's marks: same Redis, same prefix (services/normalizer/src/main.ts).
  forgetMarks: async (events) => {
    await redis.del(...events.map((e) => `${config.REDIS_PREFIX}dedupe:${dedupeKey(e)}`));
  },
  registry: SchemaRegistry.load(),
  store,
  producer,
  transactions: { producers, groupId },
  // Redis records what its states reflect before each chunk's transaction commits (docs/reliability.md).
  beforeCommit: (topic, partition, offset) => epoch.beforeCommit(topic, partition, offset),
  timers,
  ruleSets: ruleSets.all,
  metrics: scorerMetrics(rt.metrics),
  logger: rt.logger,
  clock: Date.now,
  asOf: config.SCORING_AS_OF,
  maxRecords: config.SCORER_MAX_RECORDS,
  hold: holdLimits({ max: config.SCORER_HOLD_MAX, hours: config.SCORER_HOLD_HOURS }),
});

const consumer = rt.consumer({
  groupId,
  topics: [rt.topics.events],
  handler: traceChunks(scorer.handleChunk, { group: groupId }),
  commit: 'none',
  // Commits past transaction markers record the applied offset first, as the chunks do.
  beforeCommit: (topic, partition, offset) => epoch.beforeCommit(topic, partition, offset),
  onAssignment: (assignment) => {
    void producers.retain(assignment);
  },
  chunkSize: config.SCORER_CHUNK_SIZE,
  partitionsConsumedConcurrently: config.SCORER_PARTITIONS_CONCURRENTLY,
});
const runs = rescoreRuns(queueRedis, config.REDIS_PREFIX, rt.logger);
// Redis that came back empty or behind, or was rebuilt under it: stop writing (docs/reliability.md).
let consuming = false;
const epoch = await rt.watchEpoch({
  redis,
  redisPrefix: config.REDIS_PREFIX,
  groupId,
  topics: [rt.topics.events],
  onProblem: async () => {
    if (!consuming) return;
    await consumer.stop();
    await timers.close();
    await runs.close();
  },
});

// And not even the chunk in hand at a flush: states are written only under the marker it started
// with, else the chunk's transaction aborts before scores computed from lost states are emitted.
store.guardEpoch({ id: () => epoch.epoch?.id, onChanged: () => void epoch.check() });

rt.onShutdown('stop intake, drain and commit', () => consumer.stop());
rt.onShutdown('close timers and rescore workers', async () => {
  await timers.close();
  await runs.close();
});
rt.onShutdown('flush producers', async () => {
  await producers.closeAll();
  await producer.close();
});
await rt.startOps({ redis: () => redis.status === 'ready', 'redis-epoch': () => epoch.epochOk, 'redis-behind': () => epoch.behindOk });

// Before any event is applied (on an empty store nothing needs filling in): a rule set, or a version
// of one, the stored employees were never scored under is marked "being computed" (the console shows
// it) until `ipasn rescore --rules <id>` fills it in (docs/runbooks.md, "Add a rule set").
for (const n of await ruleSetStatus.notice(ruleSets.versions, { hasStoredEmployees: await store.hasAny(), now: new Date() })) {
  rt.logger.warn({ ruleSet: n.id, version: n.version, reason: n.reason }, `rule set ${n.id} v${n.version} is not computed for the stored employees: run ipasn rescore --rules ${n.id}`);
}

if (epoch.ok) {
  consuming = true;
  await consumer.start();
  timers.start(async ({ key }) => {
    await scorer.handleTick(key);
  }, config.SCORER_TIMER_CONCURRENCY);
  workRescores(runs, scorer, ruleSets, ruleSetStatus);
}
rt.logger.info({ group: groupId, asOf: config.SCORING_AS_OF ?? 'live', ruleSets: ruleSets.ids, baseline: ruleSets.baseline.id }, 'scorer started');
