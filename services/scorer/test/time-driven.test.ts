/**
 * Time-driven rescoring through real Kafka, Redis and BullMQ, with the scorer's clock injected (not
 * mocked globally): the clock says it is a few seconds before midnight in Jakarta, the employee's
 * penalty ends and a technical training leaves its 12-month window at that midnight, and the rescore
 * event must arrive without any new input event.
 */
import { describe, expect, it } from 'vitest';
import { addMonths } from '@ipasn/rules';
import { jakartaMidnightMs as jakartaMidnight } from '@ipasn/contracts';
import { event, startHarness } from './fixtures.js';

describe('time-driven rescoring (real Kafka, Redis, BullMQ; injected clock)', () => {
  it('emits a CLOCK rescore when a penalty ends and a training leaves its window, with no new event', async () => {
    // "Today" in Jakarta is D; the injected clock stands 4 s before D+1 00:00 WIB.
    const D = '2025-03-14';
    const tomorrow = '2025-03-15';
    const offset = jakartaMidnight(tomorrow) - 4_000 - Date.now();
    const h = await startHarness(() => Date.now() + offset);
    const nip = '198501012010011001';
    try {
      h.timers.start(async ({ key }) => {
        await h.scorer.handleTick(key);
      });
      await h.feed([
        event('4011', nip, 'ipasn.employee.upserted', { name: 'X', employmentType: 'PNS', jobGroup: 'PELAKSANA', requiredEducation: 'S1' }),
        event('4011', nip, 'ipasn.education.recorded', { recordId: 'edu', level: 'S1', graduatedOn: '2008-08-01' }),
        event('4011', nip, 'ipasn.appraisal.recorded', { recordId: 'skp', year: 2024, predicate: 'BAIK' }),
        // Leaves the 12-month window on D+1: (D+1) − 12 months = its completion date.
        event('4011', nip, 'ipasn.training.recorded', { recordId: 'trn', kind: 'TECHNICAL', hours: 24, completedOn: addMonths(tomorrow, -12) }),
        // Runs until D+1 (endsOn is the first day it no longer runs).
        event('4011', nip, 'ipasn.discipline.recorded', { recordId: 'hd', level: 'SEDANG', imposedOn: '2024-09-15', endsOn: tomorrow }),
      ]);
      await h.until(() => h.scores.filter((s) => s.cause.kind === 'CLOCK').length >= 3);

      const byEvent = h.scores.filter((s) => s.cause.kind === 'EVENT');
      const byClock = h.scores.filter((s) => s.cause.kind === 'CLOCK');
      expect(byEvent.map((s) => s.asOf)).toEqual([D, D, D]);
      expect(byClock.map((s) => [s.ruleSet, s.asOf]).sort()).toEqual([
        ['bkn-2023', tomorrow],
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
      // bkn-2023: the technical part (10 for a pelaksana) leaves; the base for BAIK (20) stays.
      expect(before.get('bkn-2023')!.dimensions.kompetensi - after.get('bkn-2023')!.dimensions.kompetensi).toBe(10);
      expect(after.get('bkn-2023')!.dimensions.kompetensi).toBe(20);
      // A clock tick is a new version of the employee, naming the previous total.
      expect(after.get('perban-8-2019')!.version).toBe(before.get('perban-8-2019')!.version + 1);
      expect(after.get('perban-8-2019')!.previousTotal).toBe(before.get('perban-8-2019')!.total);
    } finally {
      await h.close();
    }
  });
});
