import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agencies } from '@ipasn/contracts';
import { normalize } from '@ipasn/normalize';
import { afterAll, describe, expect, it } from 'vitest';
import { PROBE_AGENCY, probeEvent, probeNip, writeProbeAgencies } from '../src/probe.js';
import { sampleQuantile } from '../src/stats.js';

const dir = mkdtempSync(join(tmpdir(), 'ipasn-probe-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('freshness probe events', () => {
  const agencies = Agencies.parse(JSON.parse(readFileSync(writeProbeAgencies(join(dir, 'agencies.json')), 'utf8')));

  it('adds the probe agency to the shipped list, which it keeps', () => {
    const codes = agencies.all.map((a) => a.code);
    expect(codes).toContain(PROBE_AGENCY);
    for (const a of Agencies.default().all) expect(codes).toContain(a.code);
  });

  it('are accepted by the normalizer as upserts of the probe agency', () => {
    const now = new Date('2026-12-07T03:00:00Z');
    for (const i of [0, 1, 999, 1000, 123_456, 364_999]) {
      const r = normalize(probeEvent('run', i, now), { agencies, ingestionTime: now, topicAgency: PROBE_AGENCY });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (r.ok) expect(r.event).toMatchObject({ nip: probeNip(i), agencyCode: PROBE_AGENCY, type: 'ipasn.employee.upserted' });
    }
  });

  it('name a different employee per probe, never one of working age', () => {
    const nips = new Set(Array.from({ length: 5000 }, (_, i) => probeNip(i * 73)));
    expect(nips.size).toBe(5000);
    for (const n of nips) expect(n.slice(0, 4)).toBe('1940');
    expect(() => probeNip(365_000)).toThrow(RangeError);
  });
});

describe('sample quantiles', () => {
  it('take the nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(sampleQuantile(xs, 0.5)).toBe(50);
    expect(sampleQuantile(xs, 0.99)).toBe(99);
    expect(sampleQuantile(xs, 1)).toBe(100);
    expect(sampleQuantile([3], 0.5)).toBe(3);
    expect(sampleQuantile([], 0.5)).toBeNaN();
  });
});
