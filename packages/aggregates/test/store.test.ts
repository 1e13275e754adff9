/**
 * apply-3.lua against the real Redis: the aggregates equal a batch recompute (rules'
 * aggregateByAgency) of the latest scores, however often and in whatever order the score events
 * arrive.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { RuleSetId } from '@ipasn/contracts';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis } from '@ipasn/redis';
import { aggregateByAgency, SHIPPED_RULE_SETS } from '@ipasn/rules';
import type { ScoreEvent } from '@ipasn/serde';
import { AggregateStore, agencyIndexKey, agencyKeys, deleteMatching, escapeGlob } from '../src/index.js';
import { rng, scoredRows, scoreEvent, scoreOf, simulate } from '../src/testing.js';
import { loadConfig, redisConnection } from '@ipasn/config';

const REDIS = redisConnection(loadConfig(process.env));

const redis = createRedis({ ...REDIS, logger: silentLogger(), connectionName: 'aggregates-store-test' });
afterAll(() => closeRedis(redis));

async function freshStore(): Promise<AggregateStore> {
  const prefix = `test-${randomUUID()}:`;
  onTestFinished(async () => {
    await deleteMatching(redis, `${escapeGlob(prefix)}*`);
  });
  return AggregateStore.open(redis, prefix);
}

function expected(final: readonly ScoreEvent[], rules: RuleSetId) {
  return aggregateByAgency(scoredRows(final)).filter((s) => s.rules === rules);
}

async function applyInChunks(store: AggregateStore, events: readonly ScoreEvent[], size: number): Promise<void> {
  for (let i = 0; i < events.length; i += size) await store.apply(events.slice(i, i + size));
}

describe('AggregateStore.apply (real Redis)', () => {
  it('equals aggregateByAgency of the latest scores for any order and any number of deliveries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 200 }), async (seed, chunk) => {
        const store = await (async () => {
          const prefix = `test-${randomUUID()}:`;
          return { prefix, store: await AggregateStore.open(redis, prefix) };
        })();
        try {
          const { events, final } = simulate(seed, 25, 8);
          // Every event at least once, some up to three times, all shuffled.
          const r = rng(seed ^ 0x5bd1e995);
          const deliveries = events.flatMap((e) => (r() < 0.3 ? [e, e, e] : r() < 0.5 ? [e, e] : [e]));
          for (let i = deliveries.length - 1; i > 0; i--) {
            const j = Math.floor(r() * (i + 1));
            [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
          }
          await applyInChunks(store.store, deliveries, chunk);
          for (const rules of SHIPPED_RULE_SETS.ids) expect(await store.store.readAll(rules)).toEqual(expected(final, rules));
        } finally {
          await deleteMatching(redis, `${escapeGlob(store.prefix)}*`);
        }
      }),
      { numRuns: 15 },
    );
  }, 60_000);

  it('reports stale, added, replaced, removed and tombstoned per leg', async () => {
    const store = await freshStore();
    const nip = '198501012010011001';
    const s = (v: number, extra: Partial<Parameters<typeof scoreEvent>[0]> = {}) =>
      scoreEvent({ nip, rules: 'perban-8-2019', version: v, agencyCode: '3004', score: scoreOf('perban-8-2019', [40, 40, 40, 20]), ...extra });
    const results = async (e: ScoreEvent) => (await store.apply([e]))[0]!.legs.map((l) => `${l.leg.agencyCode}:${l.result}`);
    expect(await results(s(1, { previousAgencyCode: null }))).toEqual(['3004:added']);
    expect(await results(s(1, { previousAgencyCode: null }))).toEqual(['3004:stale']);
    expect(await results(s(2))).toEqual(['3004:replaced']);
    expect(await results(s(3, { agencyCode: '4011', previousAgencyCode: '3004' }))).toEqual(['3004:removed', '4011:added']);
    expect(await results(s(4, { agencyCode: '4011', previousAgencyCode: '4011', status: 'REMOVED' }))).toEqual(['4011:removed']);
    expect(await results(s(2))).toEqual(['3004:stale']);
    expect(await results(s(5, { agencyCode: '7672', previousAgencyCode: '3004' }))).toEqual(['3004:tombstoned', '7672:added']);
    expect(await store.entry('3004', 'perban-8-2019', nip)).toEqual({ kind: 'tombstone', version: 5 });
    expect(await store.agencies()).toEqual(['3004', '4011', '7672']);
    // SCAN finds aggregates whatever the index says (verify compares both).
    await redis.srem(agencyIndexKey(store.prefix), '7672');
    expect(await store.agencies()).toEqual(['3004', '4011']);
    expect(await store.scanAgencies()).toEqual(['3004', '4011', '7672']);
    expect((await store.readAllSums('perban-8-2019', { scan: true })).map((r) => r.agencyCode)).toEqual(['3004', '4011', '7672']);
    await redis.sadd(agencyIndexKey(store.prefix), '7672');
    expect((await store.readAll('perban-8-2019')).map((a) => [a.agencyCode, a.headcount.total])).toEqual([['7672', 1]]);
    expect(await store.readAgency('3004', 'perban-8-2019')).toBeNull();
    // Emptied sums leave no key behind.
    expect(await redis.exists(agencyKeys(store.prefix, '3004', 'perban-8-2019').sums)).toBe(0);
  });

  it('keeps the newest event and score times per agency, by cause', async () => {
    const store = await freshStore();
    const base = { nip: '198501012010011001', rules: 'perban-8-2019' as const, agencyCode: '3004', score: scoreOf('perban-8-2019', [40, 40, 40, 20]) };
    await store.apply([scoreEvent({ ...base, version: 1, computedAt: 1000 }), scoreEvent({ ...base, version: 2, computedAt: 2000, cause: 'CLOCK' })]);
    expect(await store.meta('3004')).toEqual({ lastEventAt: 1000, lastScoredAt: 2000 });
    // A stale redelivery moves nothing.
    await store.apply([scoreEvent({ ...base, version: 1, computedAt: 9000 })]);
    expect(await store.meta('3004')).toEqual({ lastEventAt: 1000, lastScoredAt: 2000 });
    expect(await store.meta('4011')).toEqual({ lastEventAt: null, lastScoredAt: null });
  });

  it('skips a score event it cannot project without touching Redis', async () => {
    const store = await freshStore();
    const e = { ...scoreEvent({ nip: '198501012010011001', rules: 'perban-8-2019', version: 1, agencyCode: '3004', score: scoreOf('perban-8-2019', [40, 40, 40, 20]) }), total: 1.1 };
    expect((await store.apply([e]))[0]).toMatchObject({ invalid: 'not quarter points', legs: [] });
    expect(await store.agencies()).toEqual([]);
  });
});
