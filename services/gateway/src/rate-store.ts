/**
 * The per-agency request counter of @fastify/rate-limit, in Redis (a fixed window: INCR, and
 * PEXPIRE on the window's first request, in one script). Unlike the plugin's own Redis store, a
 * Redis failure is not a 500: it is a retriable GATEWAY_UNAVAILABLE (503 + Retry-After), the same
 * answer as an unacknowledged produce, while /readyz says unready (docs/gateway.md).
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from '@ipasn/redis';
import { GatewayError } from './errors.js';

const INCR_WINDOW = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}`;

type Counting = Redis & { ipasnRateWindow(key: string, windowMs: number): Promise<[number, number]> };

/** A store class bound to one Redis client and key prefix (the plugin constructs it). */
export function redisRateStore(redis: Redis, prefix: string): FastifyRateLimitStoreCtor {
  const r = redis as Counting;
  if (typeof r.ipasnRateWindow !== 'function') redis.defineCommand('ipasnRateWindow', { numberOfKeys: 1, lua: INCR_WINDOW });
  class RedisRateStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      r.ipasnRateWindow(prefix + key, timeWindow).then(
        ([current, ttl]) => callback(null, { current, ttl }),
        (err: unknown) => callback(new GatewayError('GATEWAY_UNAVAILABLE', 'the rate limiter’s store (Redis) is unavailable: retry later', { cause: err, retriable: true })),
      );
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return RedisRateStore;
}
