import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis, DedupeStore } from '../src/index.js';
import { loadConfig, redisConnection } from '@ipasn/config';

const redis = createRedis({ ...redisConnection(loadConfig(process.env)), logger: silentLogger() });
afterAll(() => closeRedis(redis));

describe('DedupeStore (real Redis)', () => {
  it('lets the first copy through, recognises its redelivery, drops later copies', async () => {
    const prefix = `test-${randomUUID()}:dedupe:`;
    const store = new DedupeStore(redis, prefix, 3600);
    const a = { key: '/agencies/3004\u0000e1', coordinates: 'ipasn.ingress.3004/0/10' };
    const copy = { key: a.key, coordinates: 'ipasn.ingress.3004/2/99' };
    const b = { key: '/agencies/3004\u0000e2', coordinates: 'ipasn.ingress.3004/0/11' };
    expect(await store.mark([a, copy, b])).toEqual(['first', 'duplicate', 'first']);
    // After a crash the same messages come again: same coordinates, not duplicates.
    expect(await store.mark([a, copy, b])).toEqual(['redelivery', 'duplicate', 'redelivery']);
    const ttl = await redis.ttl(prefix + a.key);
    expect(ttl).toBeGreaterThan(3500);
    await redis.del(prefix + a.key, prefix + b.key);
  });

  it('keeps no mark for an empty call and refuses a zero TTL', async () => {
    expect(await new DedupeStore(redis, 'x', 1).mark([])).toEqual([]);
    expect(() => new DedupeStore(redis, 'x', 0)).toThrow(/at least one second/u);
  });
});
