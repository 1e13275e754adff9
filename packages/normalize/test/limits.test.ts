/**
 * The length limits of events.md (under "Rejects"): characters after trimming; one over the limit
 * is SCHEMA_INVALID naming the field, at the limit is fine. Each limit ±1, for every field it covers.
 */
import { describe, expect, it } from 'vitest';
import type { EventType } from '@ipasn/contracts';
import { charCount, LENGTH_LIMITS } from '../src/index.js';
import { ingress, run } from './fixtures.js';

interface Field {
  /** The path in a reject message. */
  path: string;
  limit: number;
  /** A valid event with this field set to `value`. */
  event: (value: string) => Record<string, unknown>;
}

const data = (type: EventType, field: string, extra: Record<string, unknown> = {}) => (value: string) => ingress(type, { [field]: value, ...extra });

const FIELDS: Field[] = [
  { path: 'id', limit: 128, event: (v) => ingress('ipasn.employee.upserted', {}, { id: v }) },
  ...(['ipasn.education.recorded', 'ipasn.training.recorded', 'ipasn.appraisal.recorded', 'ipasn.discipline.recorded', 'ipasn.record.retracted'] as const).map(
    (type): Field => ({ path: `data.recordId (${type})`, limit: 128, event: data(type, 'recordId') }),
  ),
  { path: 'data.name (upserted)', limit: 200, event: data('ipasn.employee.upserted', 'name') },
  { path: 'data.positionName', limit: 200, event: data('ipasn.employee.upserted', 'positionName') },
  { path: 'data.unitName', limit: 200, event: data('ipasn.employee.upserted', 'unitName') },
  { path: 'data.institution', limit: 200, event: data('ipasn.education.recorded', 'institution') },
  { path: 'data.major', limit: 200, event: data('ipasn.education.recorded', 'major') },
  { path: 'data.name (training)', limit: 200, event: data('ipasn.training.recorded', 'name') },
  { path: 'data.penalty', limit: 500, event: data('ipasn.discipline.recorded', 'penalty') },
];

const pathOf = (f: Field): string => f.path.replace(/ \(.*\)$/u, '');

describe('length limits (events.md)', () => {
  it('are the numbers of events.md', () => {
    expect(LENGTH_LIMITS).toEqual({ id: 128, recordId: 128, type: 64, source: 64, text: 200, penalty: 500 });
  });

  describe.each(FIELDS.map((f) => [f.path, f] as const))('%s', (_name, f) => {
    it(`${f.limit} characters are accepted`, () => {
      expect(run(f.event('a'.repeat(f.limit)))).toMatchObject({ ok: true });
    });

    it(`${f.limit + 1} characters are SCHEMA_INVALID, naming the field and the limit`, () => {
      const r = run(f.event('a'.repeat(f.limit + 1)));
      expect(r).toMatchObject({ ok: false, reason: 'SCHEMA_INVALID' });
      if (r.ok) return;
      expect(r.paths).toEqual([pathOf(f)]);
      expect(r.message).toContain(`${pathOf(f)}: expected`);
      expect(r.message).toContain(`${f.limit} characters, got ${f.limit + 1}`);
      // The value itself is never quoted (it may be a name).
      expect(r.message).not.toContain('aaaaaaaaaa');
    });

    it('counts after trimming: the limit with spaces around is accepted', () => {
      expect(run(f.event(`  ${'a'.repeat(f.limit)}\t `))).toMatchObject({ ok: true });
    });

    it('counts characters, not UTF-16 units: the limit in emoji is accepted, one more is not', () => {
      expect(run(f.event('😀'.repeat(f.limit)))).toMatchObject({ ok: true });
      expect(run(f.event('😀'.repeat(f.limit + 1)))).toMatchObject({ ok: false, reason: 'SCHEMA_INVALID' });
    });
  });

  it('a name is measured before its inner spaces collapse (trimmed only, as events.md says)', () => {
    const spaced = `${'a'.repeat(100)}${' '.repeat(101)}b`; // 202 characters; 102 once collapsed
    expect(run(ingress('ipasn.employee.upserted', { name: spaced }))).toMatchObject({ ok: false, reason: 'SCHEMA_INVALID' });
  });

  describe('source: 64', () => {
    it('64 characters break only the source format (SCHEMA_INVALID, not about length)', () => {
      const r = run(ingress('ipasn.employee.upserted', {}, { source: `/agencies/${'A'.repeat(54)}` }));
      expect(r).toMatchObject({ ok: false, reason: 'SCHEMA_INVALID', paths: ['source'] });
      if (!r.ok) expect(r.message).not.toContain('at most');
    });

    it('65 characters are SCHEMA_INVALID for their length, without quoting the value', () => {
      const r = run(ingress('ipasn.employee.upserted', {}, { source: `/agencies/${'A'.repeat(55)}` }));
      expect(r).toMatchObject({ ok: false, reason: 'SCHEMA_INVALID', paths: ['source'] });
      if (!r.ok) expect(r.message).toBe('source: expected at most 64 characters, got 65');
    });
  });

  describe('type: 64', () => {
    // No known type is near 64 characters, so a longer one fails check 2 first (the first failure wins).
    it.each([64, 65, 10_000])('a %i-character type is UNSUPPORTED_TYPE, quoted at most 40 characters', (n) => {
      const r = run(ingress('ipasn.employee.upserted', {}, { type: 't'.repeat(n) }));
      expect(r).toMatchObject({ ok: false, reason: 'UNSUPPORTED_TYPE' });
      if (!r.ok) expect(r.message).not.toContain('t'.repeat(41));
    });
  });

  it('an id of only spaces is empty after trimming: SCHEMA_INVALID', () => {
    expect(run(ingress('ipasn.employee.upserted', {}, { id: '   ' }))).toMatchObject({ ok: false, reason: 'SCHEMA_INVALID', paths: ['id'] });
  });

  it('charCount counts code points; a lone surrogate is one', () => {
    expect(charCount('')).toBe(0);
    expect(charCount('abc')).toBe(3);
    expect(charCount('é😀a')).toBe(3);
    expect(charCount('\uD83D')).toBe(1);
    expect(charCount('\uD83Dx')).toBe(2);
  });
});
