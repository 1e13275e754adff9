/**
 * What the Redis-fault tests (redis-epoch: Redis comes back empty; redis-behind: it comes back
 * older) share: one agency's stream in three phases for N employees, the three services running in a
 * namespace of their own with a drain of all three groups, and a wait for /readyz to fail on a
 * given check.
 */
import { topicNames } from '@ipasn/pipeline';
import type { Redis } from '@ipasn/redis';
import { createTopics, deleteNamespace, onFinished, sleep, startService, testNamespace, testRedis, waitForDrain, type ServiceHandle } from '../src/index.js';

export const AS_OF = '2025-06-30';
export const MINUTES = 60_000;
export const AGENCY = '3004';
const TIME = '2025-06-01T09:00:00+07:00';

/** Phase 1 upserts N employees, phase 2 gives each an education, phase 3 a training (ids `<idPrefix>-<n>`). */
export function faultStream(idPrefix: string, n: number): { phase1: string[]; phase2: string[]; phase3: string[] } {
  const nips = Array.from({ length: n }, (_, i) => `198${i % 10}01${String((Math.floor(i / 10) % 28) + 1).padStart(2, '0')}2010011${String(Math.floor(i / 280)).padStart(3, '0')}`);
  let seq = 0;
  const line = (nip: string, type: string, data: Record<string, unknown>): string => {
    seq++;
    return JSON.stringify({ specversion: '1.0', id: `${idPrefix}-${seq}`, source: `/agencies/${AGENCY}`, type: `ipasn.${type}`, subject: nip, time: TIME, data });
  };
  return {
    phase1: nips.map((nip) => line(nip, 'employee.upserted', { name: 'Pegawai', employmentType: 'PNS', jobGroup: 'PELAKSANA', requiredEducation: 'S1' })),
    phase2: nips.map((nip) => line(nip, 'education.recorded', { recordId: 'pdk-1', level: 'S1', graduatedOn: '2008-08-01' })),
    phase3: nips.map((nip) => line(nip, 'training.recorded', { recordId: 'dkl-1', kind: 'TECHNICAL', hours: 24, completedOn: '2025-03-01' })),
  };
}

export interface FaultPipeline {
  ns: string;
  redis: Redis;
  topics: ReturnType<typeof topicNames>;
  normalizer: ServiceHandle;
  scorer: ServiceHandle;
  projector: ServiceHandle;
  /** Waits until the three groups have consumed everything (in pipeline order). */
  drain: () => Promise<void>;
}

/** A new namespace with the agency's topics and the three services ready; all of it removed when the test ends. */
export async function startFaultPipeline(): Promise<FaultPipeline> {
  const ns = testNamespace();
  const redis = testRedis();
  await onFinished(async () => {
    await redis.quit();
    await deleteNamespace(ns);
  });
  const topics = topicNames(ns);
  await createTopics(ns, [AGENCY]);
  const env = { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, SCORING_AS_OF: AS_OF, LOG_LEVEL: 'info' };
  const [normalizer, scorer, projector] = await Promise.all([startService('normalizer', env), startService('scorer', env), startService('projector', env)]);
  await Promise.all([normalizer.waitReady(), scorer.waitReady(), projector.waitReady()]);
  const drain = async (): Promise<void> => {
    await waitForDrain(`${ns}ipasn-normalizer`, [topics.ingress(AGENCY)], 10 * MINUTES);
    await waitForDrain(`${ns}ipasn-scorer`, [topics.events], 10 * MINUTES);
    await waitForDrain(`${ns}ipasn-projector`, [topics.scores], 10 * MINUTES);
  };
  return { ns, redis, topics, normalizer, scorer, projector, drain };
}

/** Polls `/readyz` until it answers 503 naming `check` (the checks run every 10 s; a loaded machine is slow). */
export async function waitFailing(service: ServiceHandle, check: string, ms: number): Promise<{ ready: boolean; failing: string[] }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { status, body } = await service.get('/readyz');
    const parsed = JSON.parse(body) as { ready: boolean; failing: string[] };
    if (status === 503 && parsed.failing.includes(check)) return parsed;
    if (Date.now() > deadline) throw new Error(`${service.name} still ${status} ${body}\n${service.tail()}`);
    await sleep(500);
  }
}
