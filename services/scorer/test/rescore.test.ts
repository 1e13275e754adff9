/** `ipasn rescore`'s machinery: a BullMQ flow over the stored profiles, worked by the scorer. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { requestRescore, rescoreRuns } from '@ipasn/profiles';
import { workRescores } from '../src/index.js';
import { event, startHarness } from './fixtures.js';

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
      await h.until(() => h.scores.length === 24);
      workRescores(runs, h.scorer);
      const { runId, employees: n, chunks } = await requestRescore(runs, h.store, { agency: '3004', rules: ['reformulasi-2024'], chunkSize: 5 });
      expect([n, chunks]).toEqual([12, 3]);
      let p = await runs.progress(runId);
      const end = Date.now() + 20_000;
      while (p?.state !== 'completed' && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
        p = await runs.progress(runId);
      }
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
});
