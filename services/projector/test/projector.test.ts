/**
 * The projector through real Kafka and Redis: score events produced to a private `ipasn.scores`,
 * consumed by the projector's handler in its consumer group, aggregates read back from Redis.
 */
import { describe } from 'vitest';
import { scoredRows, scoreEvent, scoreOf, simulate } from '@ipasn/aggregates/testing';
import { aggregateByAgency, summarize, addContribution, emptyAgencySums, SHIPPED_RULE_SETS } from '@ipasn/rules';
import type { ScoreEvent } from '@ipasn/serde';
import { test } from './fixtures.js';

const A = '3004';
const B = '4011';
const NIP1 = '198501012010011001';
const NIP2 = '199002022015022002';
const s1 = scoreOf('perban-8-2019', [60, 90, 100, 20], ['APPRAISAL_MISSING']);
const s2 = scoreOf('perban-8-2019', [100, 90, 120, 20]);

function expectedSummary(agencyCode: string, members: { type: 'PNS' | 'PPPK'; score: typeof s1 }[]) {
  let sums = emptyAgencySums();
  for (const m of members) sums = addContribution(sums, m.type, m.score);
  return summarize(agencyCode, 'perban-8-2019', sums);
}

// Each test has its own topic, group and Redis prefix; concurrent, so that the consumers' ~5 s
// stop (kafkajs waits out its fetch long poll) overlaps.
describe.concurrent('projector (real Kafka and Redis)', () => {
  test('the same score event delivered three times counts once', async ({ pipeline, expect }) => {
    const e = scoreEvent({ nip: NIP1, version: 1, agencyCode: A, previousAgencyCode: null, score: s1 });
    await pipeline.send([e, e]);
    await pipeline.send([e]);
    await pipeline.settle();
    expect(await pipeline.store.readAgency(A, 'perban-8-2019')).toEqual(expectedSummary(A, [{ type: 'PNS', score: s1 }]));
    expect(await pipeline.counter('ipasn_projector_applied_total')).toBe(1);
    expect(await pipeline.counter('ipasn_projector_stale_total')).toBe(2);
  });

  test('history samples what the chunks changed, on both agencies of a transfer', async ({ pipeline, expect }) => {
    const from = Date.now() - 60_000;
    await pipeline.send([
      scoreEvent({ nip: NIP1, version: 1, agencyCode: A, previousAgencyCode: null, score: s1 }),
      scoreEvent({ nip: NIP2, version: 1, agencyCode: A, previousAgencyCode: null, score: s2, employmentType: 'PPPK' }),
    ]);
    await pipeline.settle();
    await pipeline.send([scoreEvent({ nip: NIP2, version: 2, agencyCode: B, previousAgencyCode: A, score: s2, employmentType: 'PPPK' })]);
    await pipeline.settle();
    const last = async (code: string) => (await pipeline.store.readHistory(code, 'perban-8-2019', 'minute', from)).samples.at(-1);
    // The newest sample of each agency is its aggregate now (headcount and totals per type).
    const a = await pipeline.store.readSums(A, 'perban-8-2019');
    const b = await pipeline.store.readSums(B, 'perban-8-2019');
    expect(await last(A)).toMatchObject({ PNS: { n: a.PNS.headcount, totalQ: a.PNS.totalQ }, PPPK: { n: 0, totalQ: 0 } });
    expect(await last(B)).toMatchObject({ PNS: { n: 0, totalQ: 0 }, PPPK: { n: b.PPPK.headcount, totalQ: b.PPPK.totalQ } });
    expect(a.PNS.headcount).toBe(1);
    expect(b.PPPK.headcount).toBe(1);
    expect(await pipeline.counter('ipasn_projector_history_errors_total')).toBe(0);
  });

  test('an older version after a newer one is ignored', async ({ pipeline, expect }) => {
    await pipeline.send([scoreEvent({ nip: NIP1, version: 2, agencyCode: A, score: s2 }), scoreEvent({ nip: NIP1, version: 1, agencyCode: A, previousAgencyCode: null, score: s1 })]);
    await pipeline.settle();
    expect(await pipeline.store.readAgency(A, 'perban-8-2019')).toEqual(expectedSummary(A, [{ type: 'PNS', score: s2 }]));
    expect(await pipeline.counter('ipasn_projector_stale_total')).toBe(1);
  });

  test('a transfer moves exactly one employee between agencies', async ({ pipeline, expect }) => {
    await pipeline.send([
      scoreEvent({ nip: NIP1, version: 1, agencyCode: A, previousAgencyCode: null, score: s1 }),
      scoreEvent({ nip: NIP2, version: 1, agencyCode: A, previousAgencyCode: null, score: s2, employmentType: 'PPPK' }),
    ]);
    await pipeline.settle();
    expect((await pipeline.store.readAgency(A, 'perban-8-2019'))?.headcount).toEqual({ PNS: 1, PPPK: 1, total: 2 });

    await pipeline.send([scoreEvent({ nip: NIP2, version: 2, agencyCode: B, previousAgencyCode: A, score: s2, employmentType: 'PPPK' })]);
    await pipeline.settle();
    expect(await pipeline.store.readAgency(A, 'perban-8-2019')).toEqual(expectedSummary(A, [{ type: 'PNS', score: s1 }]));
    expect(await pipeline.store.readAgency(B, 'perban-8-2019')).toEqual(expectedSummary(B, [{ type: 'PPPK', score: s2 }]));
    expect((await pipeline.store.national('perban-8-2019')).headcount).toEqual({ PNS: 1, PPPK: 1, total: 2 });
    expect(await pipeline.counter('ipasn_projector_applied_total', { leg: 'previous', result: 'removed' })).toBe(1);
  });

  test('a separation (REMOVED) removes one', async ({ pipeline, expect }) => {
    await pipeline.send([
      scoreEvent({ nip: NIP1, version: 1, agencyCode: A, previousAgencyCode: null, score: s1 }),
      scoreEvent({ nip: NIP2, version: 1, agencyCode: A, previousAgencyCode: null, score: s2 }),
      scoreEvent({ nip: NIP2, version: 2, agencyCode: A, status: 'REMOVED', score: s2 }),
    ]);
    await pipeline.settle();
    expect(await pipeline.store.readAgency(A, 'perban-8-2019')).toEqual(expectedSummary(A, [{ type: 'PNS', score: s1 }]));
    expect(await pipeline.store.entry(A, 'perban-8-2019', NIP2)).toEqual({ kind: 'tombstone', version: 2 });
  });

  test('a replayed older event after a transfer does not re-add the employee', async ({ pipeline, expect }) => {
    const first = scoreEvent({ nip: NIP1, version: 1, agencyCode: A, previousAgencyCode: null, score: s1 });
    const moved = scoreEvent({ nip: NIP1, version: 2, agencyCode: B, previousAgencyCode: A, score: s1 });
    await pipeline.send([first, moved]);
    await pipeline.settle();
    // A replay of the whole history (a scorer or projector restarting from older offsets).
    await pipeline.send([first, moved, first]);
    await pipeline.settle();
    expect(await pipeline.store.readAgency(A, 'perban-8-2019')).toBeNull();
    expect(await pipeline.store.readAgency(B, 'perban-8-2019')).toEqual(expectedSummary(B, [{ type: 'PNS', score: s1 }]));
    expect(await pipeline.counter('ipasn_projector_stale_total')).toBe(4);
  });

  test('aggregates read back equal aggregateByAgency of the same scores, with replays', async ({ pipeline, expect }) => {
    const { events, final } = simulate(20_250_630, 60, 8);
    // Per employee, Kafka keeps the order; a replay re-sends a suffix of an employee's history.
    const byNip = new Map<string, ScoreEvent[]>();
    for (const e of events) byNip.set(e.nip, [...(byNip.get(e.nip) ?? []), e]);
    const replays: ScoreEvent[] = [];
    let i = 0;
    for (const history of byNip.values()) if (i++ % 3 === 0) replays.push(...history.slice(Math.floor(history.length / 2)));
    await pipeline.send(events);
    await pipeline.send(replays);
    await pipeline.settle(60_000);

    for (const rules of SHIPPED_RULE_SETS.ids) {
      const expected = aggregateByAgency(scoredRows(final)).filter((s) => s.rules === rules);
      expect(await pipeline.store.readAll(rules)).toEqual(expected);
      expect((await pipeline.store.national(rules)).headcount.total).toBe(final.filter((e) => e.ruleSet === rules).length);
      expect((await pipeline.store.ranking(rules)).map((r) => r.summary.agencyCode).sort()).toEqual(expected.map((s) => s.agencyCode));
    }
    expect(await pipeline.counter('ipasn_projector_invalid_total')).toBe(0);
  });
});
