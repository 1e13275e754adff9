/**
 * The freshness hashes of an agency that never goes quiet stay bounded: the normalizer deletes
 * minute buckets older than 2 hours and hour buckets older than 8 days (the key's expiry alone
 * would never fire while the agency keeps sending).
 */
import { describe, expect, it } from 'vitest';
import { createTopics, publishLines, startService, testNamespace, testRedis, waitForDrain } from '@ipasn/e2e';
import { freshnessKeys, HOUR_MS, MINUTE_MS } from '@ipasn/pipeline';

const NIP = '198503152010011001';

describe('normalizer: freshness buckets', () => {
  it('prunes buckets nobody reads any more, and keeps the recent ones', async () => {
    const ns = testNamespace();
    const topics = await createTopics(ns, ['3004']);
    const redis = testRedis();
    try {
      const k = freshnessKeys(ns, '3004');
      const now = Date.now();
      const minute = Math.floor(now / MINUTE_MS);
      const hour = Math.floor(now / HOUR_MS);
      // Left by earlier hours of a busy agency: 3 hours and 9 days old (gone), 30 minutes and 2 days (kept).
      await redis.hset(k.minutes, `${minute - 180}:accepted`, '5', `${minute - 30}:accepted`, '7');
      await redis.hset(k.hours, `${hour - 9 * 24}:accepted`, '11', `${hour - 48}:accepted`, '13');
      const svc = await startService('normalizer', { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns });
      await svc.waitReady();
      const line = JSON.stringify({ specversion: '1.0', id: 'prune-1', source: '/agencies/3004', type: 'ipasn.employee.upserted', subject: NIP, time: new Date(now - HOUR_MS).toISOString(), data: { name: 'A', employmentType: 'PNS', jobGroup: 'PELAKSANA' } });
      await publishLines([line], { prefix: ns, routeAgency: '3004' });
      await waitForDrain(`${ns}ipasn-normalizer`, [topics.ingress('3004')], 60_000);
      await svc.kill('SIGTERM');
      const minutes = Object.keys(await redis.hgetall(k.minutes)).map((f) => Number(f.split(':')[0]) - minute);
      const hours = Object.keys(await redis.hgetall(k.hours)).map((f) => Number(f.split(':')[0]) - hour);
      expect(minutes.sort((a, b) => a - b)).toEqual([-30, expect.any(Number)]);
      expect(minutes).not.toContain(-180);
      expect(hours).toContain(-48);
      expect(hours).not.toContain(-9 * 24);
    } finally {
      redis.disconnect();
    }
  });
});
