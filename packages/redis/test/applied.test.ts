import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { isRetriable } from '@ipasn/errors';
import { silentLogger } from '@ipasn/logger';
import { loadConfig, redisConnection } from '@ipasn/config';
import { AppliedOffsets, appliedField, appliedKey, closeRedis, createRedis, EpochGuard, epochKey, findBehind, readApplied, writeApplied, type EpochProblem } from '../src/index.js';

const REDIS = redisConnection(loadConfig(process.env));
const redis = createRedis({ ...REDIS, logger: silentLogger(), connectionName: 'redis-applied-test' });
const prefixes: string[] = [];
afterAll(async () => {
  if (prefixes.length > 0) await redis.del(...prefixes.flatMap((p) => [epochKey(p), appliedKey(p)]));
  await closeRedis(redis);
});

function prefix(): string {
  const p = `test-${randomUUID()}:`;
  prefixes.push(p);
  return p;
}

const T = 'ns.ipasn.events';

describe('applied offsets (real Redis)', () => {
  it('only grow; a writer that finds its own last record gone backwards reports it and writes nothing', async () => {
    const p = prefix();
    const a = new AppliedOffsets(redis, p);
    const b = new AppliedOffsets(redis, p);
    expect(await a.record(T, 0, '10')).toBeNull();
    expect(await a.record(T, 0, '25')).toBeNull();
    // Another writer (an older owner of the partition) records less: the larger value stays.
    expect(await b.record(T, 0, '12')).toBeNull();
    expect(await redis.hget(appliedKey(p), appliedField(T, 0))).toBe('25');
    expect(await a.record(T, 1, '7')).toBeNull();
    expect(await readApplied(redis, p)).toEqual(new Map([[appliedField(T, 0), 25n], [appliedField(T, 1), 7n]]));

    // Redis comes back behind: the field holds less than `a` recorded.
    await redis.hset(appliedKey(p), appliedField(T, 0), '10');
    expect(await a.record(T, 0, '40')).toEqual({ kind: 'behind', topic: T, partition: 0, committed: '25', applied: '10', source: 'write' });
    // Not overwritten: the periodic check still sees it.
    expect(await redis.hget(appliedKey(p), appliedField(T, 0))).toBe('10');
    // So does the other writer (it recorded 12 itself); one that never recorded this partition
    // cannot tell (the check against the group's committed offsets does).
    expect(await b.record(T, 0, '40')).toMatchObject({ kind: 'behind', committed: '12', applied: '10' });
    expect(await new AppliedOffsets(redis, p).record(T, 0, '40')).toBeNull();

    // A field this writer never recorded may be missing (state from before applied offsets, a new
    // partition); one it recorded and now finds gone (a flush) is a problem, and nothing is written.
    const c = new AppliedOffsets(redis, p);
    expect(await c.record(T, 2, '5')).toBeNull();
    await redis.hdel(appliedKey(p), appliedField(T, 2));
    expect(await c.record(T, 2, '9')).toEqual({ kind: 'behind', topic: T, partition: 2, committed: '5', applied: 'none', source: 'write' });
    expect(await redis.hexists(appliedKey(p), appliedField(T, 2))).toBe(0);
  });

  it('a writer given its epoch id finds the marker gone or replaced at its next record, even on a partition it never recorded', async () => {
    const p = prefix();
    await redis.hset(epochKey(p), { id: 'gen-1' });
    const w = new AppliedOffsets(redis, p);
    expect(await w.record(T, 0, '10', 'gen-1')).toBeNull();
    await redis.hset(epochKey(p), { id: 'gen-2' });
    expect(await w.record(T, 3, '4', 'gen-1')).toEqual({ kind: 'epoch-lost' });
    await redis.del(epochKey(p));
    expect(await w.record(T, 3, '4', 'gen-1')).toEqual({ kind: 'epoch-lost' });
    expect(await redis.hexists(appliedKey(p), appliedField(T, 3))).toBe(0);
  });

  it('findBehind: a partition committed past its applied offset; equal, missing or never committed is not', async () => {
    const p = prefix();
    await writeApplied(redis, p, [
      { topic: T, partition: 0, offset: '100' },
      { topic: T, partition: 1, offset: '50' },
    ]);
    expect(await findBehind(redis, p, [{ topic: T, partition: 0, offset: '100' }, { topic: T, partition: 1, offset: '-1' }, { topic: T, partition: 2, offset: '999' }])).toBeNull();
    expect(await findBehind(redis, p, [{ topic: T, partition: 0, offset: '99' }, { topic: T, partition: 1, offset: '51' }])).toEqual({ kind: 'behind', topic: T, partition: 1, committed: '51', applied: '50', source: 'check' });
    // The rebuild replaces the whole hash.
    await writeApplied(redis, p, [{ topic: T, partition: 3, offset: '7' }]);
    expect(await readApplied(redis, p)).toEqual(new Map([[appliedField(T, 3), 7n]]));
  });

  it('the guard: behind at start, or found by a later check, is a redis-behind problem; beforeCommit records first and refuses once behind', async () => {
    const p = prefix();
    let committed = [{ topic: T, partition: 0, offset: '30' }];
    const problems: EpochProblem[] = [];
    const options = { redis, prefix: p, groupHasOffsets: () => Promise.resolve(committed.some((c) => Number(c.offset) >= 0)), committedOffsets: () => Promise.resolve(committed), onProblem: (x: EpochProblem) => void problems.push(x), intervalMs: 60_000 };

    // Behind at start: Redis holds 20 for a partition committed up to 30.
    await writeApplied(redis, p, [{ topic: T, partition: 0, offset: '20' }]);
    await redis.hset(epochKey(p), { id: 'e1', createdAt: '', by: 'rebuild', events: 0, scores: 0 });
    const atStart = new EpochGuard({ ...options, applied: new AppliedOffsets(redis, p) });
    expect(await atStart.start()).toEqual({ kind: 'behind', topic: T, partition: 0, committed: '30', applied: '20', source: 'check' });
    expect([atStart.ok, atStart.epochOk, atStart.behindOk]).toEqual([false, true, false]);
    await expect(atStart.beforeCommit(T, 0, '31')).rejects.toMatchObject({ code: 'REDIS_BEHIND', retriable: true });
    // It wrote nothing.
    expect(await redis.hget(appliedKey(p), appliedField(T, 0))).toBe('20');
    atStart.stop();

    // A healthy start; the writer records through beforeCommit; then Redis goes back.
    await writeApplied(redis, p, [{ topic: T, partition: 0, offset: '30' }]);
    problems.length = 0;
    const guard = new EpochGuard({ ...options, applied: new AppliedOffsets(redis, p) });
    expect(await guard.start()).toBeNull();
    await guard.beforeCommit(T, 0, '45');
    committed = [{ topic: T, partition: 0, offset: '45' }];
    await guard.check();
    expect(problems).toEqual([]);
    await redis.hset(appliedKey(p), appliedField(T, 0), '30');
    await guard.check();
    await guard.check();
    expect(problems).toEqual([{ kind: 'behind', topic: T, partition: 0, committed: '45', applied: '30', source: 'check' }]);
    expect([guard.epochOk, guard.behindOk]).toEqual([true, false]);
    guard.stop();

    // The writer finds it itself, before the check: its record fails, nothing is committed.
    problems.length = 0;
    committed = [{ topic: T, partition: 0, offset: '30' }];
    const writer = new EpochGuard({ ...options, applied: new AppliedOffsets(redis, p) });
    expect(await writer.start()).toBeNull();
    await writer.beforeCommit(T, 0, '60');
    await redis.hset(appliedKey(p), appliedField(T, 0), '30');
    const err: unknown = await writer.beforeCommit(T, 0, '70').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'REDIS_BEHIND' });
    expect(isRetriable(err)).toBe(true);
    expect(problems).toEqual([{ kind: 'behind', topic: T, partition: 0, committed: '60', applied: '30', source: 'write' }]);
    expect(writer.behindOk).toBe(false);
    writer.stop();

    // A flush under a running writer: its very next commit is refused (before the periodic check),
    // as an epoch problem (redis-epoch), whatever the partition.
    problems.length = 0;
    const flushed = new EpochGuard({ ...options, applied: new AppliedOffsets(redis, p), intervalMs: 3_600_000 });
    await redis.del(appliedKey(p));
    committed = [];
    expect(await flushed.start()).toBeNull();
    await flushed.beforeCommit(T, 5, '10');
    await redis.del(epochKey(p), appliedKey(p));
    const lost: unknown = await flushed.beforeCommit(T, 6, '3').catch((e: unknown) => e);
    expect(lost).toMatchObject({ code: 'REDIS_BEHIND' });
    expect(problems).toEqual([{ kind: 'missing', expected: flushed.epoch?.id }]);
    expect([flushed.epochOk, flushed.behindOk]).toEqual([false, true]);
    expect(await redis.exists(appliedKey(p))).toBe(0);
    flushed.stop();
  });
});
