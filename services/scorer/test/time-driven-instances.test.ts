/**
 * Time-driven rescoring across scorer instances (issue 14): two instances in one consumer group over
 * real Kafka, Redis and BullMQ split ipasn.events' partitions, and both run a timer worker on the
 * same queue (design.md "Time-driven changes": one delayed job per employee, deduplicated by key).
 * Every employee's technical training leaves its window at the coming Jakarta midnight; each must be
 * rescored by the clock exactly once per rule set: no duplicate, none missing, also when one instance
 * is closed after its timers were scheduled and before they are due.
 *
 * The clock is injected and stands still 10 s before midnight while the events are scored, so every
 * EVENT score is of "today" however slow the machine is; a timer that fires meanwhile finds nothing
 * due and sets itself again. Then the clock moves past midnight and the next firing rescores. The
 * outcome is read from ipasn.scores (read_committed) once the queue has settled: no waiting or
 * running job, and every employee's next timer at the end of its penalty, the day after.
 *
 * What makes it exactly once: BullMQ's deduplication keeps one job per employee, and the rescore
 * itself is idempotent (a tick that finds the state already rescored for the day emits nothing; two
 * concurrent ticks race on the state's compare-and-set write and the loser retries into "nothing
 * changed"). Checked by hand: with the deduplication removed the test still passes (and the
 * "one timer each" check fails: no deduplication id); with every CLOCK rescore of some employees sent
 * twice it fails, naming them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addMonths } from '@ipasn/rules';
import { jakartaMidnightMs as jakartaMidnight, type CanonicalEvent } from '@ipasn/contracts';
import { BatchProducer, readToEnd } from '@ipasn/kafka';
import { canonicalEventMessage } from '@ipasn/pipeline';
import type { ScoreEvent } from '@ipasn/serde';
import { event, startHarness, startInstance, type Harness, type Instance } from './fixtures.js';

const TODAY = '2025-03-14';
const TOMORROW = '2025-03-15';
const DAY_AFTER = '2025-03-16';
const MIDNIGHT = jakartaMidnight(TOMORROW);
const EMPLOYEES = 120;
const PARTITIONS = 12;

const nips = Array.from({ length: EMPLOYEES }, (_, i) => `19850101201001${String(1000 + i)}`);

/**
 * Two waves per employee. The first (profile, education, appraisal, a penalty running until the day
 * after tomorrow) sets a timer for that day; the second (a technical training that leaves its
 * 12-month window at MIDNIGHT) moves it to MIDNIGHT, replacing the first job. At MIDNIGHT the score
 * of every rule set changes by time alone (the training's part).
 */
function waves(nip: string): [CanonicalEvent[], CanonicalEvent[]] {
  return [
    [
      event('4011', nip, 'ipasn.employee.upserted', { name: 'X', employmentType: 'PNS', jobGroup: 'PELAKSANA', requiredEducation: 'S1' }),
      event('4011', nip, 'ipasn.education.recorded', { recordId: 'edu', level: 'S1', graduatedOn: '2008-08-01' }),
      event('4011', nip, 'ipasn.appraisal.recorded', { recordId: 'skp', year: 2024, predicate: 'BAIK' }),
      event('4011', nip, 'ipasn.discipline.recorded', { recordId: 'hd', level: 'SEDANG', imposedOn: '2024-09-15', endsOn: DAY_AFTER }),
    ],
    [event('4011', nip, 'ipasn.training.recorded', { recordId: 'trn', kind: 'TECHNICAL', hours: 24, completedOn: addMonths(TOMORROW, -12) })],
  ];
}

/** A clock that stands at `at` until moved; `move(to)` makes it run on from `to`. */
function testClock(at: number) {
  let now = (): number => at;
  return {
    clock: () => now(),
    move(to: number) {
      const from = Date.now();
      now = () => to + (Date.now() - from);
    },
  };
}

describe('time-driven rescoring across two scorer instances (real Kafka, Redis, BullMQ; injected clock)', () => {
  let h: Harness | undefined;
  const instances: Instance[] = [];
  afterEach(async () => {
    for (const i of instances.splice(0)) await i.close();
    await h?.close();
    h = undefined;
  });

  async function setUp(): Promise<{ a: Instance; b: Instance; t: ReturnType<typeof testClock> }> {
    const t = testClock(MIDNIGHT - 10_000);
    h = await startHarness(t.clock);
    const groupId = `${h.ns}ipasn-scorer`;
    const a = await startInstance(h, 'a', groupId, t.clock);
    instances.push(a);
    const b = await startInstance(h, 'b', groupId, t.clock);
    instances.push(b);
    // Both members hold partitions, together all of them: the group is balanced.
    await h.until(() => a.partitions.length > 0 && b.partitions.length > 0 && a.partitions.length + b.partitions.length === PARTITIONS, 90_000);
    a.startTimers();
    b.startTimers();

    const producer = new BatchProducer(h.kafka);
    await producer.connect();
    try {
      const registry = h.registry;
      const topics = h.topics;
      // Each wave scored before the next is sent: the second moves every employee's timer.
      const ruleSets = h.ruleSets.all.length;
      const all = nips.map((nip) => waves(nip));
      for (const [i, wave] of [all.map((w) => w[0]), all.map((w) => w[1])].entries()) {
        await producer.send(wave.flatMap((events) => events.map((e) => canonicalEventMessage(topics, registry, e))));
        await h.until(() => h!.scores.filter((s) => s.cause.kind === 'EVENT').length >= (i + 1) * EMPLOYEES * ruleSets, 120_000);
      }
    } finally {
      await producer.close();
    }
    const ruleSets = h.ruleSets.all.length;
    // Each instance scored some employees: the partitions (and so the timers' scheduling) were split.
    expect(a.handled.messages).toBeGreaterThan(0);
    expect(b.handled.messages).toBeGreaterThan(0);
    expect(a.handled.messages + b.handled.messages).toBe(EMPLOYEES * 5);
    // Everyone's EVENT scores are of today, one per rule set and wave (the clock stands still).
    const byEvent = h.scores.filter((s) => s.cause.kind === 'EVENT');
    expect(new Set(byEvent.map((s) => s.asOf))).toEqual(new Set([TODAY]));
    expect(byEvent).toHaveLength(2 * EMPLOYEES * ruleSets);
    // Every employee has one timer, due at midnight: the second wave's replaced the first's. (A timer firing right now is briefly not
    // delayed, so the check is repeated until it holds for all at once.)
    await waitFor(async () => (await Promise.all(nips.map((nip) => h!.timers.dueAt(nip)))).every((d) => d === MIDNIGHT), 60_000);
    return { a, b, t };
  }

  /** Once the queue has settled after midnight (each employee's next timer: the penalty's end), every score event on ipasn.scores (read_committed). */
  async function settledScores(): Promise<ScoreEvent[]> {
    const harness = h!;
    const ruleSets = harness.ruleSets.all.length;
    await harness.until(() => harness.scores.filter((s) => s.cause.kind === 'CLOCK').length >= EMPLOYEES * ruleSets, 120_000);
    await waitFor(async () => {
      const counts = await harness.timers.counts();
      if ((counts.waiting ?? 0) > 0 || (counts.active ?? 0) > 0) return false;
      const due = await Promise.all(nips.map((nip) => harness.timers.dueAt(nip)));
      return due.every((d) => d === jakartaMidnight(DAY_AFTER));
    }, 120_000);
    const all: ScoreEvent[] = [];
    await readToEnd(harness.kafka, harness.topics.scores, {
      stallTimeoutMs: 60_000,
      onChunk: (messages) => {
        for (const m of messages) all.push(harness.registry.decodeAs('ScoreEvent', m.value!).value);
      },
    });
    return all;
  }

  function expectEachRescoredOnce(all: readonly ScoreEvent[], ruleSetIds: readonly string[]): void {
    const clock = all.filter((s) => s.cause.kind === 'CLOCK');
    const perKey = new Map<string, number>();
    for (const s of clock) perKey.set(`${s.nip}/${s.ruleSet}`, (perKey.get(`${s.nip}/${s.ruleSet}`) ?? 0) + 1);
    const duplicated = [...perKey].filter(([, n]) => n > 1).map(([k]) => k);
    const missing = nips.flatMap((nip) => ruleSetIds.map((rs) => `${nip}/${rs}`)).filter((k) => !perKey.has(k));
    expect({ duplicated, missing }).toEqual({ duplicated: [], missing: [] });
    expect(clock).toHaveLength(EMPLOYEES * ruleSetIds.length);
    expect(new Set(clock.map((s) => s.asOf))).toEqual(new Set([TOMORROW]));
    // The rescore is the employee's next version after its events (none skipped, none repeated).
    const lastEvent = new Map<string, number>();
    for (const s of all) if (s.cause.kind === 'EVENT') lastEvent.set(s.nip, Math.max(lastEvent.get(s.nip) ?? 0, s.version));
    for (const s of clock) expect(s.version, s.nip).toBe(lastEvent.get(s.nip)! + 1);
  }

  it('each due employee is rescored exactly once per rule set, the timers split over both instances', async () => {
    const { a, b, t } = await setUp();
    t.move(MIDNIGHT + 1_000);
    const all = await settledScores();
    expectEachRescoredOnce(all, h!.ruleSets.all.map((r) => r.id));
    // Diagnostics only (BullMQ hands a due job to whichever worker asks first): who ran the ticks.
    process.stdout.write(`ticks run: a ${a.ticks.length}, b ${b.ticks.length}; events handled: a ${a.handled.messages}, b ${b.handled.messages}\n`);
  }, 400_000);

  it('an instance closed after its timers were scheduled and before they were due: the other fires each once', async () => {
    const { a, b, t } = await setUp();
    const ticksBefore = a.ticks.length;
    await b.close();
    t.move(MIDNIGHT + 1_000);
    const all = await settledScores();
    expectEachRescoredOnce(all, h!.ruleSets.all.map((r) => r.id));
    // b is gone: every rescore after midnight ran on a.
    expect(a.ticks.length - ticksBefore).toBeGreaterThanOrEqual(EMPLOYEES);
    process.stdout.write(`ticks run after b closed: a ${a.ticks.length - ticksBefore}; events handled before: a ${a.handled.messages}, b ${b.handled.messages}\n`);
  }, 400_000);
});

async function waitFor(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
