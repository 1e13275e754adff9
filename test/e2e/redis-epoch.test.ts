/**
 * Redis that comes back empty (docs/reliability.md): the namespace's keys are flushed while events
 * flow through the real normalizer, scorer and projector processes. The three notice that the
 * epoch marker they started with is gone (periodic check, every 10 s; the normalizer also at its
 * next chunk, whose dedupe marks it writes only under that marker), stop consuming, answer 503 on
 * /readyz naming `redis-epoch`, log the repair and set `ipasn_redis_epoch_ok 0`. Stopped,
 * `ipasn rebuild` restores the state from Kafka, the normalizer's dedupe marks with it, and writes
 * a new marker; restarted, they adopt it, consume what waited meanwhile, copies of events accepted
 * before the flush are still dropped (events.md: the first copy wins), and `ipasn verify` holds.
 */
import { describe, expect, it } from 'vitest';
import { rebuild, verify } from '@ipasn/ops';
import { epochKey, readEpoch } from '@ipasn/redis';
import { deleteRedisKeys, KAFKA, publishLines, REDIS } from '../src/index.js';
import { AS_OF, faultStream, MINUTES, startFaultPipeline, waitFailing } from './redis-fault.js';

const N = Number(process.env['E2E_EPOCH_EMPLOYEES'] ?? 500);
const { phase1, phase2, phase3 } = faultStream('epoch', N);
/** Copies, sent after the repair, of events accepted before the flush: the normalizer must drop them. */
const COPIES = 25;

describe('Redis flushed under the running services (real Kafka, Redis and service processes)', () => {
  it(
    'the normalizer, the scorer and the projector stop unready with reason redis-epoch; ipasn rebuild (dedupe marks included) and a restart bring verify back to 0',
    async () => {
      const { ns, redis, normalizer, scorer, projector, drain } = await startFaultPipeline();

      // A first start on a new namespace writes the marker.
      await publishLines(phase1, { prefix: ns });
      await drain();
      const first = await readEpoch(redis, ns);
      expect(first?.by).toBe('first-start');
      expect(await scorer.metrics()).toMatch(/^ipasn_redis_epoch_ok\{[^}]*\} 1$/mu);

      // Redis comes back empty while phase 2 flows.
      const publishing = publishLines(phase2, { prefix: ns });
      expect(await deleteRedisKeys(ns)).toBeGreaterThan(0);
      expect(await redis.exists(epochKey(ns))).toBe(0);
      await publishing;
      for (const service of [normalizer, scorer, projector]) {
        expect(await waitFailing(service, 'redis-epoch', 3 * MINUTES)).toMatchObject({ ready: false, failing: expect.arrayContaining(['redis-epoch']) as unknown });
        expect(await service.metrics()).toMatch(/^ipasn_redis_epoch_ok\{[^}]*\} 0$/mu);
        expect(service.logs()).toMatch(/redis-epoch.*ipasn rebuild/u);
        // Unready, not gone: the process waits for the repair.
        expect(service.running).toBe(true);
      }
      // Nobody re-created the marker: stopped, they write nothing more.
      expect(await redis.exists(epochKey(ns))).toBe(0);

      // The repair: stop them, rebuild from Kafka, start them again.
      await Promise.all([normalizer.kill('SIGTERM'), scorer.kill('SIGTERM'), projector.kill('SIGTERM')]);
      const opts = { kafkaConnection: KAFKA, redisConnection: REDIS, topicPrefix: ns, redisPrefix: ns, asOf: AS_OF };
      const rebuilt = await rebuild(opts);
      expect(rebuilt.epoch.by).toBe('rebuild');
      // A mark for every event replayed (all of them younger than the dedupe TTL; no scorer rejects here).
      expect(rebuilt.marks).toMatchObject({ restored: rebuilt.states.events, expired: 0, forgotten: 0 });
      expect(rebuilt.states.events).toBeGreaterThanOrEqual(N);
      expect((await readEpoch(redis, ns))?.id).toBe(rebuilt.epoch.id);
      await normalizer.restart({ waitReady: true });
      await scorer.restart({ waitReady: true });
      await projector.restart({ waitReady: true });
      // Copies of phase-1 events (accepted before the flush) come again with phase 3.
      await publishLines([...phase1.slice(0, COPIES), ...phase3], { prefix: ns });
      await drain();
      expect(await scorer.metrics()).toMatch(/^ipasn_redis_epoch_ok\{[^}]*\} 1$/mu);
      const v = await verify(opts);
      expect(v.agencies.filter((a) => !a.ok)).toEqual([]);
      expect(v.ok).toBe(true);
      // Every event once: the copies were dropped.
      expect(v.events).toBe(3 * N);
      expect(await normalizer.metrics()).toMatch(new RegExp(`^ipasn_normalizer_duplicates_total\\{[^}]*\\} ${COPIES}$`, 'mu'));
      await Promise.all([normalizer.kill('SIGTERM'), scorer.kill('SIGTERM'), projector.kill('SIGTERM')]);
    },
    20 * MINUTES,
  );
});
