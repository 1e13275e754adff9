/**
 * The Redis adapter: an ioredis factory and Lua scripts loaded from `.lua` files named
 * `<name>-<numKeys>.lua` (bullmq's convention), registered once with `defineCommand` so each call
 * is an EVALSHA with a transparent fallback to EVAL.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis, type RedisOptions } from 'ioredis';
import { IpasnError } from '@ipasn/errors';
import type { Logger } from '@ipasn/logger';

export type { Redis };

export interface RedisClientConfig {
  url: string;
  logger: Logger;
  /** A name shown by CLIENT LIST (service name). */
  connectionName?: string;
  /** BullMQ needs `null` (blocking commands); other clients keep ioredis's default retries. */
  maxRetriesPerRequest?: number | null;
  username?: string;
  password?: string;
  /**
   * Connect through Redis Sentinel instead of `url` (@ipasn/config `redisConnection` sets it from
   * REDIS_SENTINELS): ioredis asks the Sentinels for the primary and, when a failover promotes a
   * replica, reconnects to the new one by itself (docs/scaling.md).
   */
  sentinel?: { sentinels: { host: string; port: number }[]; name: string; username?: string; password?: string };
}

export function createRedis(config: RedisClientConfig): Redis {
  // ioredis 6 declares replyMapping as possibly undefined in RedisOptions but not in its constructor
  // (exactOptionalPropertyTypes): leave it out, the default (legacy RESP2 replies) is what this code reads.
  const options: Omit<RedisOptions, 'replyMapping'> = {
    lazyConnect: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: config.maxRetriesPerRequest === undefined ? 20 : config.maxRetriesPerRequest,
    connectionName: config.connectionName ?? 'ipasn',
  };
  if (config.username !== undefined) options.username = config.username;
  if (config.password !== undefined) options.password = config.password;
  const redis = config.sentinel ? new Redis({ ...options, ...sentinelOptions(config.sentinel) }) : new Redis(config.url, options);
  const log = config.logger.child({ component: 'redis' });
  redis.on('error', (err: Error) => log.warn({ err: { message: err.message } }, 'redis connection error'));
  return redis;
}

function sentinelOptions(s: NonNullable<RedisClientConfig['sentinel']>): Omit<RedisOptions, 'replyMapping'> {
  return {
    sentinels: s.sentinels,
    name: s.name,
    role: 'master',
    // A failover is seen as soon as a Sentinel announces it (+switch-master), not only on the next
    // error of the old primary's connection.
    failoverDetector: true,
    ...(s.username !== undefined ? { sentinelUsername: s.username } : {}),
    ...(s.password !== undefined ? { sentinelPassword: s.password } : {}),
  };
}

export interface LuaScript {
  name: string;
  numberOfKeys: number;
  source: string;
}

const SCRIPT_FILE = /^([a-zA-Z][a-zA-Z0-9]*(?:-[a-zA-Z][a-zA-Z0-9]*)*)-(\d+)\.lua$/u;

/** Reads every `<name>-<numKeys>.lua` file of a folder. */
export async function readLuaScripts(dir: string | URL): Promise<LuaScript[]> {
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const files = (await readdir(path)).filter((f) => f.endsWith('.lua')).sort();
  return Promise.all(
    files.map(async (file) => {
      const m = SCRIPT_FILE.exec(file);
      if (!m?.[1] || !m[2]) throw new IpasnError('LUA_SCRIPT', `Lua script file name must be <name>-<numKeys>.lua: ${file}`);
      return { name: m[1], numberOfKeys: Number(m[2]), source: await readFile(join(path, file), 'utf8') };
    }),
  );
}

type ScriptFn = (...args: (string | number | Buffer)[]) => Promise<unknown>;

/** Scripts registered on one connection, called by name with keys and arguments. */
export class LuaScripts {
  readonly #redis: Redis;
  readonly #scripts: ReadonlyMap<string, LuaScript>;

  private constructor(redis: Redis, scripts: readonly LuaScript[]) {
    this.#redis = redis;
    this.#scripts = new Map(scripts.map((s) => [s.name, s]));
    for (const s of scripts) redis.defineCommand(s.name, { numberOfKeys: s.numberOfKeys, lua: s.source });
  }

  static async load(redis: Redis, dir: string | URL): Promise<LuaScripts> {
    return new LuaScripts(redis, await readLuaScripts(dir));
  }

  /** Runs a script; the number of keys must match its file name. */
  async run(name: string, keys: readonly string[], args: readonly (string | number | Buffer)[] = []): Promise<unknown> {
    const script = this.#scripts.get(name);
    if (!script) throw new IpasnError('LUA_SCRIPT', `unknown Lua script ${name}`);
    if (keys.length !== script.numberOfKeys) {
      throw new IpasnError('LUA_SCRIPT', `Lua script ${name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
    }
    const fn = (this.#redis as unknown as Record<string, ScriptFn>)[name];
    if (!fn) throw new IpasnError('LUA_SCRIPT', `Lua script ${name} is not registered on this connection`);
    return fn.call(this.#redis, ...keys, ...args);
  }
}

/** Quits a connection, or disconnects it if QUIT cannot be sent. Idempotent. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

export { DedupeStore, EpochChangedError, type DedupeEntry, type DedupeVerdict } from './dedupe.js';

/** A pipeline or transaction that Redis discarded (EXEC aborted, connection lost): try again. */
export function discarded(what: string): IpasnError {
  return new IpasnError('REDIS_DISCARDED', `${what}: Redis discarded the pipeline`, { retriable: true });
}

export { EpochGuard, createEpochIfAbsent, epochKey, readEpoch, writeEpoch, type Epoch, type EpochGuardOptions, type EpochProblem } from './epoch.js';
export { AppliedOffsets, appliedField, appliedKey, findBehind, readApplied, writeApplied, type BehindProblem } from './applied.js';
