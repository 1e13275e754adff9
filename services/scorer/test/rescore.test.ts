/** `ipasn rescore`'s machinery: a BullMQ flow over the stored profiles, worked by the scorer. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { requestRescore, rescoreRuns, RuleSetStatus, type RescoreRuns } from '@ipasn/profiles';
import { getRuleSet, score, SHIPPED_RULE_SETS, RuleSetList } from '@ipasn/rules';
import { loadRuleSetFile } from '@ipasn/rules/files';
import { workRescores } from '../src/index.js';
import { event, startHarness } from './fixtures.js';

async function finish(runs: RescoreRuns, runId: string) {
  let p = await runs.progress(runId);
  const end = Date.now() + 30_000;
  while (p?.state !== 'completed' && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    p = await runs.progress(runId);
  }
  return p;
}

/** A rule set no code knows: bkn-2023's numbers with a bigger base for BAIK, under a new id, in a temporary folder. */
function fourthFile(version = '1'): string {
  const dir = mkdtempSync(join(tmpdir(), 'ipasn-scorer-rules-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const doc = structuredClone(getRuleSet('bkn-2023')) as unknown as { id: string; version: string; title: string; kompetensi: { columns: { components: { type: string; points: Record<string, number> }[] }[] } };
  doc.id = 'kota-contoh-2026';
  doc.version = version;
  doc.title = 'A fourth rule set (test)';
  for (const col of doc.kompetensi.columns) for (const c of col.components) if (c.type === 'performance') c.points['BAIK'] = 22.5;
  const path = join(dir, 'kota-contoh-2026.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

describe('rescore from stored profiles (real Redis, BullMQ flow, Kafka)', () => {
  it('re-emits the chosen rule set for the chosen agency only, as RESCORE, without replaying Kafka', async () => {
    const h = await startHarness();
    const runs = rescoreRuns(h.queueRedis, h.ns, silentLogger());
    try {
      const employees = Array.from({ length: 12 }, (_, i) => `1985010120100110${String(i).padStart(2, '0')}`);
      await h.feed(
        employees.map((nip, i) =>
          event(i % 3 === 0 ? '3004' : '4011', nip, 'ipasn.employee.upserted', { name: 'X', employmentType: 'PNS', jobGroup: 'PELAKSANA' }),
        ),
      );
      await h.until(() => h.scores.length === employees.length * SHIPPED_RULE_SETS.all.length);
      workRescores(runs, h.scorer, h.ruleSets, new RuleSetStatus(h.redis, h.ns));
      const { runId, employees: n, chunks } = await requestRescore(runs, h.store, { agency: '3004', rules: ['reformulasi-2024'], chunkSize: 5 });
      expect([n, chunks]).toEqual([12, 3]);
      const p = await finish(runs, runId);
      expect(p).toMatchObject({ state: 'completed', done: 3, result: { agency: '3004', employees: 12, rescored: 4 } });
      await h.until(() => h.scores.filter((s) => s.cause.kind === 'RESCORE').length === 4);
      const rescored = h.scores.filter((s) => s.cause.kind === 'RESCORE');
      expect(new Set(rescored.map((s) => s.agencyCode))).toEqual(new Set(['3004']));
      expect(new Set(rescored.map((s) => s.ruleSet))).toEqual(new Set(['reformulasi-2024']));
      expect(rescored.every((s) => s.version === 2 && s.previousTotal === s.total)).toBe(true);
    } finally {
      await runs.close();
      await h.close();
    }
  });

  it('a rule set added to a running system: noticed at start, "being computed", filled in by a rescore run, then computed', async () => {
    const h = await startHarness(Date.now, undefined, SHIPPED_RULE_SETS);
    const status = new RuleSetStatus(h.redis, h.ns);
    const runs = rescoreRuns(h.queueRedis, h.ns, silentLogger());
    try {
      // The first start of an empty system: everything in the list is computed (nothing to fill in).
      expect(await status.notice(h.ruleSets.versions, { hasStoredEmployees: await h.store.hasAny(), now: new Date() })).toEqual([]);
      expect((await status.read()).scored).toEqual(SHIPPED_RULE_SETS.versions);
      const employees = Array.from({ length: 7 }, (_, i) => `1990020220150120${String(i).padStart(2, '0')}`);
      await h.feed(
        employees.flatMap((nip) => [
          event('6300', nip, 'ipasn.employee.upserted', { name: 'X', employmentType: 'PNS', jobGroup: 'PELAKSANA' }),
          event('6300', nip, 'ipasn.appraisal.recorded', { recordId: 'a', year: new Date().getUTCFullYear() - 1, predicate: 'BAIK' }),
        ]),
      );
      await h.until(() => new Set(h.scores.map((s) => `${s.nip}/${s.ruleSet}`)).size === employees.length * 3);

      // Restart with a fourth rule set named in configuration (a file in a temporary folder).
      const list = new RuleSetList([...SHIPPED_RULE_SETS.all, loadRuleSetFile(fourthFile())], 'perban-8-2019');
      const scorer = h.scorerWith(list);
      const noticed = await status.notice(list.versions, { hasStoredEmployees: await h.store.hasAny(), now: new Date() });
      expect(noticed).toEqual([{ id: 'kota-contoh-2026', version: '1', reason: 'new' }]);
      expect(Object.keys((await status.read()).computing)).toEqual(['kota-contoh-2026']);
      // A second scorer starting with the same list changes nothing.
      await status.notice(list.versions, { hasStoredEmployees: true, now: new Date() });
      expect(Object.keys((await status.read()).computing)).toEqual(['kota-contoh-2026']);

      workRescores(runs, scorer, list, status);
      const { runId } = await requestRescore(runs, h.store, { rules: ['kota-contoh-2026'], chunkSize: 3, status });
      expect((await status.read()).computing['kota-contoh-2026']?.runToken).toEqual(expect.any(String));
      const p = await finish(runs, runId);
      expect(p).toMatchObject({ state: 'completed', result: { employees: 7, rescored: 7, versions: { 'kota-contoh-2026': '1' } } });
      const after = await status.read();
      expect(after.computing).toEqual({});
      expect(after.scored).toEqual({ ...SHIPPED_RULE_SETS.versions, 'kota-contoh-2026': '1' });

      // Every stored employee now has a score under the fourth rule set, computed from its data file.
      await h.until(() => h.scores.filter((s) => s.ruleSet === 'kota-contoh-2026').length === employees.length);
      const fourth = h.scores.filter((s) => s.ruleSet === 'kota-contoh-2026');
      expect(new Set(fourth.map((s) => s.nip))).toEqual(new Set(employees));
      expect(fourth.every((s) => s.cause.kind === 'RESCORE' && s.ruleSetVersion === '1')).toBe(true);
      const stored = (await h.store.load([employees[0]!])).get(employees[0]!)!.state!;
      const expected = score(stored.profile, fourth[0]!.asOf, list.get('kota-contoh-2026'));
      const bkn = h.scores.find((s) => s.nip === fourth[0]!.nip && s.ruleSet === 'bkn-2023')!;
      expect(fourth.find((s) => s.nip === employees[0])!.total).toBe(expected.total);
      // BAIK's base is 22.5 instead of 20: the fourth file's numbers, not bkn-2023's.
      expect(expected.dimensions.kompetensi - bkn.dimensions.kompetensi).toBe(2.5);

      // A new version of the file is noticed as such.
      const v2 = new RuleSetList([...SHIPPED_RULE_SETS.all, loadRuleSetFile(fourthFile('2'))]);
      expect(await status.notice(v2.versions, { hasStoredEmployees: true, now: new Date() })).toEqual([{ id: 'kota-contoh-2026', version: '2', reason: 'version' }]);
    } finally {
      await runs.close();
      await h.close();
    }
  });
});
