/**
 * The normalizer's dedupe marks, restored by `ipasn rebuild` (docs/reliability.md, "Redis that
 * comes back empty or behind"). A mark `<prefix>dedupe:<source>|<id>` says "a copy of this event
 * was accepted: drop the next one" (events.md, Duplicates: the first copy wins). Redis that came
 * back empty lost them; every accepted event is on ipasn.events, which the rebuild replays anyway,
 * so each replayed event gets its mark back:
 *
 *   - set when absent: a mark still there (the normalizer's own, with the first copy's ingress
 *     coordinates) is kept; one restored for an older copy of the same (source, id) is moved to
 *     the newer copy (its value and TTL), so the mark lives as long as the live one would;
 *   - the value is `rebuilt:<ingestion time ms>`, never a copy's ingress coordinates
 *     (`topic/partition/offset`): the normalizer takes any later copy for a duplicate, never for a
 *     redelivery of the first;
 *   - the TTL is the normalizer's (NORMALIZER_DEDUPE_TTL_DAYS) minus the event's age since its
 *     ingestion; an event older than that gets none (the live mark would have expired too);
 *   - an event the scorer rejects (NOT_OWNER, UNKNOWN_RECORD, TOO_MANY_RECORDS) leaves no mark
 *     (the live scorer deletes it, so a corrected resend passes): it gets none, and its key is
 *     remembered with its ingestion time; at the end of the replay a restored mark no newer than
 *     the reject is deleted (an earlier copy's, or the event's own when the scorer held it for a
 *     while and rejected it in a later chunk). A newer one is a corrected resend's, accepted after the reject: it stays. A mark the
 *     normalizer wrote (coordinates) is left alone: the live scorer deleted the rejected copy's, so
 *     one there now is a later copy's.
 *
 * One pipelined round trip per replayed chunk, one per 1000 rejected keys at the end.
 *
 * An event carries its partition and offset on ipasn.events: a reject is matched to its event by them.
 */
import { dedupeKey } from '@ipasn/normalize';
import { discarded, type Redis } from '@ipasn/redis';

/** The normalizer's default NORMALIZER_DEDUPE_TTL_DAYS (services/normalizer/src/config.ts). */
export const DEFAULT_DEDUPE_TTL_DAYS = 8;

/** Value prefix of a restored mark: never equal to ingress coordinates `topic/partition/offset`. */
export const REBUILT_MARK = 'rebuilt:';

/** An event as the replay sees it: its (source, id) and the time the normalizer accepted it. */
export interface MarkedEvent {
  event: { source: string; id: string };
  ingestedAt: number;
  partition: number;
  offset: number;
}

export interface MarksResult {
  /** Marks written (absent before). */
  restored: number;
  /** Restored marks moved to a newer copy of the same (source, id). */
  moved: number;
  /** Marks already there (the normalizer's, or a newer replayed copy's): kept. */
  present: number;
  /** Events older than the dedupe TTL: no mark. */
  expired: number;
  /** Restored marks deleted again because the scorer rejects the event. */
  forgotten: number;
}

const REBUILT_TIME = `tonumber(string.sub(v, ${REBUILT_MARK.length + 1}))`;
const IS_REBUILT = `string.sub(v, 1, ${REBUILT_MARK.length}) == '${REBUILT_MARK}'`;

// Sets the mark (KEYS[1]) of a copy ingested at ARGV[1] ms for ARGV[2] ms when absent (1) or a
// restored one of an older copy (2); else keeps it (0).
const RESTORE = `
local v = redis.call('GET', KEYS[1])
if v and not (${IS_REBUILT} and ${REBUILT_TIME} < tonumber(ARGV[1])) then return 0 end
redis.call('SET', KEYS[1], '${REBUILT_MARK}' .. ARGV[1], 'PX', ARGV[2])
if v then return 2 end
return 1`;

// Deletes a restored mark no newer than the reject (KEYS[1]; ARGV[1] the reject's ingestion ms).
const FORGET = `
local v = redis.call('GET', KEYS[1])
if v and ${IS_REBUILT} and ${REBUILT_TIME} <= tonumber(ARGV[1]) then
  return redis.call('DEL', KEYS[1])
end
return 0`;

async function exec(pipeline: ReturnType<Redis['pipeline']>): Promise<[Error | null, unknown][]> {
  const results = await pipeline.exec();
  if (!results) throw discarded('restored dedupe marks');
  return results;
}

export class MarkRestore {
  readonly #ttlMs: number;
  readonly #now: () => number;
  /** Rejected keys → the latest reject's ingestion time. */
  readonly #rejected = new Map<string, number>();
  readonly result: MarksResult = { restored: 0, moved: 0, present: 0, expired: 0, forgotten: 0 };

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: { ttlDays?: number | undefined; now?: () => number } = {},
  ) {
    const days = options.ttlDays ?? DEFAULT_DEDUPE_TTL_DAYS;
    if (!(days > 0)) throw new RangeError('the dedupe TTL must be positive');
    this.#ttlMs = Math.round(days * 86_400) * 1000;
    this.#now = options.now ?? Date.now;
  }

  #key(event: MarkedEvent['event']): string {
    return `${this.prefix}dedupe:${dedupeKey(event)}`;
  }

  /** One replayed chunk: marks for its events, in one round trip; rejects remembered for {@link finish}. */
  async chunk(events: readonly MarkedEvent[], rejects: readonly MarkedEvent[]): Promise<void> {
    const rejected = new Set(rejects.map((r) => `${r.partition}/${r.offset}`));
    for (const r of rejects) {
      const key = this.#key(r.event);
      this.#rejected.set(key, Math.max(this.#rejected.get(key) ?? -Infinity, r.ingestedAt));
    }
    const now = this.#now();
    const pipeline = this.redis.pipeline();
    let queued = 0;
    for (const e of events) {
      if (rejected.has(`${e.partition}/${e.offset}`)) continue;
      const ttl = this.#ttlMs - (now - e.ingestedAt);
      if (ttl <= 0) {
        this.result.expired++;
        continue;
      }
      pipeline.eval(RESTORE, 1, this.#key(e.event), e.ingestedAt, ttl);
      queued++;
    }
    if (queued === 0) return;
    for (const [err, n] of await exec(pipeline)) {
      if (err) throw err;
      if (n === 1) this.result.restored++;
      else if (n === 2) this.result.moved++;
      else this.result.present++;
    }
  }

  /** After the replay: the rejected events' restored marks go (pipelined). */
  async finish(): Promise<MarksResult> {
    const keys = [...this.#rejected];
    for (let i = 0; i < keys.length; i += 1000) {
      const pipeline = this.redis.pipeline();
      for (const [key, at] of keys.slice(i, i + 1000)) pipeline.eval(FORGET, 1, key, at);
      for (const [err, n] of await exec(pipeline)) {
        if (err) throw err;
        this.result.forgotten += Number(n);
      }
    }
    this.#rejected.clear();
    return this.result;
  }
}
