/**
 * The agency, national and pilot endpoints against real Redis: aggregates written through
 * packages/aggregates (the projector's Lua) from `ipasn score`'s per-employee lines, compared with
 * `ipasn score --by-agency` for the same events and evaluation date.
 */
import { describe, expect } from 'vitest';
import type { RuleSetId } from '@ipasn/contracts';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis } from '@ipasn/redis';
import { RuleSetStatus } from '@ipasn/profiles';
import { categoryOf, getRuleSet, roundHalfUp2, SHIPPED_RULE_SETS, type AgencySummary } from '@ipasn/rules';
import type { ConsoleHandle } from '../src/index.js';
import { AGENCIES, CONSOLE_REDIS_PASSWORD, fetchAs, getJson, loadDataset, PILOT_CODES, REDIS_URL, startTestConsole, test, type Dataset } from './fixtures.js';

const AS_OF = '2025-06-30';

type Detail = AgencySummary & { freshness: Record<string, unknown> };

describe('console API over real aggregates', () => {
  let c: ConsoleHandle;
  let data: Dataset;

  test.beforeAll(async ({ ns, redis, tmp }) => {
    data = await loadDataset(redis, ns.redisPrefix, { seed: 'console-api', employees: 400, asOf: AS_OF, dir: tmp });
    c = await startTestConsole(ns, { SCORING_AS_OF: AS_OF });
  });
  test.afterAll(async () => {
    await c?.close();
  });

  test('GET /api/agencies/:code?rules= is exactly the `ipasn score --by-agency` line, plus freshness', async () => {
    expect(data.byAgency.length).toBeGreaterThanOrEqual(2 * PILOT_CODES.length);
    for (const line of data.byAgency) {
      const { status, body } = await getJson<Detail>(c, `/api/agencies/${line.agencyCode}?rules=${line.rules}`);
      expect(status).toBe(200);
      const { freshness, ...rest } = body;
      expect(rest).toStrictEqual(line);
      expect(Object.keys(freshness).sort()).toEqual(['cadenceDays', 'lastAcceptedAt', 'lastEventAt', 'lastScoredAt', 'stale', 'staleCheckedAt', 'staleSince']);
    }
  });

  test('without ?rules= an agency is shown under its primary rule set on the evaluation date', async ({ expect }) => {
    const pilot = await getJson<Detail>(c, '/api/agencies/3004');
    expect(pilot.body.rules).toBe('reformulasi-2024');
    const { freshness: _f, ...line } = pilot.body;
    expect(line).toStrictEqual(data.byAgency.find((l) => l.agencyCode === '3004' && l.rules === 'reformulasi-2024'));
    expect((await getJson<Detail>(c, '/api/agencies/4011')).body.rules).toBe('perban-8-2019');
  });

  test('an agency with nobody counted has the same shape with zero headcount and null indexes; unknown ones are 404', async ({ expect }) => {
    const bima = await getJson<Detail>(c, '/api/agencies/7672?rules=perban-8-2019');
    expect(bima.status).toBe(200);
    expect(bima.body.headcount).toEqual({ PNS: 0, PPPK: 0, total: 0 });
    expect(bima.body.index).toEqual({ PNS: null, PPPK: null, ASN: null });
    expect((await getJson(c, '/api/agencies/ZZ99')).status).toBe(404);
    expect((await getJson(c, '/api/agencies/3004?rules=perban-2030')).status).toBe(400);
  });

  test('GET /api/agencies lists every agency with its primary rule set, index, category, headcount and freshness', async ({ expect }) => {
    const { body } = await getJson<{ asOf: string; agencies: { code: string; pilot: boolean; rules: RuleSetId; index: AgencySummary['index']; category: string | null; headcount: AgencySummary['headcount']; freshness: { stale: boolean } }[] }>(c, '/api/agencies');
    expect(body.asOf).toBe(AS_OF);
    expect(body.agencies.map((a) => a.code).sort()).toEqual(AGENCIES.all.map((a) => a.code).sort());
    for (const a of body.agencies) {
      const line = data.byAgency.find((l) => l.agencyCode === a.code && l.rules === a.rules);
      expect(a.rules).toBe(AGENCIES.primaryRuleSet(a.code, AS_OF, SHIPPED_RULE_SETS.baseline.id));
      expect(a.index).toEqual(line?.index ?? { PNS: null, PPPK: null, ASN: null });
      expect(a.headcount).toEqual(line?.headcount ?? { PNS: 0, PPPK: 0, total: 0 });
      expect(a.category).toBe(line?.index.ASN == null ? null : categoryOf(line.index.ASN, getRuleSet(a.rules)));
      // Nothing was ever accepted in this namespace: every agency is stale.
      expect(a.freshness.stale).toBe(true);
    }
    expect(body.agencies.filter((a) => a.pilot)).toHaveLength(11);
  });

  test('GET /api/national: one rollup per rule set from exact sums, never mixed', async ({ expect }) => {
    const { body } = await getJson<{ rollups: (Omit<AgencySummary, 'agencyCode'> & { agencies: number; ranking: { rank: number; agencyCode: string; index: number | null }[] })[] }>(c, '/api/national');
    expect(body.rollups.map((r) => r.rules)).toEqual(SHIPPED_RULE_SETS.ids);
    for (const r of body.rollups) {
      const emps = data.employees.filter((e) => e.rules === r.rules);
      const q = emps.reduce((a, e) => a + e.total * 4, 0);
      expect(r.headcount.total).toBe(emps.length);
      expect(r.index.ASN).toBe(roundHalfUp2(q, 4 * emps.length));
      expect(r.agencies).toBe(data.byAgency.filter((l) => l.rules === r.rules).length);
      expect(r.ranking).toHaveLength(r.agencies);
      const idx = r.ranking.map((x) => x.index ?? 0);
      expect([...idx].sort((a, b) => b - a)).toEqual(idx);
    }
    const one = await getJson<{ rollups: { rules: string }[] }>(c, '/api/national?rules=reformulasi-2024');
    expect(one.body.rollups.map((r) => r.rules)).toEqual(['reformulasi-2024']);
  });

  test('GET /api/pilot: the 11 pilot agencies, primary vs shadow, with per-dimension differences', async ({ expect }) => {
    const { body } = await getJson<{ agencies: { code: string; primaryRules: string; shadowRules: string; primary: AgencySummary; shadow: AgencySummary; diff: { index: AgencySummary['index']; dimensions: AgencySummary['dimensions'] } }[]; totals: unknown[] }>(c, '/api/pilot');
    expect(body.agencies.map((a) => a.code).sort()).toEqual([...PILOT_CODES].sort());
    expect(body.totals).toHaveLength(SHIPPED_RULE_SETS.all.length);
    for (const a of body.agencies) {
      // The default pair (ipasn-rules.md): the primary (reformulasi-2024 for the pilot) against the baseline.
      expect([a.primaryRules, a.shadowRules]).toEqual(['reformulasi-2024', 'perban-8-2019']);
      expect(a.primary).toStrictEqual(data.byAgency.find((l) => l.agencyCode === a.code && l.rules === a.primaryRules));
      expect(a.shadow).toStrictEqual(data.byAgency.find((l) => l.agencyCode === a.code && l.rules === a.shadowRules));
      for (const k of ['kualifikasi', 'kompetensi', 'kinerja', 'disiplin'] as const) {
        expect(Math.round(a.diff.dimensions[k] * 100)).toBe(Math.round(a.primary.dimensions[k] * 100) - Math.round(a.shadow.dimensions[k] * 100));
      }
    }
  });

  test('GET /api/pilot?a=&b= compares any two rule sets of the list; one side alone or an unknown id is 400', async ({ expect }) => {
    const { status, body } = await getJson<{ agencies: { code: string; primaryRules: string; shadowRules: string; primary: AgencySummary; shadow: AgencySummary }[] }>(c, '/api/pilot?a=bkn-2023&b=reformulasi-2024');
    expect(status).toBe(200);
    expect(body.agencies).toHaveLength(PILOT_CODES.length);
    for (const a of body.agencies) {
      expect([a.primaryRules, a.shadowRules]).toEqual(['bkn-2023', 'reformulasi-2024']);
      expect(a.primary).toStrictEqual(data.byAgency.find((l) => l.agencyCode === a.code && l.rules === 'bkn-2023'));
      expect(a.shadow).toStrictEqual(data.byAgency.find((l) => l.agencyCode === a.code && l.rules === 'reformulasi-2024'));
    }
    expect((await getJson(c, '/api/pilot?a=bkn-2023')).status).toBe(400);
    expect((await getJson(c, '/api/pilot?a=bkn-2023&b=kota-2030')).status).toBe(400);
    expect((await getJson(c, '/api/national?rules=kota-2030')).status).toBe(400);
  });

  test('GET /api/rule-sets: the list in force, its baseline, and the rule sets still being computed', async ({ expect, redis, ns }) => {
    type List = { baseline: string; ruleSets: { id: string; version: string; baseline: boolean; computing: { version: string; reason: string } | null }[] };
    const before = await getJson<List>(c, '/api/rule-sets');
    expect(before.body.baseline).toBe('perban-8-2019');
    expect(before.body.ruleSets.map((r) => [r.id, r.version, r.baseline, r.computing])).toEqual(SHIPPED_RULE_SETS.all.map((rs) => [rs.id, rs.version, rs.id === 'perban-8-2019', null]));
    // A scorer noticed bkn-2023 v1 was never computed for the stored employees.
    const status = new RuleSetStatus(redis, ns.redisPrefix);
    await status.notice({ 'bkn-2023': '1' }, { hasStoredEmployees: true, now: new Date('2025-06-30T01:00:00Z') });
    const during = await getJson<List>(c, '/api/rule-sets');
    expect(during.body.ruleSets.find((r) => r.id === 'bkn-2023')?.computing).toEqual({ version: '1', reason: 'new', since: '2025-06-30T01:00:00.000Z' });
    expect(during.body.ruleSets.filter((r) => r.computing !== null)).toHaveLength(1);
    const meta = await getJson<List>(c, '/api/meta');
    expect(meta.body.ruleSets.find((r) => r.id === 'bkn-2023')?.computing?.reason).toBe('new');
    await status.runCompleted({ 'bkn-2023': '1' }, 'any-run');
    expect((await getJson<List>(c, '/api/rule-sets')).body.ruleSets.every((r) => r.computing === null)).toBe(true);
  });

  test('GET /api/agencies/:code/groups splits PNS and PPPK, adding up to the agency', async ({ expect }) => {
    const line = data.byAgency.find((l) => l.headcount.PNS > 0 && l.headcount.PPPK > 0)!;
    const { body } = await getJson<{ PNS: AgencySummary; PPPK: AgencySummary }>(c, `/api/agencies/${line.agencyCode}/groups?rules=${line.rules}`);
    expect(body.PNS.headcount.total).toBe(line.headcount.PNS);
    expect(body.PPPK.headcount.total).toBe(line.headcount.PPPK);
    expect(body.PNS.index.ASN).toBe(line.index.PNS);
    expect(body.PPPK.index.ASN).toBe(line.index.PPPK);
  });

  test('the OpenAPI document at /docs/json describes every endpoint; /docs serves the UI', async ({ expect }) => {
    const { body } = await getJson<{ openapi: string; paths: Record<string, unknown> }>(c, '/docs/json');
    expect(body.openapi).toMatch(/^3\./);
    for (const p of ['/api/agencies', '/api/agencies/{code}', '/api/national', '/api/pilot', '/api/freshness', '/api/dlq', '/api/dlq/redrive']) expect(Object.keys(body.paths)).toContain(p);
    expect((await fetchAs(c, '/docs')).status).toBe(200);
    const index = await fetchAs(c, '/');
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('Konsol Operator');
  });

  test('the console Redis user reads everything but writes only console keys (ACL)', async ({ expect, ns }) => {
    const ro = createRedis({ url: REDIS_URL, logger: silentLogger(), username: 'console', password: CONSOLE_REDIS_PASSWORD, maxRetriesPerRequest: 1 });
    try {
      expect(await ro.smembers(`${ns.redisPrefix}agg:agencies`)).toContain('3004');
      await expect(ro.hset(`${ns.redisPrefix}agg:{3004}:perban-8-2019:sums`, 'PNS:n', '0')).rejects.toThrow(/NOPERM/u);
      await expect(ro.flushall()).rejects.toThrow(/NOPERM/u);
      expect(await ro.hset(`${ns.redisPrefix}console:probe`, 'x', '1')).toBe(1);
    } finally {
      await closeRedis(ro);
    }
  });

  test('/healthz, /readyz and /metrics come through packages/runtime', async ({ expect }) => {
    expect((await getJson(c, '/healthz')).body).toEqual({ status: 'ok' });
    expect((await getJson(c, '/readyz')).status).toBe(200);
    await c.checkStaleNow();
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toMatch(/^ipasn_agency_stale\{agency="3004",service="console"\} 1$/mu);
  });
});
