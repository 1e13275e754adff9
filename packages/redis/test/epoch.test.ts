import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { loadConfig, redisConnection } from '@ipasn/config';
import { closeRedis, createEpochIfAbsent, createRedis, EpochGuard, epochKey, readEpoch, writeEpoch, type EpochProblem } from '../src/index.js';

const REDIS = redisConnection(loadConfig(process.env));
const redis = createRedis({ ...REDIS, logger: silentLogger(), connectionName: 'redis-epoch-test' });
const opened = [redis];
const prefixes: string[] = [];
afterAll(async () => {
  await redis.del(...prefixes.map(epochKey));
  await Promise.all(opened.map((r) => closeRedis(r)));
});

function prefix(): string {
  const p = `test-${randomUUID()}:`;
  prefixes.push(p);
  return p;
}

/** Polls until `done()` (generous: the machine may be loaded); fails after 30 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
  expect(done()).toBe(true);
}

describe('the Redis epoch marker (real Redis)', () => {
  it('is created once by concurrent first starts, replaced by a rebuild, read back whole', async () => {
    const p = prefix();
    expect(await readEpoch(redis, p)).toBeNull();
    const now = new Date('2026-12-06T10:00:00Z');
    const [a, b, c] = await Promise.all([createEpochIfAbsent(redis, p, now), createEpochIfAbsent(redis, p, now), createEpochIfAbsent(redis, p, now)]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect(await readEpoch(redis, p)).toEqual({ id: a.id, createdAt: now.toISOString(), by: 'first-start', events: 0, scores: 0 });
    const rebuilt = await writeEpoch(redis, p, { by: 'rebuild', events: 1234, scores: 56 }, now);
    expect(rebuilt.id).not.toBe(a.id);
    expect(await readEpoch(redis, p)).toEqual(rebuilt);
    expect(await createEpochIfAbsent(redis, p)).toEqual(rebuilt);
  });

  it('a guard on a new namespace writes the first marker; a flush is a problem, reported once', async () => {
    const p = prefix();
    const problems: EpochProblem[] = [];
    const guard = new EpochGuard({ redis, prefix: p, groupHasOffsets: () => Promise.resolve(false), onProblem: (x) => void problems.push(x), intervalMs: 60_000 });
    expect(await guard.start()).toBeNull();
    expect(guard.ok).toBe(true);
    expect(guard.epoch?.by).toBe('first-start');
    expect((await readEpoch(redis, p))?.id).toBe(guard.epoch?.id);
    await guard.check();
    expect(problems).toEqual([]);
    await redis.del(epochKey(p));
    await guard.check();
    await guard.check();
    expect(problems).toEqual([{ kind: 'missing', expected: guard.epoch?.id }]);
    expect(guard.ok).toBe(false);
    guard.stop();
  });

  it('no marker while the consumer group has committed offsets: a problem at start, nothing written', async () => {
    const p = prefix();
    const problems: EpochProblem[] = [];
    const guard = new EpochGuard({ redis, prefix: p, groupHasOffsets: () => Promise.resolve(true), onProblem: (x) => void problems.push(x) });
    expect(await guard.start()).toEqual({ kind: 'missing', expected: null });
    expect(problems).toEqual([{ kind: 'missing', expected: null }]);
    expect(await readEpoch(redis, p)).toBeNull();
    guard.stop();
  });

  it('adopts the marker in force; a rebuild under it is a change, seen at reconnection', async () => {
    const p = prefix();
    const first = await createEpochIfAbsent(redis, p);
    const own = createRedis({ ...REDIS, logger: silentLogger(), connectionName: 'redis-epoch-test-guard' });
    opened.push(own);
    const problems: EpochProblem[] = [];
    // No periodic check within the test: only the reconnection can find it.
    const guard = new EpochGuard({ redis: own, prefix: p, groupHasOffsets: () => Promise.reject(new Error('not asked')), onProblem: (x) => void problems.push(x), intervalMs: 3_600_000 });
    expect(await guard.start()).toBeNull();
    expect(guard.epoch).toEqual(first);
    const rebuilt = await writeEpoch(redis, p, { by: 'rebuild', events: 10, scores: 2 });
    own.disconnect(true);
    await until(() => problems.length > 0);
    expect(problems).toEqual([{ kind: 'changed', expected: first.id, found: rebuilt }]);
    guard.stop();
  });
});
