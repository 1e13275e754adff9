/**
 * Per-agency freshness counters in Redis (design.md, "Freshness"): the normalizer counts accepted,
 * rejected and duplicate events per agency in minute and hour buckets, and stamps the last accepted
 * event; the console reads them. Keys carry the agency hash tag: `<prefix>fresh:{<code>}:…`.
 */
export const FRESHNESS_FIELDS = ['accepted', 'rejected', 'duplicates'] as const;
export type FreshnessField = (typeof FRESHNESS_FIELDS)[number];

export interface FreshnessKeys {
  /** Hash: lastAcceptedAt, lastRejectedAt (epoch ms). */
  stamps: string;
  /** Hash: `<epochMinute>:<field>` → count (kept ~2 h). */
  minutes: string;
  /** Hash: `<epochHour>:<field>` → count (kept ~8 days: the console's 7-day charts). */
  hours: string;
}

export function freshnessKeys(prefix: string, agencyCode: string): FreshnessKeys {
  const base = `${prefix}fresh:{${agencyCode}}`;
  return { stamps: `${base}:stamps`, minutes: `${base}:m`, hours: `${base}:h` };
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** How long the hour buckets' key lives after its last write: the console charts 7 days. */
export const HOURS_KEPT_MS = 8 * 24 * HOUR_MS;

/** The Redis commands the writer needs (an ioredis pipeline satisfies it). */
export interface FreshnessPipeline {
  hincrby(key: string, field: string, increment: number): unknown;
  hset(key: string, field: string, value: string | number): unknown;
  pexpire(key: string, ms: number): unknown;
}

export function recordFreshness(
  p: FreshnessPipeline,
  prefix: string,
  agencyCode: string,
  counts: Partial<Record<FreshnessField, number>>,
  now: number,
): void {
  const k = freshnessKeys(prefix, agencyCode);
  const minute = Math.floor(now / MINUTE_MS);
  const hour = Math.floor(now / HOUR_MS);
  for (const field of FRESHNESS_FIELDS) {
    const n = counts[field] ?? 0;
    if (n <= 0) continue;
    p.hincrby(k.minutes, `${minute}:${field}`, n);
    p.hincrby(k.hours, `${hour}:${field}`, n);
  }
  if ((counts.accepted ?? 0) > 0) p.hset(k.stamps, 'lastAcceptedAt', now);
  if ((counts.rejected ?? 0) > 0) p.hset(k.stamps, 'lastRejectedAt', now);
  // An idle agency's buckets go with the key; an active agency keeps renewing it, so its old
  // fields are deleted by pruneFreshness (the writer calls it about once an hour).
  p.pexpire(k.minutes, MINUTES_KEPT_MS);
  p.pexpire(k.hours, HOURS_KEPT_MS);
}

/** How long minute buckets are kept (the console sums the last 60 minutes). */
export const MINUTES_KEPT_MS = 2 * HOUR_MS;

/** The fields of a bucket hash older than `keptMs` before `now` (`<bucket>:<field>`, bucket in units of `unitMs`). */
export function expiredBuckets(fields: readonly string[], now: number, unitMs: number, keptMs: number): string[] {
  const oldest = Math.floor((now - keptMs) / unitMs);
  return fields.filter((f) => {
    const b = Number(f.slice(0, f.indexOf(':')));
    return !Number.isSafeInteger(b) || b < oldest;
  });
}

/** The Redis commands pruning needs (an ioredis client satisfies it). */
export interface FreshnessPruner {
  hkeys(key: string): Promise<string[]>;
  hdel(key: string, ...fields: string[]): Promise<number>;
}

/**
 * Deletes an agency's minute buckets older than 2 hours and hour buckets older than 8 days, so the
 * hashes of an agency that never goes quiet stay bounded (about 360 and 580 fields). Only deletes
 * buckets no reader sums, so it needs no coordination with writers. Returns the fields deleted.
 */
export async function pruneFreshness(redis: FreshnessPruner, prefix: string, agencyCode: string, now: number): Promise<number> {
  const k = freshnessKeys(prefix, agencyCode);
  let deleted = 0;
  for (const [key, unit, kept] of [
    [k.minutes, MINUTE_MS, MINUTES_KEPT_MS],
    [k.hours, HOUR_MS, HOURS_KEPT_MS],
  ] as const) {
    const old = expiredBuckets(await redis.hkeys(key), now, unit, kept);
    for (let i = 0; i < old.length; i += 500) deleted += await redis.hdel(key, ...old.slice(i, i + 500));
  }
  return deleted;
}

export interface FreshnessCounts {
  lastAcceptedAt: number | null;
  lastRejectedAt: number | null;
  lastHour: Record<FreshnessField, number>;
  lastDay: Record<FreshnessField, number>;
}

/** Sums the buckets of the last 60 minutes and the last 24 hours (the current ones included). */
export function sumFreshness(stamps: Record<string, string>, minutes: Record<string, string>, hours: Record<string, string>, now: number): FreshnessCounts {
  const zero = (): Record<FreshnessField, number> => ({ accepted: 0, rejected: 0, duplicates: 0 });
  const lastHour = zero();
  const lastDay = zero();
  const minute = Math.floor(now / MINUTE_MS);
  const hour = Math.floor(now / HOUR_MS);
  const add = (into: Record<FreshnessField, number>, buckets: Record<string, string>, from: number, to: number) => {
    for (const [key, value] of Object.entries(buckets)) {
      const [bucket, field] = key.split(':') as [string, FreshnessField];
      const b = Number(bucket);
      if (b > from && b <= to && field in into) into[field] += Number(value);
    }
  };
  add(lastHour, minutes, minute - 60, minute);
  add(lastDay, hours, hour - 24, hour);
  const stamp = (v: string | undefined) => (v === undefined ? null : Number(v));
  return { lastAcceptedAt: stamp(stamps['lastAcceptedAt']), lastRejectedAt: stamp(stamps['lastRejectedAt']), lastHour, lastDay };
}

/** One hour of an agency's freshness, for charts. */
export interface FreshnessHour {
  /** Start of the hour, epoch ms. */
  t: number;
  accepted: number;
  rejected: number;
  /** rejected / (accepted + rejected); null in an hour without either. */
  rejectRate: number | null;
  /**
   * Age of the newest accepted event at the end of the hour (at `now` for the current one), in
   * seconds; exact from the last-accepted stamp, else from the hour buckets (at least this old);
   * null when no accepted event is known up to then.
   */
  ageSeconds: number | null;
}

/** The last `hours` hours (the current one last) of counts, reject rate and age of the newest accepted event. */
export function hourlyFreshness(stamps: Record<string, string>, buckets: Record<string, string>, now: number, hours: number): FreshnessHour[] {
  const current = Math.floor(now / HOUR_MS);
  const first = current - hours + 1;
  const accepted = new Map<number, number>();
  const rejected = new Map<number, number>();
  for (const [key, value] of Object.entries(buckets)) {
    const [bucket, field] = key.split(':');
    const b = Number(bucket);
    if (!Number.isSafeInteger(b) || b > current) continue;
    if (field === 'accepted') accepted.set(b, (accepted.get(b) ?? 0) + Number(value));
    if (field === 'rejected') rejected.set(b, (rejected.get(b) ?? 0) + Number(value));
  }
  const stamp = stamps['lastAcceptedAt'] === undefined ? null : Number(stamps['lastAcceptedAt']);
  // The newest hour with accepted events at or before each hour, from the oldest bucket on.
  const withAccepted = [...accepted.entries()].filter(([, n]) => n > 0).map(([b]) => b).sort((a, b) => a - b);
  const out: FreshnessHour[] = [];
  let j = -1;
  for (let h = first; h <= current; h++) {
    while (j + 1 < withAccepted.length && (withAccepted[j + 1] ?? Infinity) <= h) j++;
    const end = Math.min((h + 1) * HOUR_MS, now);
    const lastHour = j >= 0 ? withAccepted[j] : undefined;
    let age: number | null = null;
    if (stamp !== null && stamp <= end) age = end - stamp;
    else if (lastHour !== undefined) age = Math.max(0, end - (lastHour + 1) * HOUR_MS);
    const a = accepted.get(h) ?? 0;
    const r = rejected.get(h) ?? 0;
    out.push({ t: h * HOUR_MS, accepted: a, rejected: r, rejectRate: a + r > 0 ? r / (a + r) : null, ageSeconds: age === null ? null : Math.floor(age / 1000) });
  }
  return out;
}
