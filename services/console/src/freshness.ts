/**
 * What operators watch (design.md, Freshness): per agency the time since the last accepted event,
 * accepted / rejected / duplicate counts over the last hour and day (the normalizer's buckets), the
 * share of employees with data gaps and the stale flag; per consumer group and partition the lag in
 * messages and seconds (read at most every CONSOLE_LAG_CACHE_MS, however many pages poll).
 */
import { freshnessKeys, sumFreshness, type FreshnessCounts } from '@ipasn/pipeline';
import type { Redis } from '@ipasn/redis';
import type { GroupLagView } from './lag.js';

export async function readAgencyFreshness(redis: Redis, prefix: string, codes: readonly string[], now: number): Promise<Map<string, FreshnessCounts>> {
  const rows = await Promise.all(
    codes.map(async (code) => {
      const k = freshnessKeys(prefix, code);
      const [stamps, minutes, hours] = await Promise.all([redis.hgetall(k.stamps), redis.hgetall(k.minutes), redis.hgetall(k.hours)]);
      return [code, sumFreshness(stamps, minutes, hours, now)] as const;
    }),
  );
  return new Map(rows);
}

export interface LagSnapshot {
  at: number;
  groups: GroupLagView[];
  error: string | null;
}

/** Caches the lag read; concurrent callers share one read in flight. */
export class LagCache {
  #last: LagSnapshot | undefined;
  #inflight: Promise<LagSnapshot> | undefined;

  constructor(
    private readonly read: (now: number) => Promise<GroupLagView[]>,
    private readonly maxAgeMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async get(): Promise<LagSnapshot> {
    const now = this.clock();
    if (this.#last && now - this.#last.at < this.maxAgeMs) return this.#last;
    this.#inflight ??= (async () => {
      try {
        const groups = await this.read(now);
        this.#last = { at: now, groups, error: null };
      } catch (err) {
        // Kafka down: keep showing the agencies; the lag part says what failed.
        this.#last = { at: now, groups: this.#last?.groups ?? [], error: (err as Error).message };
      } finally {
        this.#inflight = undefined;
      }
      return this.#last;
    })();
    return this.#inflight;
  }
}
