import { describe, expect, it } from 'vitest';
import { freshnessKeys, HOUR_MS, MINUTE_MS, recordFreshness, sumFreshness, topicNames } from '../src/index.js';

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
  pexpire() {}
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
