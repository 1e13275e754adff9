import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis, DedupeStore, EpochChangedError, writeEpoch } from '../src/index.js';
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

  it('with an epoch, writes the marks only while Redis holds that marker (a flushed Redis lost them)', async () => {
    const ns = `test-${randomUUID()}:`;
    const store = new DedupeStore(redis, `${ns}dedupe:`, 3600);
    const a = { key: '/agencies/3004|e1', coordinates: 'ipasn.ingress.3004/0/10' };
    const b = { key: '/agencies/3004|e2', coordinates: 'ipasn.ingress.3004/0/11' };
    const epoch = await writeEpoch(redis, ns, { by: 'rebuild', events: 0, scores: 0 });
    expect(await store.mark([a, { ...a, coordinates: 'ipasn.ingress.3004/1/5' }], { prefix: ns, id: epoch.id })).toEqual(['first', 'duplicate']);
    expect(await store.mark([a], { prefix: ns, id: epoch.id })).toEqual(['redelivery']);
    expect(await redis.ttl(`${ns}dedupe:${a.key}`)).toBeGreaterThan(3500);
    // Redis came back empty: nothing is written, the caller is told.
    await redis.del(`${ns}epoch`, `${ns}dedupe:${a.key}`);
    const missing = await store.mark([b], { prefix: ns, id: epoch.id }).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(EpochChangedError);
    expect(missing).toMatchObject({ code: 'REDIS_EPOCH_CHANGED', retriable: true, expected: epoch.id, found: '' });
    expect(await redis.exists(`${ns}dedupe:${b.key}`)).toBe(0);
    // Rebuilt under it: another marker.
    const other = await writeEpoch(redis, ns, { by: 'rebuild', events: 0, scores: 0 });
    await expect(store.mark([b], { prefix: ns, id: epoch.id })).rejects.toMatchObject({ found: other.id });
    expect(await redis.exists(`${ns}dedupe:${b.key}`)).toBe(0);
    await redis.del(`${ns}epoch`);
  });

  it('keeps no mark for an empty call and refuses a zero TTL', async () => {
    expect(await new DedupeStore(redis, 'x', 1).mark([])).toEqual([]);
    expect(() => new DedupeStore(redis, 'x', 0)).toThrow(/at least one second/u);
  });
});
