import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis, LuaScripts, readLuaScripts } from '../src/index.js';
import { loadConfig, redisConnection } from '@ipasn/config';

const REDIS = redisConnection(loadConfig(process.env));
const redis = createRedis({ ...REDIS, logger: silentLogger(), connectionName: 'redis-adapter-test' });
afterAll(() => closeRedis(redis));

describe('Lua scripts from files (real Redis)', () => {
  it('reads name and key count from the file name', async () => {
    const scripts = await readLuaScripts(new URL('./lua/', import.meta.url));
    expect(scripts.map((s) => [s.name, s.numberOfKeys])).toEqual([['incr-capped', 1]]);
  });

  it('runs a script loaded from a file, by EVALSHA after the first call', async () => {
    const key = `test-${randomUUID()}:{t}:counter`;
    const scripts = await LuaScripts.load(redis, new URL('./lua/', import.meta.url));
    expect(await scripts.run('incr-capped', [key], [3, 5])).toBe(3);
    expect(await scripts.run('incr-capped', [key], [3, 5])).toBe(5);
    expect(await redis.get(key)).toBe('5');
    await redis.del(key);
  });

  it('refuses a call with the wrong number of keys, naming the script', async () => {
    const scripts = await LuaScripts.load(redis, new URL('./lua/', import.meta.url));
    await expect(scripts.run('incr-capped', [], [1, 2])).rejects.toThrow(/incr-capped takes 1 keys, got 0/u);
  });

  it('talks to the project Redis, whose eviction policy is noeviction', async () => {
    const policy = await redis.config('GET', 'maxmemory-policy');
    expect(policy[1]).toBe('noeviction');
  });
});
