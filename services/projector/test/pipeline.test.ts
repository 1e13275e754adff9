/**
 * The real pipeline from ipasn.events on: canonical events produced in Kafka transactions (one of
 * them aborted), the real scorer (`services/scorer/dist/main.js`, evaluation date pinned) and the
 * real projector (`services/projector/dist/main.js`) as processes, then `verify` and `rebuild` of
 * @ipasn/aggregates against what they left in Redis.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteMatching, escapeGlob, AggregateStore } from '@ipasn/aggregates';
import type { CanonicalEvent } from '@ipasn/contracts';
import { applyTopics, BatchProducer, createKafka } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { canonicalEventMessage, GROUPS, topicNames } from '@ipasn/pipeline';
import { closeRedis, createRedis } from '@ipasn/redis';
import { SHIPPED_RULE_SETS, type AgencySummary } from '@ipasn/rules';
import { rebuild, verify, type Progress } from '@ipasn/ops';
import { StateStore } from '@ipasn/profiles';
import type { EmployeeState } from '@ipasn/scoring';
import { BROKERS, createTopics, deleteTopics, KAFKA, REDIS, REDIS_URL, registry, waitForLag0 } from './fixtures.js';
import { ServiceProcess } from './processes.js';

const AS_OF = '2025-06-30';
const ns = `test-${randomUUID().slice(0, 8)}.`;
const topics = topicNames(ns);
const logger = silentLogger();
const kafka = createKafka({ ...KAFKA, clientId: 'projector-pipeline-test', logger });
const redis = createRedis({ ...REDIS, logger, connectionName: 'projector-pipeline-test' });
const env = { KAFKA_BROKERS: BROKERS.join(','), REDIS_URL, REDIS_PREFIX: ns, IPASN_TOPIC_PREFIX: ns, SCORING_AS_OF: AS_OF };
const options = { kafka, redis, topicPrefix: ns, redisPrefix: ns, asOf: AS_OF, chunkSize: 7 };
const AGENCIES = ['3004', '4011', '7672'] as const;
const services: ServiceProcess[] = [];

let seq = 0;
function ev<T extends CanonicalEvent['type']>(agency: string, nip: string, type: T, data: Extract<CanonicalEvent, { type: T }>['data']): CanonicalEvent {
  seq++;
  return { id: `e${seq}`, source: `/agencies/${agency}`, agencyCode: agency, type, nip, time: '2025-01-01T00:00:00.000Z', data } as CanonicalEvent;
}

const nipOf = (i: number): string => `19850101201001${String(1000 + i)}`;

/**
 * Employees with education, training, appraisals and penalties; transfers (and the new owner's
 * records after them), separations, a rehire, retractions, and events the scorer rejects
 * (NOT_OWNER, UNKNOWN_RECORD).
 */
function history(i: number): CanonicalEvent[] {
  const nip = nipOf(i);
  const a = AGENCIES[i % 3]!;
  const b = AGENCIES[(i + 1) % 3]!;
  const out: CanonicalEvent[] = [
    ev(a, nip, 'ipasn.employee.upserted', { name: `Pegawai ${i}`, employmentType: i % 4 === 0 ? 'PPPK' : 'PNS', jobGroup: i % 2 ? 'PELAKSANA' : 'FUNGSIONAL_AHLI_MUDA', requiredEducation: 'S1' }),
  ];
  if (i % 5 !== 0) out.push(ev(a, nip, 'ipasn.education.recorded', { recordId: 'edu', level: i % 3 ? 'S1' : 'S2', graduatedOn: '2010-08-01' }));
  if (i % 2) out.push(ev(a, nip, 'ipasn.training.recorded', { recordId: 'trn', kind: 'TECHNICAL', hours: 20 + i, completedOn: '2025-01-15' }));
  if (i % 3 !== 1) out.push(ev(a, nip, 'ipasn.appraisal.recorded', { recordId: 'skp', year: 2024, predicate: i % 4 ? 'BAIK' : 'SANGAT_BAIK' }));
  if (i % 7 === 0) out.push(ev(a, nip, 'ipasn.discipline.recorded', { recordId: 'hd', level: 'SEDANG', imposedOn: '2024-10-01', endsOn: '2025-10-01' }));
  if (i % 8 === 3) out.push(ev(b, nip, 'ipasn.education.recorded', { recordId: 'x', level: 'S3', graduatedOn: '2020-01-01' })); // NOT_OWNER
  if (i % 9 === 4) out.push(ev(a, nip, 'ipasn.record.retracted', { recordId: 'nope' })); // UNKNOWN_RECORD
  if (i % 11 === 2) out.push(ev(a, nip, 'ipasn.record.retracted', { recordId: 'edu' }));
  if (i % 6 === 1) {
    out.push(ev(a, nip, 'ipasn.employee.transferred', { toAgencyCode: b }));
    out.push(ev(b, nip, 'ipasn.appraisal.recorded', { recordId: 'skp', year: 2024, score: 91.5 }));
  }
  if (i % 10 === 9) out.push(ev(i % 6 === 1 ? b : a, nip, 'ipasn.employee.separated', { reason: 'RETIRED' }));
  if (i === 29) out.push(ev(b, nip, 'ipasn.employee.upserted', { name: `Pegawai ${i}`, employmentType: 'PNS', jobGroup: 'PELAKSANA' })); // rehired elsewhere
  return out;
}

async function produce(transactions: { events: CanonicalEvent[]; abort?: boolean }[]): Promise<void> {
  const producer = new BatchProducer(kafka, { transactionalId: `${ns}test-producer` });
  await producer.connect();
  try {
    for (const t of transactions) {
      const tx = await producer.transaction();
      await tx.send(t.events.map((e) => canonicalEventMessage(topics, registry, e)));
      await (t.abort ? tx.abort() : tx.commit());
    }
  } finally {
    await producer.close();
  }
}

async function startServices(): Promise<{ scorer: ServiceProcess; projector: ServiceProcess }> {
  const scorer = new ServiceProcess('scorer', env);
  const projector = new ServiceProcess('projector', env);
  services.push(scorer, projector);
  await Promise.all([scorer.ready(), projector.ready()]);
  return { scorer, projector };
}

async function drained(): Promise<void> {
  await waitForLag0(kafka, `${ns}${GROUPS.scorer}`, topics.events, 60_000);
  await waitForLag0(kafka, `${ns}${GROUPS.projector}`, topics.scores, 60_000);
}

async function states(): Promise<Map<string, Omit<EmployeeState, 'before' | 'dueAt' | 'decided'>>> {
  const out = new Map<string, Omit<EmployeeState, 'before' | 'dueAt' | 'decided'>>();
  const loaded = await (await StateStore.open(redis, ns)).load(Array.from({ length: EMPLOYEES }, (_, i) => nipOf(i)));
  for (const [nip, { state }] of loaded) {
    if (state === null) continue;
    // `before` and `decided` (the rejects of chunks not known to be committed) depend on how events
    // fell into chunks; dueAt is null with a pinned date.
    const { before: _b, dueAt: _d, decided: _r, ...rest } = state;
    out.set(nip, rest);
  }
  return out;
}

async function readAll(): Promise<AgencySummary[]> {
  const store = await AggregateStore.open(redis, ns);
  return (await Promise.all(SHIPPED_RULE_SETS.ids.map((r) => store.readAll(r)))).flat();
}

const EMPLOYEES = 30;
let committed = 0;

beforeAll(async () => {
  await createTopics(kafka, [topics.events, topics.scores, topics.dlq]);
  await applyTopics(kafka, [{ name: topics.scoresLatest, partitions: 3, config: { 'cleanup.policy': 'compact' } }]);
  const all = Array.from({ length: EMPLOYEES }, (_, i) => history(i)).flat();
  const half = Math.floor(all.length / 2);
  // The aborted transaction would separate everybody: read_committed readers never see it.
  const aborted = Array.from({ length: EMPLOYEES }, (_, i) => ev(AGENCIES[i % 3]!, nipOf(i), 'ipasn.employee.separated', { reason: 'OTHER' }));
  await produce([{ events: all.slice(0, half) }, { events: aborted, abort: true }, { events: all.slice(half) }]);
  committed = all.length;
  await startServices();
  await drained();
}, 120_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await deleteTopics(kafka, [topics.events, topics.scores, topics.scoresLatest, topics.dlq]);
  await deleteMatching(redis, `${escapeGlob(ns)}*`);
  await closeRedis(redis);
});

describe('verify and rebuild against the real scorer and projector', () => {
  it('the projector serves /readyz and /metrics, logs no NIP, and its aggregates pass verify', async () => {
    const projector = services[1]!;
    expect((await projector.get('/readyz')).status).toBe(200);
    const metrics = (await projector.get('/metrics')).body;
    expect(metrics).toMatch(/^ipasn_projector_applied_total\{leg="current",result="added"[^}]*\} [1-9]/mu);
    expect(metrics).toContain('ipasn_projector_end_to_end_seconds_bucket');
    expect(metrics).toMatch(/^ipasn_projector_agency_last_update_timestamp_seconds\{agency="3004"/mu);

    const result = await verify(options);
    expect(result.mismatches).toBe(0);
    expect(result.ok).toBe(true);
    expect(result.events).toBe(committed);
    expect(result.rejected).toBeGreaterThanOrEqual(3);
    expect(result.agencies.map((a) => [a.agencyCode, a.rules])).toEqual(AGENCIES.flatMap((a) => [...SHIPPED_RULE_SETS.ids].sort().map((r) => [a, r])));
    expect(result.agencies.reduce((n, a) => n + a.expected.PNS.headcount + a.expected.PPPK.headcount, 0)).toBe(SHIPPED_RULE_SETS.all.length * result.employees);
    expect(result.employees).toBeGreaterThan(20);

    const text = services.flatMap((s) => s.output).join('');
    for (let i = 0; i < EMPLOYEES; i++) expect(text).not.toContain(nipOf(i));
  });

  it('verify reports a corrupted sum on its agency, field by field, with exact values', async () => {
    const key = `${ns}agg:{4011}:reformulasi-2024:sums`;
    const before = Number(await redis.hget(key, 'PNS:total'));
    await redis.hincrby(key, 'PNS:total', 1);
    await redis.hincrby(key, 'PNS:c:SEDANG', 2);
    const result = await verify(options);
    expect(result.ok).toBe(false);
    expect(result.mismatches).toBe(1);
    const bad = result.agencies.filter((a) => !a.ok);
    expect(bad.map((a) => [a.agencyCode, a.rules])).toEqual([['4011', 'reformulasi-2024']]);
    expect(bad[0]!.diff).toEqual([
      { field: 'PNS.totalQ', expected: before, actual: before + 1 },
      { field: 'PNS.categories.SEDANG', expected: bad[0]!.expected.PNS.categories.SEDANG, actual: bad[0]!.expected.PNS.categories.SEDANG + 2 },
    ]);
  });

  it('rebuild drops and rebuilds scorer states and aggregates from Kafka, then verifies', async () => {
    // The scorer and the projector are stopped for a rebuild; both shut down cleanly.
    expect(await Promise.all(services.map((s) => s.stop()))).toEqual([0, 0]);
    const statesBefore = await states();
    expect(statesBefore.size).toBe(EMPLOYEES);
    const stateStore = await StateStore.open(redis, ns);
    await redis.del(stateStore.key(nipOf(3)));
    await redis.set(stateStore.key(nipOf(4)), '7|garbage');
    await redis.del(`${ns}agg:{3004}:perban-8-2019:sums`);

    const progress: Progress[] = [];
    const result = await rebuild({ ...options, onProgress: (p) => progress.push(p) });
    expect(result.ok).toBe(true);
    // The scorer had drained: the rebuild replayed all of ipasn.events and verified.
    expect(result.pending).toBe(0);
    expect(result.verify?.mismatches).toBe(0);
    expect(result.dropped.states).toBe(EMPLOYEES - 1);
    expect(result.states).toMatchObject({ events: committed, employees: EMPLOYEES, undecodable: 0 });
    expect(result.states.rejected).toBe(result.verify?.rejected);
    expect(result.aggregates.invalid + result.aggregates.undecodable).toBe(0);
    expect(await states()).toEqual(statesBefore);

    const phases = [...new Set(progress.map((p) => p.phase))];
    expect(phases).toEqual(['drop', 'rebuild-states', 'rebuild-aggregates', 'verify-events', 'verify-compare']);
    for (const phase of phases) {
      const last = progress.filter((p) => p.phase === phase).at(-1)!;
      expect(last.done).toBeLessThanOrEqual(last.total);
      // Phases that read a topic written in transactions (ipasn.events by the normalizer, the score
      // topics by the scorer) count offsets as their total, commit markers included: done ≤ total.
      if (phase !== 'rebuild-states' && phase !== 'rebuild-aggregates' && phase !== 'verify-events') expect(last.done).toBe(last.total);
    }
  });

  it('after a rebuild the scorer and the projector carry on from the rebuilt state', async () => {
    const aggregatesBefore = await readAll();
    await startServices();
    await produce([
      {
        events: [
          ev('7672', nipOf(100), 'ipasn.employee.upserted', { name: 'Baru', employmentType: 'PNS', jobGroup: 'PELAKSANA' }),
          ev(AGENCIES[0], nipOf(0), 'ipasn.appraisal.recorded', { recordId: 'skp', year: 2024, predicate: 'BURUK' }),
        ],
      },
    ]);
    committed += 2;
    await drained();
    const result = await verify(options);
    expect(result.ok).toBe(true);
    expect(result.events).toBe(committed);
    expect(await readAll()).not.toEqual(aggregatesBefore);
    expect((await readAll()).find((a) => a.agencyCode === '7672' && a.rules === 'perban-8-2019')!.headcount.total).toBe(
      aggregatesBefore.find((a) => a.agencyCode === '7672' && a.rules === 'perban-8-2019')!.headcount.total + 1,
    );
  });
});
