import { describe, expect, it } from 'vitest';
import { freshnessKeys, HOUR_MS, HOURS_KEPT_MS, hourlyFreshness, MINUTE_MS, recordFreshness, sumFreshness, topicNames } from '../src/index.js';

class FakePipeline {
  readonly hashes = new Map<string, Record<string, string>>();
  hincrby(key: string, field: string, n: number) {
    const h = this.hashes.get(key) ?? {};
    h[field] = String(Number(h[field] ?? 0) + n);
    this.hashes.set(key, h);
  }
  hset(key: string, field: string, value: string | number) {
    const h = this.hashes.get(key) ?? {};
    h[field] = String(value);
    this.hashes.set(key, h);
  }
  readonly expiries = new Map<string, number>();
  pexpire(key: string, ms: number) {
    this.expiries.set(key, ms);
  }
}

describe('freshness counters', () => {
  it('counts the last hour and the last day from buckets, and stamps the last accepted event', () => {
    const p = new FakePipeline();
    const t0 = Date.UTC(2025, 5, 30, 10, 30);
    recordFreshness(p, 'ipasn:', '3004', { accepted: 5, rejected: 1 }, t0 - 2 * HOUR_MS);
    recordFreshness(p, 'ipasn:', '3004', { accepted: 7, duplicates: 2 }, t0 - 30 * MINUTE_MS);
    recordFreshness(p, 'ipasn:', '3004', { accepted: 1 }, t0);
    const k = freshnessKeys('ipasn:', '3004');
    expect(k.minutes).toBe('ipasn:fresh:{3004}:m');
    const c = sumFreshness(p.hashes.get(k.stamps) ?? {}, p.hashes.get(k.minutes) ?? {}, p.hashes.get(k.hours) ?? {}, t0);
    expect(c.lastHour).toEqual({ accepted: 8, rejected: 0, duplicates: 2 });
    expect(c.lastDay).toEqual({ accepted: 13, rejected: 1, duplicates: 2 });
    expect(c.lastAcceptedAt).toBe(t0);
    expect(c.lastRejectedAt).toBe(t0 - 2 * HOUR_MS);
  });
});

describe('topic names', () => {
  it('prefixes every name and matches only its own ingress topics', () => {
    const t = topicNames('t1.');
    expect([t.events, t.dlq, t.ingress('3004')]).toEqual(['t1.ipasn.events', 't1.ipasn.dlq', 't1.ipasn.ingress.3004']);
    expect(t.ingressPattern.exec('t1.ipasn.ingress.3004')?.[1]).toBe('3004');
    expect(t.ingressPattern.test('ipasn.ingress.3004')).toBe(false);
    expect(t.ingressPattern.test('t1xipasn.ingress.3004')).toBe(false);
  });
});

describe("hourly freshness (the console's 7-day charts)", () => {
  const t0 = Date.UTC(2025, 5, 30, 10, 30);

  it('keeps the hour buckets 8 days', () => {
    const p = new FakePipeline();
    recordFreshness(p, 'ipasn:', '3004', { accepted: 1 }, t0);
    expect(p.expiries.get(freshnessKeys('ipasn:', '3004').hours)).toBe(HOURS_KEPT_MS);
    expect(HOURS_KEPT_MS).toBeGreaterThan(7 * 24 * HOUR_MS);
  });

  it('counts per hour, the reject rate, and the age of the newest accepted event at the end of each hour', () => {
    const p = new FakePipeline();
    recordFreshness(p, 'ipasn:', '3004', { accepted: 3, rejected: 1 }, t0 - 3 * HOUR_MS); // 07:30
    recordFreshness(p, 'ipasn:', '3004', { rejected: 2 }, t0 - 2 * HOUR_MS); // 08:30, rejects only
    recordFreshness(p, 'ipasn:', '3004', { accepted: 1 }, t0 - 10 * MINUTE_MS); // 10:20
    const k = freshnessKeys('ipasn:', '3004');
    const hours = hourlyFreshness(p.hashes.get(k.stamps) ?? {}, p.hashes.get(k.hours) ?? {}, t0, 5);
    const h = (hh: number) => Date.UTC(2025, 5, 30, hh);
    expect(hours).toEqual([
      { t: h(6), accepted: 0, rejected: 0, rejectRate: null, ageSeconds: null },
      // The last-accepted stamp is later (10:20): the bucket says "at least since the end of 07:00-08:00".
      { t: h(7), accepted: 3, rejected: 1, rejectRate: 0.25, ageSeconds: 0 },
      { t: h(8), accepted: 0, rejected: 2, rejectRate: 1, ageSeconds: 3600 },
      { t: h(9), accepted: 0, rejected: 0, rejectRate: null, ageSeconds: 7200 },
      // The current hour ends now; the stamp is exact: 10 minutes.
      { t: h(10), accepted: 1, rejected: 0, rejectRate: 0, ageSeconds: 600 },
    ]);
  });

  it('uses the stamp when it is older than the window, and ignores future buckets', () => {
    const stamps = { lastAcceptedAt: String(t0 - 30 * 24 * HOUR_MS) };
    const hours = hourlyFreshness(stamps, { [`${Math.floor(t0 / HOUR_MS) + 5}:accepted`]: '9' }, t0, 2);
    expect(hours.map((x) => [x.accepted, x.ageSeconds])).toEqual([
      [0, 30 * 24 * 3600 - 1800],
      [0, 30 * 24 * 3600],
    ]);
  });
});
