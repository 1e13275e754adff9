/**
 * History for the console's charts: per agency and rule set, the index and headcount over time
 * (the projector's samples, @ipasn/aggregates history), and the last 7 days of freshness and reject
 * rate per hour (the normalizer's hour buckets, @ipasn/pipeline); the national series is the sum of
 * every agency's, computed on read like the national rollup.
 */
import { alignedPoints, RESOLUTIONS, type HistoryPoint, type Resolution } from '@ipasn/aggregates';
import { freshnessKeys, hourlyFreshness, type FreshnessHour } from '@ipasn/pipeline';
import type { Redis } from '@ipasn/redis';
import type { ViewDeps } from './agencies.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const FRESHNESS_HOURS = 7 * 24;

/** The time ranges a chart can ask for, each at the resolution that keeps it (retention). */
export const HISTORY_RANGES = {
  '24h': { resolution: 'minute', spanMs: DAY_MS },
  '7d': { resolution: 'hour', spanMs: 7 * DAY_MS },
  '1y': { resolution: 'day', spanMs: 365 * DAY_MS },
} as const satisfies Record<string, { resolution: Resolution; spanMs: number }>;
export type HistoryRange = keyof typeof HISTORY_RANGES;
export const HISTORY_RANGE_NAMES = Object.keys(HISTORY_RANGES) as HistoryRange[];

export interface HistoryDeps {
  views: ViewDeps;
  redis: Redis;
  redisPrefix: string;
}

export interface HistoryView {
  /** Null for the national series. */
  agency: string | null;
  rules: string;
  range: HistoryRange;
  resolution: Resolution;
  stepMs: number;
  points: HistoryPoint[];
  /** The last 7 days per hour, whatever the range. */
  freshness: FreshnessHour[];
}

async function indexSeries(d: HistoryDeps, codes: readonly string[], rules: string, range: HistoryRange): Promise<Pick<HistoryView, 'resolution' | 'stepMs' | 'points'>> {
  const { resolution, spanMs } = HISTORY_RANGES[range];
  const stepMs = RESOLUTIONS[resolution].widthMs;
  const to = d.views.clock();
  const from = to - spanMs + stepMs;
  const series = await Promise.all(codes.map((c) => d.views.store.readHistory(c, rules, resolution, from - (from % stepMs))));
  return { resolution, stepMs, points: alignedPoints(series, from, to, stepMs) };
}

async function freshnessOf(d: HistoryDeps, code: string, now: number): Promise<FreshnessHour[]> {
  const k = freshnessKeys(d.redisPrefix, code);
  const [stamps, hours] = await Promise.all([d.redis.hgetall(k.stamps), d.redis.hgetall(k.hours)]);
  return hourlyFreshness(stamps, hours, now, FRESHNESS_HOURS);
}

export async function agencyHistory(d: HistoryDeps, code: string, rules: string, range: HistoryRange): Promise<HistoryView> {
  const now = d.views.clock();
  const [series, freshness] = await Promise.all([indexSeries(d, [code], rules, range), freshnessOf(d, code, now)]);
  return { agency: code, rules, range, ...series, freshness };
}

/**
 * Every agency with aggregates added up; freshness: counts and reject rate summed over the agencies
 * of the list in force, and the age of the stalest agency's newest accepted event per hour.
 */
export async function nationalHistory(d: HistoryDeps, rules: string, range: HistoryRange): Promise<HistoryView> {
  const now = d.views.clock();
  const stored = await d.views.store.agencies();
  const listed = d.views.agencies.all.map((a) => a.code);
  const [series, perAgency] = await Promise.all([indexSeries(d, stored, rules, range), Promise.all(listed.map((c) => freshnessOf(d, c, now)))]);
  return { agency: null, rules, range, ...series, freshness: sumHours(perAgency, now) };
}

export function sumHours(perAgency: readonly FreshnessHour[][], now: number): FreshnessHour[] {
  const current = Math.floor(now / HOUR_MS);
  const out: FreshnessHour[] = [];
  for (let i = 0; i < FRESHNESS_HOURS; i++) {
    const t = (current - FRESHNESS_HOURS + 1 + i) * HOUR_MS;
    let accepted = 0;
    let rejected = 0;
    let age: number | null = null;
    for (const hours of perAgency) {
      const h = hours[i];
      if (!h) continue;
      accepted += h.accepted;
      rejected += h.rejected;
      if (h.ageSeconds !== null) age = Math.max(age ?? 0, h.ageSeconds);
    }
    out.push({ t, accepted, rejected, rejectRate: accepted + rejected > 0 ? rejected / (accepted + rejected) : null, ageSeconds: age });
  }
  return out;
}
