/**
 * The fuzzing generators of `@ipasn/normalize/testing` against the pure normalizer: every malformed
 * message is rejected by checks 1–7 with a declared reason (never thrown, never accepted), every
 * valid one accepted, for ingestion times from 1 July 2025 to today. The same generators feed the
 * service's fuzz test (services/normalizer/test/fuzz.test.ts). Seeded, bounded.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Agencies } from '@ipasn/contracts';
import { NORMALIZER_REJECT_REASONS, normalize } from '../src/index.js';
import { fuzzMessages, fuzzSample, type FuzzKind } from '../src/testing.js';

const agencies = Agencies.default();
const REASONS = new Set<string>(NORMALIZER_REJECT_REASONS);
const INGESTION = [new Date('2025-07-01T00:00:00Z'), new Date()];

describe('fuzz generators against the pure normalizer', () => {
  it('rejects every malformed message with a reason of checks 1–7, accepts every valid one', () => {
    fc.assert(
      fc.property(fuzzMessages(), fc.constantFrom(...INGESTION), (s, ingestionTime) => {
        const r = normalize(s.bytes, { agencies, ingestionTime, topicAgency: '3004' });
        if (s.malformed) {
          expect(r.ok, `${s.kind} accepted: ${s.bytes.subarray(0, 300).toString()}`).toBe(false);
          if (!r.ok) expect(REASONS.has(r.reason)).toBe(true);
        } else {
          expect(r.ok, `valid rejected: ${r.ok ? '' : `${r.reason} ${r.message}`} ${s.bytes.toString()}`).toBe(true);
        }
      }),
      { numRuns: 4_000, seed: 20261206 },
    );
  }, 120_000);

  it('covers every kind, and a seed gives the same messages', () => {
    const a = fuzzSample(3_000, 14);
    const kinds = new Map<FuzzKind, number>();
    for (const s of a) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
    expect([...kinds.keys()].sort()).toEqual(
      ['deep-nesting', 'huge-string', 'impossible-date', 'invalid-utf8', 'long-string', 'missing-field', 'number-string-out-of-range', 'proto-keys', 'random-bytes', 'valid', 'wrong-type'].sort(),
    );
    const b = fuzzSample(3_000, 14);
    expect(b.map((s) => s.bytes.toString('base64'))).toEqual(a.map((s) => s.bytes.toString('base64')));
  }, 120_000);
});
