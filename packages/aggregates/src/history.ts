/**
 * History of agency aggregates for operators: per agency and rule set, the headcount and the sum of
 * totals per employment type, sampled by the projector after every chunk that changed the agency,
 * kept at three resolutions with bounded retention (history-4.lua). An operator aid beside the
 * aggregates, never part of them: its keys are not under `agg:` (verify and rebuild ignore them),
 * it is written after the sums it samples, and a replay rewrites the same samples.
 *
 *   <prefix>hist:{<code>}:<rules>:m   zset  a sample per minute, kept 24 h
 *   <prefix>hist:{<code>}:<rules>:h   zset  a sample per hour, kept 8 days
 *   <prefix>hist:{<code>}:<rules>:d   zset  a sample per day, kept 400 days
 *
 * A bucket holds the state at the last change within it; a bucket without a sample means no change
 * since the previous one (readers carry the previous sample forward).
 */
import { roundHalfUp2 } from '@ipasn/rules';
import { escapeGlob, isAgencyCode, isRuleSetName } from './keys.js';

export const RESOLUTIONS = {
  minute: { suffix: 'm', widthMs: 60_000, keepMs: 24 * 3_600_000 },
  hour: { suffix: 'h', widthMs: 3_600_000, keepMs: 8 * 24 * 3_600_000 },
  day: { suffix: 'd', widthMs: 86_400_000, keepMs: 400 * 86_400_000 },
} as const;
export type Resolution = keyof typeof RESOLUTIONS;
export const RESOLUTION_NAMES = Object.keys(RESOLUTIONS) as Resolution[];

export function historyKey(prefix: string, agencyCode: string, rules: string, resolution: Resolution): string {
  if (!isAgencyCode(agencyCode)) throw new RangeError(`not an agency code: ${JSON.stringify(agencyCode)}`);
  if (!isRuleSetName(rules)) throw new RangeError(`not a rule-set id: ${JSON.stringify(rules)}`);
  return `${prefix}hist:{${agencyCode}}:${rules}:${RESOLUTIONS[resolution].suffix}`;
}

/** The SCAN pattern of every history key under `prefix`. */
export function historyPattern(prefix: string): string {
  return `${escapeGlob(prefix)}hist:*`;
}

/** history-4.lua's arguments after the keys: now, bucket widths, retentions. */
export function historyArgs(now: number): string[] {
  const r = RESOLUTION_NAMES.map((n) => RESOLUTIONS[n]);
  return [String(now), ...r.map((x) => String(x.widthMs)), ...r.map((x) => String(x.keepMs))];
}

/** One stored sample: the state of an agency and rule set at the last change within a bucket. */
export interface HistorySample {
  /** Bucket start, epoch ms. */
  t: number;
  PNS: { n: number; totalQ: number };
  PPPK: { n: number; totalQ: number };
}

export function decodeSample(raw: string): HistorySample {
  const f = raw.split('|').map(Number);
  if (f.length !== 5 || f.some((x) => !Number.isSafeInteger(x))) throw new RangeError(`bad history sample ${JSON.stringify(raw)}`);
  const [t, pn, pt, qn, qt] = f as [number, number, number, number, number];
  return { t, PNS: { n: pn, totalQ: pt }, PPPK: { n: qn, totalQ: qt } };
}

/** A point of a chart: headcount and the ASN index (mean total, half up to 2 decimals; null for nobody). */
export interface HistoryPoint {
  t: number;
  headcount: number;
  index: number | null;
}

export function pointOf(t: number, samples: readonly HistorySample[]): HistoryPoint {
  let n = 0;
  let q = 0;
  for (const s of samples) {
    n += s.PNS.n + s.PPPK.n;
    q += s.PNS.totalQ + s.PPPK.totalQ;
  }
  return { t, headcount: n, index: n > 0 ? roundHalfUp2(q, 4 * n) : null };
}

/**
 * One series per agency aligned on the bucket starts in [from, to]: each bucket takes the sample
 * of that bucket or, without one, the last earlier sample (`before` is the newest one older than
 * `from`, null when there is none), then the agencies are added up (the national series on read).
 * Buckets before an agency's first known sample count it as absent.
 */
export function alignedPoints(series: readonly { before: HistorySample | null; samples: readonly HistorySample[] }[], from: number, to: number, widthMs: number): HistoryPoint[] {
  const start = from - (from % widthMs);
  const out: HistoryPoint[] = [];
  const cursors = series.map((s) => ({ i: 0, last: s.before, samples: [...s.samples].sort((a, b) => a.t - b.t) }));
  for (let t = start; t <= to; t += widthMs) {
    const at: HistorySample[] = [];
    for (const c of cursors) {
      while (c.i < c.samples.length && (c.samples[c.i]?.t ?? Infinity) <= t) c.last = c.samples[c.i++] ?? c.last;
      if (c.last) at.push(c.last);
    }
    out.push(pointOf(t, at));
  }
  return out;
}
