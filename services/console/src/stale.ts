/**
 * Stale-agency detection (design.md, Freshness): an agency is stale when no event of it has been
 * accepted within its cadence (agency list `cadenceDays`, default 7). A BullMQ job scheduler runs
 * the check every minute; the flags live in Redis under the console's own key prefix, so every
 * console instance shows the same, and `ipasn_agency_stale` reports them.
 */
import type { Agencies } from '@ipasn/contracts';
import { freshnessKeys } from '@ipasn/pipeline';
import type { Redis } from '@ipasn/redis';

export const DAY_MS = 86_400_000;

export interface StaleFlag {
  stale: boolean;
  /** When the agency became stale (the end of its cadence window), or null while fresh. */
  since: number | null;
  /** The last accepted event (the normalizer's stamp), or null when none was ever accepted. */
  lastAcceptedAt: number | null;
  cadenceDays: number;
  /** When the job last evaluated this agency. */
  checkedAt: number;
}

/** Pure: the flag of one agency at `now`. An agency that never sent anything is stale. */
export function evaluateStale(lastAcceptedAt: number | null, cadenceDays: number, now: number, previous?: StaleFlag): StaleFlag {
  const deadline = lastAcceptedAt === null ? null : lastAcceptedAt + cadenceDays * DAY_MS;
  const stale = deadline === null || now > deadline;
  // A flag that stays stale keeps its start; one that never saw an event is stale "since ever" (null).
  const since = !stale ? null : deadline ?? (previous?.stale ? previous.since : null);
  return { stale, since, lastAcceptedAt, cadenceDays, checkedAt: now };
}

/** Every key the console itself writes lives under `<prefix>console:` (the ACL lets it write nothing else). */
export function consoleKey(prefix: string, name: string): string {
  return `${prefix}console:${name}`;
}

export class StaleStore {
  readonly #key: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.#key = consoleKey(prefix, 'stale');
  }

  async read(): Promise<Map<string, StaleFlag>> {
    const raw = await this.redis.hgetall(this.#key);
    return new Map(Object.entries(raw).map(([code, json]) => [code, JSON.parse(json) as StaleFlag]));
  }

  async write(flags: ReadonlyMap<string, StaleFlag>): Promise<void> {
    if (flags.size === 0) return;
    await this.redis.hset(this.#key, Object.fromEntries([...flags].map(([code, f]) => [code, JSON.stringify(f)])));
  }

  /** The last accepted event of each agency, from the normalizer's freshness stamps. */
  async lastAccepted(codes: readonly string[]): Promise<Map<string, number | null>> {
    const stamps = await Promise.all(codes.map((c) => this.redis.hget(freshnessKeys(this.prefix, c).stamps, 'lastAcceptedAt')));
    return new Map(codes.map((c, i) => [c, stamps[i] == null ? null : Number(stamps[i])]));
  }

  /** The job: evaluates every agency of the list in force and stores the flags. */
  async check(agencies: Agencies, now: number): Promise<Map<string, StaleFlag>> {
    const codes = agencies.all.map((a) => a.code);
    const [last, previous] = await Promise.all([this.lastAccepted(codes), this.read()]);
    const flags = new Map(
      agencies.all.map((a) => [a.code, evaluateStale(last.get(a.code) ?? null, a.cadenceDays, now, previous.get(a.code))] as const),
    );
    await this.write(flags);
    return flags;
  }
}
