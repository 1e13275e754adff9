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
  /** Hash: `<epochHour>:<field>` → count (kept ~2 days). */
  hours: string;
}

export function freshnessKeys(prefix: string, agencyCode: string): FreshnessKeys {
  const base = `${prefix}fresh:{${agencyCode}}`;
  return { stamps: `${base}:stamps`, minutes: `${base}:m`, hours: `${base}:h` };
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

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
  // Old buckets go with the key; an active agency keeps renewing it, the reader ignores old fields.
  p.pexpire(k.minutes, 2 * HOUR_MS);
  p.pexpire(k.hours, 2 * 24 * HOUR_MS);
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
