/**
 * `ipasn rebuild` restores the normalizer's dedupe marks (marks.ts) from the events it replays,
 * against the real Kafka and Redis: accepted events get a `rebuilt:` mark with the rest of the
 * normalizer's TTL, the normalizer's own marks are kept, events the scorer rejects end with none
 * (a corrected resend accepted after the reject keeps its own), events older than the TTL get none.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@ipasn/contracts';
import { kafkaConnection, loadConfig, redisConnection } from '@ipasn/config';
import { applyTopics, BatchProducer, createKafka, withAdmin } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { canonicalEventMessage, topicNames } from '@ipasn/pipeline';
import { closeRedis, createRedis } from '@ipasn/redis';
import { SchemaRegistry } from '@ipasn/serde';
import { MarkRestore, rebuild } from '../src/index.js';

const DAY_MS = 86_400_000;
const ns = `test-${randomUUID().slice(0, 8)}.`;
const topics = topicNames(ns);
const logger = silentLogger();
const config = loadConfig(process.env);
const kafka = createKafka({ ...kafkaConnection(config), clientId: 'ops-marks-test', logger });
const redis = createRedis({ ...redisConnection(config), logger, connectionName: 'ops-marks-test' });
const registry = SchemaRegistry.load();
const N1 = '198501012010011001';
const N2 = '199002022015022002';
const SOURCE = '/agencies/3004';

function ev<T extends CanonicalEvent['type']>(id: string, nip: string, type: T, data: Extract<CanonicalEvent, { type: T }>['data']): CanonicalEvent {
  return { id, source: SOURCE, agencyCode: '3004', type, nip, time: '2025-01-01T00:00:00.000Z', data } as CanonicalEvent;
}
const mark = (id: string): string => `${ns}dedupe:${SOURCE}|${id}`;

beforeAll(async () => {
  await applyTopics(kafka, [
    { name: topics.events, partitions: 1, config: {} },
    { name: topics.scoresLatest, partitions: 1, config: {} },
    // The rebuild reads ipasn.scores' end offsets (the applied offsets of the aggregates).
    { name: topics.scores, partitions: 1, config: {} },
  ]);
});

afterAll(async () => {
  await withAdmin(kafka, (admin) => admin.deleteTopics([topics.events, topics.scoresLatest, topics.scores]));
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${ns}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  await closeRedis(redis);
});

describe('dedupe marks restored by ipasn rebuild (real Kafka and Redis)', () => {
  it('marks every accepted replayed event, keeps the normalizer’s own marks, leaves none for rejected events', async () => {
    const producer = new BatchProducer(kafka);
    await producer.connect();
    // One send per step: each step's records carry a later timestamp (the ingestion time) than the last.
    const steps: CanonicalEvent[][] = [
      [ev('a', N1, 'ipasn.employee.upserted', { name: 'A', employmentType: 'PNS', jobGroup: 'PELAKSANA', requiredEducation: 'S1' }), ev('b', N1, 'ipasn.education.recorded', { recordId: 'p1', level: 'S1', graduatedOn: '2010-01-01' })],
      // c: UNKNOWN_RECORD; d: accepted now, its later copy d is rejected (the live scorer deletes the mark then).
      [ev('c', N1, 'ipasn.record.retracted', { recordId: 'nope' }), ev('d', N2, 'ipasn.employee.upserted', { name: 'B', employmentType: 'PPPK', jobGroup: 'PELAKSANA' })],
      [ev('d', N2, 'ipasn.record.retracted', { recordId: 'nope' }), ev('e', N1, 'ipasn.record.retracted', { recordId: 'nope-either' })],
      // e again, corrected and accepted after the reject: its mark stays.
      [ev('e', N1, 'ipasn.training.recorded', { recordId: 't1', kind: 'TECHNICAL', hours: 8, completedOn: '2024-07-01' })],
    ];
    for (const step of steps) {
      await producer.send(step.map((e) => canonicalEventMessage(topics, registry, e)));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await producer.close();
    // The normalizer's own mark (the first copy's ingress coordinates) survived: it is kept.
    await redis.set(mark('b'), `${ns}ipasn.ingress.3004/0/17`, 'EX', 3600);

    const before = Date.now();
    const result = await rebuild({ kafka, redis, topicPrefix: ns, redisPrefix: ns, asOf: '2025-06-30', chunkSize: 2 });
    expect(result.states).toMatchObject({ events: 7, rejected: 3 });
    expect(result.marks).toEqual({ restored: 3, moved: 0, present: 1, expired: 0, forgotten: 1 });

    const values = await redis.mget(['a', 'b', 'c', 'd', 'e'].map(mark));
    expect(values[0]).toMatch(/^rebuilt:\d+$/u);
    expect(values[1]).toBe(`${ns}ipasn.ingress.3004/0/17`);
    expect(values[2]).toBeNull();
    expect(values[3]).toBeNull();
    expect(values[4]).toMatch(/^rebuilt:\d+$/u);
    // The accepted copy's ingestion time, after the rejected one's.
    expect(Number(values[4]!.slice('rebuilt:'.length))).toBeGreaterThan(Number(values[0]!.slice('rebuilt:'.length)));
    // The normalizer's TTL (8 days by default) from the ingestion time: at most 8 days left.
    const ttl = await redis.pttl(mark('a'));
    expect(ttl).toBeLessThanOrEqual(8 * DAY_MS - (before - Number(values[0]!.slice('rebuilt:'.length))));
    expect(ttl).toBeGreaterThan(7 * DAY_MS);
  });

  it('gives the TTL left since ingestion, none to events older than it, and moves a mark to a newer copy', async () => {
    const now = Date.UTC(2026, 0, 10);
    const restore = new MarkRestore(redis, `${ns}x.`, { ttlDays: 8, now: () => now });
    const at = (id: string, ingestedAt: number, offset: number) => ({ event: { source: SOURCE, id }, ingestedAt, partition: 0, offset });
    await restore.chunk([at('old', now - 9 * DAY_MS, 0), at('recent', now - 1 * DAY_MS, 1), at('twice', now - 3 * DAY_MS, 2)], []);
    await restore.chunk([at('twice', now - 2 * DAY_MS, 3), at('rejected', now - DAY_MS, 4)], [at('rejected', now - DAY_MS, 4)]);
    expect(await restore.finish()).toEqual({ restored: 2, moved: 1, present: 0, expired: 1, forgotten: 0 });
    const key = (id: string): string => `${ns}x.dedupe:${SOURCE}|${id}`;
    expect(await redis.exists(key('old'), key('rejected'))).toBe(0);
    expect(await redis.get(key('twice'))).toBe(`rebuilt:${now - 2 * DAY_MS}`);
    // 7 days left for `recent` (8 − 1), 6 for `twice` (8 − 2), less the time the test took.
    const [recent, twice] = [await redis.pttl(key('recent')), await redis.pttl(key('twice'))];
    expect(recent).toBeLessThanOrEqual(7 * DAY_MS);
    expect(recent).toBeGreaterThan(6 * DAY_MS);
    expect(twice).toBeLessThanOrEqual(6 * DAY_MS);
    expect(twice).toBeGreaterThan(5 * DAY_MS);
  });
});
