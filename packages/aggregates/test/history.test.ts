/**
 * history-4.lua against the real Redis, and the carry-forward of history.ts: the samples follow the
 * sums, replays rewrite the same samples, retention is bounded, and the aggregates (verify's keys,
 * drop) never see the history keys.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig, redisConnection } from '@ipasn/config';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis } from '@ipasn/redis';
import { AggregateStore, alignedPoints, deleteMatching, escapeGlob, historyKey, RESOLUTIONS, type HistorySample } from '../src/index.js';
import { scoreEvent, scoreOf } from '../src/testing.js';

const redis = createRedis({ ...redisConnection(loadConfig(process.env)), logger: silentLogger(), connectionName: 'aggregates-history-test' });
afterAll(() => closeRedis(redis));

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

async function freshStore(): Promise<AggregateStore> {
  const prefix = `test-${randomUUID()}:`;
  onTestFinished(async () => {
    await deleteMatching(redis, `${escapeGlob(prefix)}*`);
  });
  return AggregateStore.open(redis, prefix);
}

const touched = [{ agencyCode: '3004', rules: 'perban-8-2019' }];

describe('agency history (real Redis)', () => {
  it('samples the sums per minute, hour and day; a bucket keeps its last state; a replay writes the same', async () => {
    const store = await freshStore();
    // 80 quarter points = 20.00 each.
    const s20 = scoreOf('perban-8-2019', [20, 20, 20, 20]);
    const s40 = scoreOf('perban-8-2019', [40, 40, 40, 40]);
    await store.apply([scoreEvent({ nip: 'a', version: 1, agencyCode: '3004', previousAgencyCode: null, score: s20 })]);
    await store.recordHistory(touched, T0 + 5_000);
    await store.apply([scoreEvent({ nip: 'b', version: 1, agencyCode: '3004', previousAgencyCode: null, score: s40, employmentType: 'PPPK' })]);
    await store.recordHistory([...touched, ...touched], T0 + 30_000);
    await store.apply([scoreEvent({ nip: 'a', version: 2, agencyCode: '3004', score: s40 })]);
    await store.recordHistory(touched, T0 + 2 * MIN + 1);

    const m = await store.readHistory('3004', 'perban-8-2019', 'minute', T0 - HOUR);
    expect(m.before).toBeNull();
    expect(m.samples).toEqual<HistorySample[]>([
      { t: T0, PNS: { n: 1, totalQ: 80 }, PPPK: { n: 1, totalQ: 160 } },
      { t: T0 + 2 * MIN, PNS: { n: 1, totalQ: 160 }, PPPK: { n: 1, totalQ: 160 } },
    ]);
    const h = await store.readHistory('3004', 'perban-8-2019', 'hour', T0 - DAY);
    expect(h.samples).toEqual([{ t: T0, PNS: { n: 1, totalQ: 160 }, PPPK: { n: 1, totalQ: 160 } }]);
    const d = await store.readHistory('3004', 'perban-8-2019', 'day', T0 - 30 * DAY);
    expect(d.samples.map((x) => x.t)).toEqual([T0 - (T0 % DAY)]);

    // A replay of the same chunk (stale results, same sums) writes the same samples.
    const before = await redis.zrange(historyKey(store.prefix, '3004', 'perban-8-2019', 'minute'), 0, -1);
    await store.apply([scoreEvent({ nip: 'a', version: 2, agencyCode: '3004', score: s40 })]);
    await store.recordHistory(touched, T0 + 2 * MIN + 30_000);
    expect(await redis.zrange(historyKey(store.prefix, '3004', 'perban-8-2019', 'minute'), 0, -1)).toEqual(before);
  });

  it('keeps each series within its retention, and the key expires with it', async () => {
    const store = await freshStore();
    await store.apply([scoreEvent({ nip: 'a', version: 1, agencyCode: '3004', previousAgencyCode: null })]);
    for (let i = 0; i < 30; i++) await store.recordHistory(touched, T0 + i * HOUR);
    const minuteKey = historyKey(store.prefix, '3004', 'perban-8-2019', 'minute');
    const hourKey = historyKey(store.prefix, '3004', 'perban-8-2019', 'hour');
    // 30 hourly writes: the minute series keeps the last 24 h of them, the hour series all 30.
    const minutes = (await redis.zrange(minuteKey, 0, -1, 'WITHSCORES')).filter((_x, i) => i % 2 === 1).map(Number);
    expect(minutes).toHaveLength(25);
    expect(Math.min(...minutes)).toBe(T0 + 5 * HOUR);
    expect(await redis.zcard(hourKey)).toBe(30);
    const ttl = await redis.pttl(minuteKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(RESOLUTIONS.minute.keepMs);
    for (let i = 0; i < 12; i++) await store.recordHistory(touched, T0 + 30 * HOUR + i * DAY);
    expect(await redis.zcard(hourKey)).toBe(1 + 8); // 8 days of buckets at most, plus the current one
  });

  it('is not an aggregate: drop() and the agency scan leave it alone', async () => {
    const store = await freshStore();
    await store.apply([scoreEvent({ nip: 'a', version: 1, agencyCode: '3004', previousAgencyCode: null })]);
    await store.recordHistory(touched, T0);
    expect(await store.drop()).toBeGreaterThan(0);
    expect(await redis.exists(historyKey(store.prefix, '3004', 'perban-8-2019', 'day'))).toBe(1);
    expect(await store.scanAgencies()).toEqual([]);
  });

  it('finds the state before the window in a coarser series that ended by then', async () => {
    const store = await freshStore();
    await store.apply([scoreEvent({ nip: 'a', version: 1, agencyCode: '3004', previousAgencyCode: null })]);
    await store.recordHistory(touched, T0 - 3 * DAY);
    const r = await store.readHistory('3004', 'perban-8-2019', 'minute', T0 - HOUR);
    expect(r.samples).toEqual([]);
    // The hour series still holds it (8 days), so that is where it comes from.
    expect(r.before?.t).toBe(T0 - 3 * DAY);
    const h = await store.readHistory('3004', 'perban-8-2019', 'hour', T0 - HOUR);
    expect(h.before?.t).toBe(T0 - 3 * DAY);
  });
});

describe('alignedPoints', () => {
  const s = (t: number, n: number, totalQ: number): HistorySample => ({ t, PNS: { n, totalQ }, PPPK: { n: 0, totalQ: 0 } });

  it('carries the last sample forward and adds agencies up', () => {
    const a = { before: s(T0 - 10 * MIN, 2, 400), samples: [s(T0 + 2 * MIN, 3, 900)] };
    const b = { before: null, samples: [s(T0 + MIN, 1, 100)] };
    expect(alignedPoints([a, b], T0, T0 + 3 * MIN, MIN)).toEqual([
      { t: T0, headcount: 2, index: 50 },
      { t: T0 + MIN, headcount: 3, index: 41.67 },
      { t: T0 + 2 * MIN, headcount: 4, index: 62.5 },
      { t: T0 + 3 * MIN, headcount: 4, index: 62.5 },
    ]);
  });

  it('has no index where nobody is counted', () => {
    expect(alignedPoints([{ before: null, samples: [] }], T0, T0 + MIN, MIN)).toEqual([
      { t: T0, headcount: 0, index: null },
      { t: T0 + MIN, headcount: 0, index: null },
    ]);
  });
});
