/**
 * A bounded, restart-safe "first copy wins" store (events.md, Duplicates). Each mark remembers the
 * coordinates of the first copy, so the redelivery of that same message after a crash is told
 * apart from a real duplicate. One pipelined round trip per call; marks expire after `ttlSeconds`.
 */
import { IpasnError } from '@ipasn/errors';
import type { Redis } from 'ioredis';
import { epochKey } from './epoch.js';
import { discarded } from './index.js';

export type DedupeVerdict = 'first' | 'redelivery' | 'duplicate';

export interface DedupeEntry {
  /** The idempotency key, e.g. `${source}\u0000${id}`. */
  key: string;
  /** Where this copy was read: `${topic}/${partition}/${offset}`. */
  coordinates: string;
}

/**
 * SET NX GET of every mark, only while the epoch marker is the one given (KEYS[1] the marker,
 * KEYS[2..] the marks; ARGV[1] the epoch id, ARGV[2] the TTL, ARGV[3..] the coordinates). Returns
 * the marker id found and, when it is the one given, the previous value of every mark.
 */
const MARK_IN_EPOCH = `
local id = redis.call('HGET', KEYS[1], 'id')
if id ~= ARGV[1] then return { id or '' } end
local out = { id }
for i = 2, #KEYS do
  out[i] = redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[2], 'NX', 'GET')
end
return out`;

/** The marks were not written: Redis no longer holds the epoch marker the service started with. */
export class EpochChangedError extends IpasnError {
  override name = 'EpochChangedError';
  constructor(
    readonly expected: string,
    readonly found: string,
  ) {
    super('REDIS_EPOCH_CHANGED', `the Redis epoch marker is ${found === '' ? 'gone' : `now ${found}`}, not ${expected}: Redis came back empty or was rebuilt`, { retriable: true });
  }
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
  /**
   * With `epoch` (the id of the marker the service started with, `<prefix>epoch`), the marks are
   * written in one script only while that marker is in force, else nothing is written and it
   * throws {@link EpochChangedError}: marks lost with a flushed Redis cannot let a duplicate through
   * between two periodic epoch checks (docs/reliability.md).
   */
  async mark(entries: readonly DedupeEntry[], epoch?: { prefix: string; id: string }): Promise<DedupeVerdict[]> {
    if (entries.length === 0) return [];
    if (epoch) return this.#markInEpoch(entries, epoch);
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

  async #markInEpoch(entries: readonly DedupeEntry[], epoch: { prefix: string; id: string }): Promise<DedupeVerdict[]> {
    const keys = [epochKey(epoch.prefix), ...entries.map((e) => this.prefix + e.key)];
    const result = (await this.redis.eval(MARK_IN_EPOCH, keys.length, ...keys, epoch.id, this.ttlSeconds, ...entries.map((e) => e.coordinates))) as (string | null)[];
    const found = result[0] ?? '';
    if (found !== epoch.id) throw new EpochChangedError(epoch.id, found);
    return entries.map((e, i) => {
      const previous = result[i + 1] ?? null;
      if (previous === null) return 'first';
      return previous === e.coordinates ? 'redelivery' : 'duplicate';
    });
  }
}
