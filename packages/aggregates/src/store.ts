/**
 * Agency aggregates in Redis: apply score events (one apply-3.lua call per agency touched; calls
 * made together go out as one auto-pipelined round trip), read them back as the `--by-agency` shape,
 * and the national rollup and ranking computed on read.
 */
import type { RuleSetId } from '@ipasn/contracts';
import { IpasnError } from '@ipasn/errors';
import { LuaScripts, type Redis } from '@ipasn/redis';
import { summarize, type AgencySums, type AgencySummary } from '@ipasn/rules';
import type { ScoreEvent } from '@ipasn/serde';
import { decodeSample, historyArgs, historyKey, RESOLUTION_NAMES, RESOLUTIONS, type HistorySample, type Resolution } from './history.js';
import { agencyIndexKey, agencyKeys, agencyScanPattern, aggregatePattern, decodeEntry, invalidReason, legsOf, metaKey, parseSums, type Leg, type StoredEntry } from './keys.js';
import { headcountOf, nationalOf, rankingOf, type AgencySumsRow, type NationalSummary, type RankedAgency } from './rollup.js';

export const LUA_DIR = new URL('../lua/', import.meta.url);

/** apply-3.lua's return codes. */
export const APPLY_RESULTS = ['stale', 'added', 'replaced', 'removed', 'tombstoned'] as const;
export type ApplyResult = (typeof APPLY_RESULTS)[number];

export interface LegOutcome {
  leg: Leg;
  result: ApplyResult;
}

export interface EventOutcome {
  event: ScoreEvent;
  /** Null when the event was applied (or found stale); otherwise why it was skipped. */
  invalid: string | null;
  legs: LegOutcome[];
}

export interface AgencyMeta {
  /** computedAt of the newest applied score event caused by a personnel event (cause EVENT). */
  lastEventAt: number | null;
  /** computedAt of the newest applied score event of any cause (EVENT, CLOCK, RESCORE). */
  lastScoredAt: number | null;
}

export class AggregateStore {
  private constructor(
    private readonly redis: Redis,
    private readonly scripts: LuaScripts,
    readonly prefix: string,
  ) {}

  static async open(redis: Redis, prefix: string): Promise<AggregateStore> {
    return new AggregateStore(redis, await LuaScripts.load(redis, LUA_DIR), prefix);
  }

  /**
   * Applies score events. Every call is issued at once (one round trip with auto-pipelining); the
   * result does not depend on their order, because each call keeps the highest version per
   * employee, agency and rule set. The agency index is written ahead of the scripts on the same
   * connection, so an aggregate is never written without its index entry.
   */
  async apply(events: readonly ScoreEvent[]): Promise<EventOutcome[]> {
    const planned = events.map((event) => {
      const invalid = invalidReason(event);
      return { event, invalid, legs: invalid === null ? legsOf(event) : [] };
    });
    const agencies = new Set(planned.flatMap((p) => p.legs.map((l) => l.agencyCode)));
    // Issued first on the same connection, so Redis runs it before the scripts (same round trip).
    const indexed = agencies.size > 0 ? this.redis.sadd(agencyIndexKey(this.prefix), ...agencies) : Promise.resolve(0);
    const calls = planned.map((p) =>
      Promise.all(
        p.legs.map(async (leg): Promise<LegOutcome> => {
          const keys = agencyKeys(this.prefix, leg.agencyCode, leg.rules);
          const at = String(p.event.computedAt);
          const code = await this.scripts.run('apply', [keys.emp, keys.sums, keys.meta], [leg.nip, leg.entry, at, p.event.cause.kind === 'EVENT' ? at : '']);
          const result = APPLY_RESULTS[Number(code)];
          if (result === undefined) throw new IpasnError('AGGREGATE_SCRIPT_RESULT', `apply-3.lua returned ${String(code)}`);
          return { leg, result };
        }),
      ),
    );
    const [, legs] = await Promise.all([indexed, Promise.all(calls)]);
    return planned.map((p, i) => ({ event: p.event, invalid: p.invalid, legs: legs[i] ?? [] }));
  }

  /**
   * Samples the present sums of each (agency, rule set) into its history series (history.ts), one
   * history-4.lua call each, all in one round trip. Call it after `apply`, with what changed: the
   * script reads the sums and writes only history keys, so the aggregates never depend on it.
   */
  async recordHistory(touched: readonly { agencyCode: string; rules: string }[], now: number): Promise<void> {
    const seen = new Set<string>();
    const args = historyArgs(now);
    await Promise.all(
      touched.flatMap(({ agencyCode, rules }) => {
        if (seen.has(`${agencyCode}|${rules}`)) return [];
        seen.add(`${agencyCode}|${rules}`);
        const keys = [agencyKeys(this.prefix, agencyCode, rules).sums, ...RESOLUTION_NAMES.map((r) => historyKey(this.prefix, agencyCode, rules, r))];
        return [this.scripts.run('history', keys, args)];
      }),
    );
  }

  /**
   * The samples of one agency and rule set from `from` on, and the newest state known before
   * `from` (from this resolution, else from a coarser bucket that ended by `from`), for carrying
   * forward (`alignedPoints`).
   */
  async readHistory(agencyCode: string, rules: string, resolution: Resolution, from: number): Promise<{ before: HistorySample | null; samples: HistorySample[] }> {
    const key = (r: Resolution): string => historyKey(this.prefix, agencyCode, rules, r);
    const coarser = RESOLUTION_NAMES.slice(RESOLUTION_NAMES.indexOf(resolution) + 1);
    const [samples, ...befores] = await Promise.all([
      this.redis.zrangebyscore(key(resolution), from, '+inf'),
      this.redis.zrevrangebyscore(key(resolution), `(${from}`, '-inf', 'LIMIT', 0, 1),
      ...coarser.map((r) => this.redis.zrevrangebyscore(key(r), from - RESOLUTIONS[r].widthMs, '-inf', 'LIMIT', 0, 1)),
    ]);
    const before = befores.map((b) => b[0]).find((b) => b !== undefined);
    return { before: before === undefined ? null : decodeSample(before), samples: samples.map(decodeSample) };
  }

  /** Every agency code written under this prefix, sorted. */
  async agencies(): Promise<string[]> {
    return (await this.redis.smembers(agencyIndexKey(this.prefix))).sort();
  }

  /**
   * Every agency code that has any aggregate key, found by SCAN rather than through the index
   * (verify uses both, so an aggregate missing from the index still gets compared).
   */
  async scanAgencies(): Promise<string[]> {
    const codes = new Set<string>();
    const tag = /agg:\{([0-9A-Z]{4})\}:/u;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', agencyScanPattern(this.prefix), 'COUNT', 1000);
      cursor = next;
      for (const k of keys) {
        const code = tag.exec(k.slice(this.prefix.length))?.[1];
        if (code !== undefined) codes.add(code);
      }
    } while (cursor !== '0');
    return [...codes].sort();
  }

  /** The exact sums of one agency and rule set (all zero when nobody is counted there). */
  async readSums(agencyCode: string, rules: RuleSetId): Promise<AgencySums> {
    return parseSums(await this.redis.hgetall(agencyKeys(this.prefix, agencyCode, rules).sums));
  }

  /**
   * The sums of every indexed agency under `rules`, empty ones included, sorted by agency; with
   * `scan`, also of agencies found by SCAN but missing from the index.
   */
  async readAllSums(rules: RuleSetId, options: { scan?: boolean } = {}): Promise<AgencySumsRow[]> {
    const indexed = await this.agencies();
    const codes = options.scan ? [...new Set([...indexed, ...(await this.scanAgencies())])].sort() : indexed;
    const hashes = await Promise.all(codes.map((c) => this.redis.hgetall(agencyKeys(this.prefix, c, rules).sums)));
    return codes.map((agencyCode, i) => ({ agencyCode, rules, sums: parseSums(hashes[i] ?? {}) }));
  }

  /** The `--by-agency` / console shape of one agency, or null when nobody is counted there. */
  async readAgency(agencyCode: string, rules: RuleSetId): Promise<AgencySummary | null> {
    const sums = await this.readSums(agencyCode, rules);
    return headcountOf(sums) === 0 ? null : summarize(agencyCode, rules, sums);
  }

  /** One summary per agency with anybody counted under `rules`, sorted by agency code. */
  async readAll(rules: RuleSetId): Promise<AgencySummary[]> {
    return (await this.readAllSums(rules)).filter((r) => headcountOf(r.sums) > 0).map((r) => summarize(r.agencyCode, r.rules, r.sums));
  }

  async national(rules: RuleSetId): Promise<NationalSummary> {
    return nationalOf(rules, await this.readAllSums(rules));
  }

  async ranking(rules: RuleSetId): Promise<RankedAgency[]> {
    return rankingOf(rules, await this.readAllSums(rules));
  }

  async meta(agencyCode: string): Promise<AgencyMeta> {
    const [e, s] = await this.redis.hmget(metaKey(this.prefix, agencyCode), 'lastEventAt', 'lastScoredAt');
    return { lastEventAt: e == null ? null : Number(e), lastScoredAt: s == null ? null : Number(s) };
  }

  /** One employee's stored entry on an agency (tests, debugging). */
  async entry(agencyCode: string, rules: string, nip: string): Promise<StoredEntry | null> {
    const raw = await this.redis.hget(agencyKeys(this.prefix, agencyCode, rules).emp, nip);
    return raw === null ? null : decodeEntry(raw);
  }

  /** Deletes every aggregate key under the prefix (sums, contributions, tombstones, meta, index). */
  async drop(): Promise<number> {
    return deleteMatching(this.redis, aggregatePattern(this.prefix));
  }
}

/** SCAN + UNLINK of every key matching `pattern`; returns how many were deleted. */
export async function deleteMatching(redis: Redis, pattern: string, count = 1000): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', count);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
