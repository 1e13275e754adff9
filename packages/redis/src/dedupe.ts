/**
 * A bounded, restart-safe "first copy wins" store (events.md, Duplicates). Each mark remembers the
 * coordinates of the first copy, so the redelivery of that same message after a crash is told
 * apart from a real duplicate. One pipelined round trip per call; marks expire after `ttlSeconds`.
 */
import type { Redis } from 'ioredis';
import { discarded } from './index.js';

export type DedupeVerdict = 'first' | 'redelivery' | 'duplicate';

export interface DedupeEntry {
  /** The idempotency key, e.g. `${source}\u0000${id}`. */
  key: string;
  /** Where this copy was read: `${topic}/${partition}/${offset}`. */
  coordinates: string;
}

export class DedupeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {
    if (ttlSeconds < 1) throw new RangeError('dedupe TTL must be at least one second');
  }

  /** Marks every key not yet marked; entries are judged in order (a later copy in the same call is a duplicate). */
  async mark(entries: readonly DedupeEntry[]): Promise<DedupeVerdict[]> {
    if (entries.length === 0) return [];
    const pipeline = this.redis.pipeline();
    // SET NX GET (Redis ≥ 7): sets when absent and returns the previous value either way.
    for (const e of entries) pipeline.set(this.prefix + e.key, e.coordinates, 'EX', this.ttlSeconds, 'NX', 'GET');
    const results = await pipeline.exec();
    if (!results) throw discarded('dedupe marks');
    return results.map(([err, previous], i) => {
      if (err) throw err;
      if (previous === null) return 'first';
      return previous === entries[i]?.coordinates ? 'redelivery' : 'duplicate';
    });
  }
}
