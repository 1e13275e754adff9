/**
 * /api/agencies/:code/history and /api/history against real Redis: the projector's samples (written
 * with AggregateStore.recordHistory, as the projector does) read back as charts whose newest point
 * equals the agency and national summaries the other endpoints compute from the sums, and the
 * normalizer's hour buckets (its own recordFreshness) as 7 days of reject rate and freshness.
 */
import { describe } from 'vitest';
import { AggregateStore } from '@ipasn/aggregates';
import { scoreEvent, scoreOf } from '@ipasn/aggregates/testing';
import { recordFreshness } from '@ipasn/pipeline';
import type { ConsoleHandle } from '../src/index.js';
import { getJson, startTestConsole, test } from './fixtures.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const RULES = 'perban-8-2019';

interface Point {
  t: number;
  headcount: number;
  index: number | null;
}
interface Hour {
  t: number;
  accepted: number;
  rejected: number;
  rejectRate: number | null;
  ageSeconds: number | null;
}
interface History {
  agency: string | null;
  rules: string;
  range: string;
  resolution: string;
  stepMs: number;
  points: Point[];
  freshness: Hour[];
}
interface Summary {
  headcount: { total: number };
  index: { ASN: number | null };
}

describe('history API (real Redis)', () => {
  let c: ConsoleHandle;
  const now = Date.now();

  test.beforeAll(async ({ ns, redis }) => {
    const store = await AggregateStore.open(redis, ns.redisPrefix);
    const at = async (t: number, events: Parameters<typeof scoreEvent>[0][]) => {
      const applied = await store.apply(events.map(scoreEvent));
      await store.recordHistory(applied.flatMap((o) => o.legs.map((l) => ({ agencyCode: l.leg.agencyCode, rules: l.leg.rules }))), t);
    };
    await at(now - 5 * HOUR, [{ nip: '199001012020121009', version: 1, agencyCode: '4011', previousAgencyCode: null, score: scoreOf(RULES, [100, 100, 100, 40]) }]);
    await at(now - 3 * HOUR, [{ nip: '199001012020121001', version: 1, agencyCode: '3004', previousAgencyCode: null, score: scoreOf(RULES, [60, 90, 100, 20]) }]);
    await at(now - 90 * MIN, [{ nip: '199001012020121002', version: 1, agencyCode: '3004', previousAgencyCode: null, employmentType: 'PPPK', score: scoreOf(RULES, [100, 90, 120, 20]) }]);
    await at(now - 10 * MIN, [{ nip: '199001012020121001', version: 2, agencyCode: '3004', score: scoreOf(RULES, [80, 90, 100, 20]) }]);
    const p = redis.pipeline();
    recordFreshness(p, ns.redisPrefix, '3004', { accepted: 9, rejected: 1 }, now - 2 * HOUR);
    recordFreshness(p, ns.redisPrefix, '3004', { accepted: 3 }, now - 20 * MIN);
    recordFreshness(p, ns.redisPrefix, '4011', { rejected: 4 }, now - 2 * HOUR);
    await p.exec();
    c = await startTestConsole(ns, { SCORING_AS_OF: '2025-06-30' });
  });
  test.afterAll(async () => {
    await c?.close();
  });

  test("an agency's index and headcount over 24 h per minute end at its summary now", async ({ expect }) => {
    const { status, body } = await getJson<History>(c, `/api/agencies/3004/history?rules=${RULES}&range=24h`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ agency: '3004', rules: RULES, range: '24h', resolution: 'minute', stepMs: MIN });
    expect(body.points.length).toBeGreaterThanOrEqual(1440);
    expect(body.points.length).toBeLessThanOrEqual(1441);
    const summary = (await getJson<Summary>(c, `/api/agencies/3004?rules=${RULES}`)).body;
    expect(body.points.at(-1)).toMatchObject({ headcount: summary.headcount.total, index: summary.index.ASN });
    expect(summary.headcount.total).toBe(2);
    // Before the first sample nobody was counted; between samples the last one holds.
    expect(body.points[0]).toMatchObject({ headcount: 0, index: null });
    const at = (t: number) => body.points.filter((p) => p.t <= t).at(-1);
    expect(at(now - 2 * HOUR)).toMatchObject({ headcount: 1, index: 67.5 });
    expect(at(now - 60 * MIN)).toMatchObject({ headcount: 2, index: 75 });
    expect(body.points.at(-1)).toMatchObject({ headcount: 2, index: 77.5 });
  });

  test('7 days per hour, and 7 days of reject rate and freshness', async ({ expect }) => {
    const { body } = await getJson<History>(c, `/api/agencies/3004/history?rules=${RULES}&range=7d`);
    expect(body).toMatchObject({ resolution: 'hour', stepMs: HOUR });
    expect(body.points.length).toBeGreaterThanOrEqual(168);
    expect(body.points.at(-1)?.headcount).toBe(2);
    expect(body.freshness).toHaveLength(168);
    const hourOf = (t: number) => body.freshness.find((h) => h.t === t - (t % HOUR));
    expect(hourOf(now - 2 * HOUR)).toMatchObject({ accepted: 9, rejected: 1, rejectRate: 0.1 });
    // The last accepted event was 20 minutes ago.
    const last = body.freshness.at(-1)!;
    expect(last.ageSeconds).toBeGreaterThanOrEqual(20 * 60);
    expect(last.ageSeconds).toBeLessThan(30 * 60);
    expect(body.freshness.filter((h) => h.accepted + h.rejected === 0).every((h) => h.rejectRate === null)).toBe(true);
  });

  test('the national series adds the agencies up and ends at the national rollup', async ({ expect }) => {
    const { body } = await getJson<History>(c, `/api/history?rules=${RULES}&range=24h`);
    expect(body.agency).toBeNull();
    const nat = (await getJson<{ rollups: (Summary & { rules: string })[] }>(c, '/api/national')).body.rollups.find((r) => r.rules === RULES)!;
    expect(body.points.at(-1)).toMatchObject({ headcount: nat.headcount.total, index: nat.index.ASN });
    expect(nat.headcount.total).toBe(3);
    const hour = body.freshness.find((h) => h.t === now - 2 * HOUR - ((now - 2 * HOUR) % HOUR));
    expect(hour).toMatchObject({ accepted: 9, rejected: 5, rejectRate: 5 / 14 });
  });

  test('refuses an unknown agency, an unknown range, and nobody signed in', async ({ expect }) => {
    expect((await getJson(c, '/api/agencies/9999/history')).status).toBe(404);
    expect((await getJson(c, '/api/agencies/3004/history?range=2w')).status).toBe(400);
    expect((await getJson(c, '/api/history?rules=nope')).status).toBe(400);
    expect((await getJson(c, '/api/history', 'anonymous')).status).toBe(401);
    expect((await getJson(c, '/api/history', 'viewer')).status).toBe(200);
  });
});
