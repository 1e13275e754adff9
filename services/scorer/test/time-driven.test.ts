/**
 * Time-driven rescoring through real Kafka, Redis and BullMQ, with the scorer's clock injected (not
 * mocked globally): the clock says it is a few seconds before midnight in Jakarta, the employee's
 * penalty ends and a technical training leaves its 12-month window at that midnight, and the rescore
 * event must arrive without any new input event.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@ipasn/contracts';
import { applyTopics, BatchProducer, createKafka, expandTopics, readTopicFile, type KafkaMessage } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { canonicalEventMessage, topicNames } from '@ipasn/pipeline';
import { KeyedTimers } from '@ipasn/queue';
import { closeRedis, createRedis } from '@ipasn/redis';
import { addMonths, RULE_SETS } from '@ipasn/rules';
import { createRegistry } from '@ipasn/runtime';
import { jakartaMidnight } from '@ipasn/scoring';
import { SchemaRegistry, type ScoreEvent } from '@ipasn/serde';
import { createScorer, scorerMetrics, StateStore } from '../src/index.js';

const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',');
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:16379';
const ns = `t${randomUUID().slice(0, 8)}.`;
const topics = topicNames(ns);
const logger = silentLogger();
const kafka = createKafka({ brokers: BROKERS, clientId: 'scorer-time-test', logger });
const redis = createRedis({ url: REDIS_URL, logger });
const queueRedis = createRedis({ url: REDIS_URL, logger, maxRetriesPerRequest: null });
const registry = SchemaRegistry.load();

beforeAll(async () => {
  await applyTopics(kafka, expandTopics(await readTopicFile(), [], ns));
});
afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topics.events, topics.scores, topics.scoresLatest, topics.dlq] });
  await admin.disconnect();
  const keys = await redis.keys(`${ns}*`);
  if (keys.length > 0) await redis.del(...keys);
  await closeRedis(queueRedis);
  await closeRedis(redis);
});

function event(nip: string, i: number, type: CanonicalEvent['type'], data: CanonicalEvent['data']): CanonicalEvent {
  return { id: `e${i}`, source: '/agencies/4011', agencyCode: '4011', type, nip, time: '2024-01-01T00:00:00.000Z', data } as CanonicalEvent;
}

describe('time-driven rescoring (real Kafka, Redis, BullMQ; injected clock)', () => {
  it('emits a CLOCK rescore when a penalty ends and a training leaves its window, with no new event', async () => {
    // "Today" in Jakarta is D; the injected clock stands 4 s before D+1 00:00 WIB.
    const D = '2025-03-14';
    const tomorrow = '2025-03-15';
    const offset = jakartaMidnight(tomorrow) - 4_000 - Date.now();
    const clock = () => Date.now() + offset;
    const nip = '198501012010011001';
    const events: CanonicalEvent[] = [
      event(nip, 1, 'ipasn.employee.upserted', { name: 'X', employmentType: 'PNS', jobGroup: 'PELAKSANA', requiredEducation: 'S1' }),
      event(nip, 2, 'ipasn.education.recorded', { recordId: 'edu', level: 'S1', graduatedOn: '2008-08-01' }),
      event(nip, 3, 'ipasn.appraisal.recorded', { recordId: 'skp', year: 2024, predicate: 'BAIK' }),
      // Leaves the 12-month window on D+1: (D+1) − 12 months = its completion date.
      event(nip, 4, 'ipasn.training.recorded', { recordId: 'trn', kind: 'TECHNICAL', hours: 24, completedOn: addMonths(tomorrow, -12) }),
      // Runs until D+1 (endsOn is the first day it no longer runs).
      event(nip, 5, 'ipasn.discipline.recorded', { recordId: 'hd', level: 'SEDANG', imposedOn: '2024-09-15', endsOn: tomorrow }),
    ];

    const producer = new BatchProducer(kafka);
    await producer.connect();
    const timers = new KeyedTimers({ connection: queueRedis, queueName: 'ticks', prefix: `${ns}bull`, logger, now: clock });
    const scorer = createScorer({
      topics,
      groupId: `${ns}scorer`,
      registry,
      store: await StateStore.open(redis, ns),
      producer,
      timers,
      ruleSets: Object.values(RULE_SETS),
      metrics: scorerMetrics(createRegistry('scorer-test')),
      logger,
      clock,
    });
    timers.start(async ({ key }) => {
      await scorer.handleTick(key);
    });

    const seen: ScoreEvent[] = [];
    const consumer = kafka.consumer({ groupId: `${ns}reader` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.scores], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(registry.decodeAs('ScoreEvent', message.value!).value);
        await Promise.resolve();
      },
    });

    try {
      const messages = events.map((e, i) => ({ offset: String(i), key: Buffer.from(nip), value: canonicalEventMessage(topics, registry, e).value }) as KafkaMessage);
      await scorer.handleChunk(messages, { topic: topics.events, partition: 0, highWatermark: '5', heartbeat: async () => {}, isActive: () => true });

      const deadline = Date.now() + 30_000;
      while (seen.filter((s) => s.cause.kind === 'CLOCK').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

      const byEvent = seen.filter((s) => s.cause.kind === 'EVENT');
      const byClock = seen.filter((s) => s.cause.kind === 'CLOCK');
      expect(byEvent.map((s) => s.asOf)).toEqual([D, D]);
      expect(byClock.map((s) => [s.ruleSet, s.asOf]).sort()).toEqual([
        ['perban-8-2019', tomorrow],
        ['reformulasi-2024', tomorrow],
      ]);
      const before = new Map(byEvent.map((s) => [s.ruleSet, s]));
      const after = new Map(byClock.map((s) => [s.ruleSet, s]));
      // perban: the technical training no longer counts (−22.5 for a pelaksana); discipline is "worst ever".
      expect(before.get('perban-8-2019')!.dimensions.kompetensi - after.get('perban-8-2019')!.dimensions.kompetensi).toBe(22.5);
      expect(after.get('perban-8-2019')!.dimensions.disiplin).toBe(2);
      // reformulasi: the penalty stopped running (2 → 5) and the JP pro-rata part fell to 0.
      expect(before.get('reformulasi-2024')!.dimensions.disiplin).toBe(2);
      expect(after.get('reformulasi-2024')!.dimensions.disiplin).toBe(5);
      expect(after.get('reformulasi-2024')!.dimensions.kompetensi).toBe(0);
      // A clock tick is a new version of the employee.
      expect(after.get('perban-8-2019')!.version).toBe(before.get('perban-8-2019')!.version + 1);
      expect(after.get('perban-8-2019')!.previousTotal).toBe(before.get('perban-8-2019')!.total);
    } finally {
      await consumer.disconnect();
      await timers.close();
      await producer.close();
    }
  }, 60_000);
});
