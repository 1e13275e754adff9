/**
 * Applied offsets (docs/reliability.md, "Redis that comes back behind"): one hash,
 * `<prefix>applied`, field `<topic>:<partition>`, value the next input offset the namespace's
 * Redis state reflects (the scorer's states for `ipasn.events`, the projector's aggregates for
 * `ipasn.scores`).
 *
 * A writer records it after a chunk's state writes and BEFORE the Kafka commit of that offset (a
 * chunk's transaction, the consumer's own commit, a commit past transaction markers), on the same
 * connection: Redis applies one connection's commands in order, and its AOF and replication keep
 * that order, so a Redis that still has the applied offset still has the writes before it. Hence the
 * invariant of a healthy Redis, per partition: applied ≥ the consumer group's committed offset.
 * A Redis that came back behind in the same generation (a replica promoted that missed the last
 * writes, an AOF that lost its last second) breaks it: {@link findBehind}.
 *
 * The value only grows ({@link recordApplied} keeps the larger), and a writer that finds its own
 * last recorded value gone backwards reports it at once instead of overwriting it: otherwise its
 * next chunk would move the applied offset past the committed one again and hide the loss before
 * the next check.
 */
import type { Redis } from 'ioredis';
import { epochKey } from './epoch-key.js';

export function appliedKey(prefix: string): string {
  return `${prefix}applied`;
}

export function appliedField(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/** Redis came back behind: a partition's committed offset (or a value this process had recorded) is above what Redis holds. */
export interface BehindProblem {
  kind: 'behind';
  topic: string;
  partition: number;
  /** The group's committed offset (`check`), or the applied offset this process recorded last (`write`). */
  committed: string;
  /** What Redis holds. */
  applied: string;
  /** Found by the periodic / start / reconnection check, or by a writer's own record. */
  source: 'check' | 'write';
}

// KEYS[1] the hash, KEYS[2] the epoch marker; ARGV: field, next offset, this process's last
// recorded value ('' = none), the epoch id the writer started with ('' = none).
// Returns 'epoch' when the marker is not that one (Redis flushed or replaced), the stored value
// ('' when the field is gone) when it is below the last one recorded (Redis went back), else nil.
const RECORD = `
if ARGV[4] ~= '' and redis.call('HGET', KEYS[2], 'id') ~= ARGV[4] then return 'epoch' end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[3] ~= '' and ((not cur) or tonumber(cur) < tonumber(ARGV[3])) then return cur or '' end
if (not cur) or tonumber(cur) < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return false
`;

/** A writer found the epoch marker gone or replaced while recording (the guard classifies it). */
export interface EpochLost {
  kind: 'epoch-lost';
}

/**
 * A writer's applied offsets: {@link record} before every Kafka commit of an input partition. One
 * per process and Redis connection (it remembers what it recorded, per partition).
 */
export class AppliedOffsets {
  readonly #last = new Map<string, bigint>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * Records that Redis reflects `topic`/`partition` up to `nextOffset` (exclusive). Records nothing
   * and returns a problem when the stored value is below the last one this process recorded, or
   * gone (Redis went back, or was flushed: a flush must not let one more chunk commit output
   * computed on the empty state before the periodic check sees it), or, given the epoch id the
   * writer started with, when the marker is no longer that one. A field this process never
   * recorded may be missing (state written before applied offsets existed, a new partition).
   */
  async record(topic: string, partition: number, nextOffset: string, epochId = ''): Promise<BehindProblem | EpochLost | null> {
    const field = appliedField(topic, partition);
    const last = this.#last.get(field);
    const stored = (await this.redis.eval(RECORD, 2, appliedKey(this.prefix), epochKey(this.prefix), field, nextOffset, last === undefined ? '' : last.toString(), epochId)) as string | null;
    if (stored === 'epoch') return { kind: 'epoch-lost' };
    if (stored !== null && last !== undefined) return { kind: 'behind', topic, partition, committed: last.toString(), applied: stored === '' ? 'none' : stored, source: 'write' };
    const next = BigInt(nextOffset);
    if (last === undefined || next > last) this.#last.set(field, next);
    return null;
  }
}

/** Every applied offset of the namespace, by `<topic>:<partition>`. */
export async function readApplied(redis: Redis, prefix: string): Promise<Map<string, bigint>> {
  const hash = await redis.hgetall(appliedKey(prefix));
  return new Map(Object.entries(hash).map(([field, value]) => [field, BigInt(value)]));
}

/** `ipasn rebuild`: sets what the rebuilt state reflects (replacing the hash). */
export async function writeApplied(redis: Redis, prefix: string, offsets: readonly { topic: string; partition: number; offset: string }[]): Promise<void> {
  const key = appliedKey(prefix);
  const tx = redis.multi().del(key);
  if (offsets.length > 0) tx.hset(key, Object.fromEntries(offsets.map((o) => [appliedField(o.topic, o.partition), o.offset])));
  await tx.exec();
}

/**
 * The check: a partition whose committed offset is above the applied offset Redis holds for it (a
 * missing field, state written before applied offsets existed, is not one). Read the committed
 * offsets FIRST, then Redis: an applied offset is recorded before its commit, so one read after the
 * commits is at or above them on a healthy Redis.
 */
export async function findBehind(redis: Redis, prefix: string, committed: readonly { topic: string; partition: number; offset: string }[]): Promise<BehindProblem | null> {
  const applied = await readApplied(redis, prefix);
  for (const c of committed) {
    const a = applied.get(appliedField(c.topic, c.partition));
    if (a === undefined || BigInt(c.offset) < 0n) continue;
    if (BigInt(c.offset) > a) return { kind: 'behind', topic: c.topic, partition: c.partition, committed: c.offset, applied: a.toString(), source: 'check' };
  }
  return null;
}
