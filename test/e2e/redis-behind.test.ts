/**
 * Redis that comes back *behind* in the same generation (docs/reliability.md): the namespace's
 * keys are snapshotted (DUMP) while the real normalizer, scorer and projector processes run, more
 * events flow and are committed, then the snapshot is restored over the namespace in one MULTI
 * (what a replica promoted that missed the last writes, or an AOF that lost its last second, looks
 * like: the same epoch marker, older state). The scorer and the projector find their groups'
 * committed offsets above the applied offsets Redis holds, stop consuming, answer 503 on /readyz
 * naming `redis-behind`, log partition, committed, applied and the repair, and set
 * `ipasn_redis_behind 1`. Stopped, `ipasn rebuild` restores the state and writes the applied
 * offsets; restarted, they consume what waited and `ipasn verify` holds.
 */
import { describe, expect, it } from 'vitest';
import { rebuild, verify } from '@ipasn/ops';
import { appliedKey, readApplied, readEpoch, type Redis } from '@ipasn/redis';
import { KAFKA, publishLines, REDIS, sleep, waitForDrain } from '../src/index.js';
import { AGENCY, AS_OF, faultStream, MINUTES, startFaultPipeline, waitFailing } from './redis-fault.js';

const N = Number(process.env['E2E_BEHIND_EMPLOYEES'] ?? 300);
const { phase1, phase2, phase3 } = faultStream('behind', N);

async function namespaceKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/gu, '\\$&')}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  return keys;
}

/** Every key of the namespace as DUMP + PTTL. */
async function snapshot(redis: Redis, prefix: string): Promise<Map<string, { dump: Buffer; ttl: number }>> {
  const out = new Map<string, { dump: Buffer; ttl: number }>();
  for (const key of await namespaceKeys(redis, prefix)) {
    const [dump, ttl] = await Promise.all([redis.dumpBuffer(key), redis.pttl(key)]);
    if (dump) out.set(key, { dump, ttl: Math.max(0, ttl) });
  }
  return out;
}

/** Puts the namespace back to the snapshot in one MULTI: no moment without the epoch marker. */
async function restore(redis: Redis, prefix: string, snap: Map<string, { dump: Buffer; ttl: number }>): Promise<void> {
  const now = await namespaceKeys(redis, prefix);
  const tx = redis.multi();
  for (const key of now) if (!snap.has(key)) tx.del(key);
  for (const [key, { dump, ttl }] of snap) tx.restore(key, ttl, dump, 'REPLACE');
  const results = await tx.exec();
  for (const [err] of results ?? []) if (err) throw err;
}

describe('Redis that comes back behind under the running services (real Kafka, Redis and service processes)', () => {
  it(
    'the scorer and the projector stop unready with reason redis-behind; ipasn rebuild and a restart bring verify back to 0',
    async () => {
      const { ns, redis, topics, normalizer, scorer, projector, drain } = await startFaultPipeline();

      await publishLines(phase1, { prefix: ns });
      await drain();
      // Both writers recorded what their state reflects, per input partition.
      const applied = await readApplied(redis, ns);
      expect([...applied.keys()].some((f) => f.startsWith(`${topics.events}:`))).toBe(true);
      expect([...applied.keys()].some((f) => f.startsWith(`${topics.scores}:`))).toBe(true);
      const epoch = await readEpoch(redis, ns);
      const snap = await snapshot(redis, ns);
      expect(snap.has(appliedKey(ns))).toBe(true);

      // More events flow and are committed; then Redis "comes back" with the older state.
      await publishLines(phase2, { prefix: ns });
      await drain();
      await restore(redis, ns, snap);
      expect((await readEpoch(redis, ns))?.id).toBe(epoch?.id);

      for (const service of [scorer, projector]) {
        expect(await waitFailing(service, 'redis-behind', 2 * MINUTES)).toMatchObject({ ready: false, failing: ['redis-behind'] });
        expect(await service.metrics()).toMatch(/^ipasn_redis_behind\{[^}]*\} 1$/mu);
        expect(await service.metrics()).toMatch(/^ipasn_redis_epoch_ok\{[^}]*\} 1$/mu);
        expect(service.logs()).toMatch(/redis-behind.*partition.*committed.*ipasn rebuild/u);
        // Unready, not gone: the process waits for the repair.
        expect(service.running).toBe(true);
      }
      // Events that arrive meanwhile wait in Kafka: the stopped services write nothing.
      const restored = await redis.hgetall(appliedKey(ns));
      await publishLines(phase3, { prefix: ns });
      await waitForDrain(`${ns}ipasn-normalizer`, [topics.ingress(AGENCY)], 10 * MINUTES);
      await sleep(2_000);
      expect(await redis.hgetall(appliedKey(ns))).toEqual(restored);

      // The repair: stop them, rebuild from Kafka, start them again.
      await Promise.all([scorer.kill('SIGTERM'), projector.kill('SIGTERM')]);
      const opts = { kafkaConnection: KAFKA, redisConnection: REDIS, topicPrefix: ns, redisPrefix: ns, asOf: AS_OF };
      const rebuilt = await rebuild(opts);
      expect(rebuilt.epoch.by).toBe('rebuild');
      await scorer.restart({ waitReady: true });
      await projector.restart({ waitReady: true });
      await drain();
      for (const service of [scorer, projector]) expect(await service.metrics()).toMatch(/^ipasn_redis_behind\{[^}]*\} 0$/mu);
      const v = await verify(opts);
      expect(v.agencies.filter((a) => !a.ok)).toEqual([]);
      expect(v.ok).toBe(true);
      expect(v.events).toBe(3 * N);
      await Promise.all([normalizer.kill('SIGTERM'), scorer.kill('SIGTERM'), projector.kill('SIGTERM')]);
    },
    20 * MINUTES,
  );
});
