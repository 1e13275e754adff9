/**
 * Freshness against real Redis and Kafka: the normalizer's counters (written with its own function),
 * stale flags set by the BullMQ job scheduler (not called by hand), `ipasn_agency_stale` on
 * /metrics, and consumer-group lag in messages and seconds from the oldest unconsumed message.
 */
import { describe, expect, it } from 'vitest';
import { Agencies } from '@ipasn/contracts';
import { BatchProducer, withAdmin } from '@ipasn/kafka';
import { recordFreshness } from '@ipasn/pipeline';
import { DAY_MS, evaluateStale, type ConsoleHandle, type GroupLagView } from '../src/index.js';
import { AGENCIES, createTopics, getJson, startTestConsole, test, until } from './fixtures.js';

describe('evaluateStale (pure)', () => {
  const now = Date.parse('2025-06-30T10:00:00Z');
  it.each([
    { name: 'never accepted anything', last: null, cadence: 7, stale: true, since: null },
    { name: 'accepted an hour ago', last: now - 3_600_000, cadence: 7, stale: false, since: null },
    { name: 'exactly at the end of the cadence', last: now - 7 * DAY_MS, cadence: 7, stale: false, since: null },
    { name: 'one ms past the cadence', last: now - 7 * DAY_MS - 1, cadence: 7, stale: true, since: now - 1 },
    { name: 'a 1-day cadence after 2 days', last: now - 2 * DAY_MS, cadence: 1, stale: true, since: now - DAY_MS },
    { name: 'a 30-day cadence after 20 days', last: now - 20 * DAY_MS, cadence: 30, stale: false, since: null },
  ])('$name → stale $stale', ({ last, cadence, stale, since }) => {
    const f = evaluateStale(last, cadence, now);
    expect(f).toEqual({ stale, since, lastAcceptedAt: last, cadenceDays: cadence, checkedAt: now });
  });
});

describe('freshness, stale agencies and lag (real Redis, Kafka, BullMQ)', () => {
  test('the job scheduler marks agencies stale against their cadence; the API and /metrics show it', async ({ ns, redis, expect }) => {
    const now = Date.now();
    // 6406 gets a 1-day cadence from the agency list in force.
    const list = Agencies.parse({ ...AGENCIES.list, agencies: AGENCIES.list.agencies.map((a) => (a.code === '6406' ? { ...a, cadenceDays: 1 } : a)) });
    const p = redis.pipeline();
    recordFreshness(p, ns.redisPrefix, '3004', { accepted: 2 }, now - 5 * 3_600_000);
    recordFreshness(p, ns.redisPrefix, '3004', { accepted: 40, rejected: 3, duplicates: 1 }, now - 60_000);
    recordFreshness(p, ns.redisPrefix, '6171', { accepted: 5 }, now - 8 * DAY_MS);
    recordFreshness(p, ns.redisPrefix, '6406', { accepted: 5 }, now - 2 * DAY_MS);
    recordFreshness(p, ns.redisPrefix, '6500', { accepted: 5 }, now - 6 * DAY_MS);
    await p.exec();

    const c: ConsoleHandle = await startTestConsole(ns, { CONSOLE_STALE_CHECK_MS: '1000' }, { agencies: list });
    try {
      // The scheduler's runs write the flags; wait for one that saw the data above.
      const flags = await until('stale flags from the scheduled job', async () => {
        const f = await c.staleStore.read();
        return f.size === list.all.length ? f : undefined;
      });
      expect(flags.get('3004')?.stale).toBe(false);
      expect(flags.get('6500')?.stale).toBe(false);
      expect(flags.get('6171')).toMatchObject({ stale: true, since: now - 8 * DAY_MS + 7 * DAY_MS, cadenceDays: 7 });
      expect(flags.get('6406')).toMatchObject({ stale: true, cadenceDays: 1 });
      expect(flags.get('4011')).toMatchObject({ stale: true, since: null, lastAcceptedAt: null });
      const scheduler = await until('a second scheduled run', async () => {
        const again = await c.staleStore.read();
        const t = again.get('3004')?.checkedAt ?? 0;
        return t > (flags.get('3004')?.checkedAt ?? 0) ? t : undefined;
      });
      expect(scheduler).toBeGreaterThan(now);

      const { body } = await getJson<{ staleCheck: { everyMs: number; nextRunAt: string | null }; agencies: { code: string; stale: boolean; lastHour: Record<string, number>; lastDay: Record<string, number>; secondsSinceLastAccepted: number | null; staleSince: string | null }[] }>(c, '/api/freshness');
      expect(body.staleCheck.everyMs).toBe(1000);
      expect(body.staleCheck.nextRunAt).not.toBeNull();
      const byCode = new Map(body.agencies.map((a) => [a.code, a]));
      expect(byCode.get('3004')).toMatchObject({ stale: false, lastHour: { accepted: 40, rejected: 3, duplicates: 1 }, lastDay: { accepted: 42, rejected: 3, duplicates: 1 } });
      expect(byCode.get('3004')?.secondsSinceLastAccepted).toBeGreaterThanOrEqual(60);
      expect(byCode.get('6171')).toMatchObject({ stale: true, staleSince: new Date(now - DAY_MS).toISOString() });
      expect(byCode.get('4011')?.secondsSinceLastAccepted).toBeNull();

      const list2 = await getJson<{ agencies: { code: string; freshness: { stale: boolean } }[] }>(c, '/api/agencies');
      expect(list2.body.agencies.filter((a) => a.freshness.stale).map((a) => a.code).sort()).toEqual([...flags].filter(([, f]) => f.stale).map(([k]) => k).sort());

      const metrics = await (await fetch(`${c.url}/metrics`)).text();
      expect(metrics).toMatch(/^ipasn_agency_stale\{agency="6171",service="console"\} 1$/mu);
      expect(metrics).toMatch(/^ipasn_agency_stale\{agency="3004",service="console"\} 0$/mu);
      expect(metrics).toMatch(/^ipasn_console_stale_checks_total\{service="console"\} [1-9]/mu);
    } finally {
      await c.close();
    }
  });

  test('lag per group and partition, in messages and in seconds from the oldest unconsumed message', async ({ ns, kafka, expect }) => {
    await createTopics(kafka, ns, ['3004']);
    const producer = new BatchProducer(kafka);
    await producer.connect();
    const topic = ns.topics.ingress('3004');
    await producer.send(Array.from({ length: 10 }, (_, i) => ({ topic, key: null, value: Buffer.from(`{"n":${i}}`), partition: 1 })));
    const sentAt = Date.now();
    await producer.close();

    // The console's clock runs 2 minutes ahead: the oldest unconsumed message is ~120 s old to it.
    const skew = 120_000;
    const c = await startTestConsole(ns, {}, { clock: () => Date.now() + skew });
    try {
      const lagOf = async () => (await getJson<{ lag: { error: string | null; groups: GroupLagView[] } }>(c, '/api/freshness')).body.lag;
      let lag = await lagOf();
      expect(lag.error).toBeNull();
      let g = lag.groups.find((x) => x.service === 'normalizer')!;
      expect(g.groupId).toBe(ns.normalizerGroup);
      expect(g.topics).toEqual([topic]);
      expect(g.totalLag).toBe(10);
      const p1 = g.partitions.find((p) => p.partition === 1)!;
      expect(p1).toMatchObject({ committed: null, end: 10, lag: 10 });
      expect(p1.lagSeconds).toBeGreaterThanOrEqual(skew / 1000 - 1);
      expect(p1.lagSeconds).toBeLessThanOrEqual((Date.now() + skew - sentAt) / 1000 + 5);
      expect(g.partitions.filter((p) => p.partition !== 1).every((p) => p.lag === 0 && p.lagSeconds === 0)).toBe(true);
      // The scorer and projector topics exist only through the prefix: their groups read nothing yet.
      expect(lag.groups.map((x) => x.service)).toEqual(['normalizer', 'scorer', 'projector']);

      // The group commits 7 of the 10: lag 3, measured from the message at offset 7.
      await withAdmin(kafka, (admin) => admin.setGroupOffsets(ns.normalizerGroup, topic, [{ partition: 1, offset: '7' }]));
      lag = await lagOf();
      g = lag.groups.find((x) => x.service === 'normalizer')!;
      expect(g.partitions.find((p) => p.partition === 1)).toMatchObject({ committed: 7, lag: 3 });
      expect(g.maxLagSeconds).toBeGreaterThanOrEqual(skew / 1000 - 1);

      const metrics = await (await fetch(`${c.url}/metrics`)).text();
      expect(metrics).toContain(`ipasn_consumergroup_lag{group="${ns.normalizerGroup}",topic="${topic}",partition="1",service="console"} 3`);
      expect(metrics).toMatch(new RegExp(`^ipasn_consumergroup_lag_seconds\\{group="${ns.normalizerGroup}",topic="${topic.replace(/\./gu, '\\.')}",partition="1",service="console"\\} 1[12]\\d`, 'mu'));
    } finally {
      await c.close();
      await withAdmin(kafka, (admin) => admin.deleteGroups([ns.normalizerGroup])).catch(() => undefined);
    }
  });
});
