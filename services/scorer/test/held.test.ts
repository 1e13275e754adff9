/**
 * Held, not rejected, while a transfer is on its way (events.md), through real Kafka, Redis and
 * BullMQ with the scorer's clock injected: the new agency's events that overtook the transfer wait
 * in the employee's state (and in the held index the console reads), are applied in order when the
 * transfer arrives, and what is still not owned when its hold ends is dead-lettered as NOT_OWNER
 * with its own `ipasn.events` coordinates — by the timer, with no event arriving.
 */
import { describe, expect, it } from 'vitest';
import { heldPerAgency } from '@ipasn/profiles';
import { event, startHarness } from './fixtures.js';

const H = 3_600_000;
const NIP = '198501012010011001';
const upsert = (agency: string) => event(agency, NIP, 'ipasn.employee.upserted', { name: 'Siti', employmentType: 'PNS', jobGroup: 'PELAKSANA', requiredEducation: 'S1' });
const training = (agency: string, recordId: string) => event(agency, NIP, 'ipasn.training.recorded', { recordId, kind: 'TECHNICAL', hours: 24, completedOn: '2025-01-10' });

describe('held events (real Kafka, Redis, BullMQ; injected clock)', () => {
  it('holds the new agency’s events, applies them in order with the transfer, and expires the rest by the timer', async () => {
    let now = Date.UTC(2025, 2, 14, 3);
    const h = await startHarness(() => now, { max: 100, ms: 2 * H });
    try {
      const t0 = now;
      // One score event per rule set in force per change.
      const n = h.ruleSets.all.length;
      // Offsets 0–2: 4011 owns; 3004's upsert and training overtook the transfer.
      await h.feed([upsert('4011'), upsert('3004'), training('3004', 'dkl')], 0, t0);
      await h.until(() => h.scores.length === n);
      expect(h.scores.every((s) => s.agencyCode === '4011' && s.version === 1)).toBe(true);
      let state = (await h.store.load([NIP])).get(NIP)!.state!;
      expect(state.held.map((x) => x.offset)).toEqual([1, 2]);
      expect(heldPerAgency(await h.redis.hgetall(h.store.heldKey()))).toEqual(new Map([['3004', { events: 2, employees: 1 }]]));
      expect(await h.timers.dueAt(NIP)).toBe(t0 + 2 * H);

      // Offset 3: the transfer; the two held events are applied right after it.
      now = t0 + H;
      await h.feed([event('4011', NIP, 'ipasn.employee.transferred', { toAgencyCode: '3004' })], 3, now);
      await h.until(() => h.scores.length === 2 * n);
      const after = h.scores.slice(n);
      expect(after.map((s) => [s.agencyCode, s.previousAgencyCode, s.version, s.cause.offset])).toEqual(Array.from({ length: n }, () => ['3004', '4011', 4, 3]));
      expect(after.find((s) => s.ruleSet === 'perban-8-2019')!.dimensions.kompetensi).toBeGreaterThan(0);
      state = (await h.store.load([NIP])).get(NIP)!.state!;
      expect(state.held).toEqual([]);
      expect(await h.redis.hlen(h.store.heldKey())).toBe(0);
      expect(h.dlq).toEqual([]);

      // Offsets 4–5: the former owner's late record and a third agency's: held, never released.
      await h.feed([training('4011', 'late'), training('7672', 'stray')], 4, now);
      expect(await h.timers.dueAt(NIP)).toBe(now + 2 * H);
      h.timers.start(async ({ key }) => {
        await h.scorer.handleTick(key);
      });
      // The hold ends. The delayed job was set 2 h ahead of real time; set it due at the injected
      // "now" so BullMQ runs it at once: the tick expires both and dead-letters them.
      now += 2 * H;
      await h.timers.schedule([{ key: NIP, dueAt: now }]);
      await h.until(() => h.dlq.length === 2);
      expect(h.dlq.map((d) => [d.reason, d.stage, d.sourcePartition, d.sourceOffset, d.agencyCode])).toEqual([
        ['NOT_OWNER', 'scorer', 0, 4, '4011'],
        ['NOT_OWNER', 'scorer', 0, 5, '7672'],
      ]);
      expect(h.dlq[0]!.message).toMatch(/SCORER_HOLD_HOURS/u);
      expect(h.forgotten.slice(-2)).toEqual(h.dlq.map((d) => d.eventId));
      state = (await h.store.load([NIP])).get(NIP)!.state!;
      expect([state.held, state.outbox, state.version]).toEqual([[], [], 4]);
      expect(await h.redis.hlen(h.store.heldKey())).toBe(0);
      // No score change is due with held events gone: no CLOCK rescore, no new version.
      expect(h.scores.filter((s) => s.cause.kind === 'CLOCK')).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
