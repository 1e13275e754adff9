import { describe, expect, it } from 'vitest';
import { REJECT_REASONS } from '@ipasn/contracts';
import { MAX_EVENT_BYTES, NORMALIZER_REJECT_REASONS, normalize } from '../src/index.js';
import { ctx, ingress, NIP, reasonOf, run } from './fixtures.js';

const BAD_NIP = '196813111993031009'; // month 13
const FUTURE_TIME = '2025-07-02T00:00:00.001Z'; // ingestion + 24 h + 1 ms

describe('reject reasons', () => {
  it('are checks 1–7 of contracts, in order', () => {
    expect(NORMALIZER_REJECT_REASONS).toEqual(REJECT_REASONS.slice(0, 7));
  });

  it.each<[string, unknown, string]>([
    ['not JSON', '{"specversion": "1.0",', 'MALFORMED'],
    ['an array', '[]', 'MALFORMED'],
    ['a JSON string', '"hello"', 'MALFORMED'],
    ['JSON null', 'null', 'MALFORMED'],
    ['a number', '42', 'MALFORMED'],
    ['empty input', '', 'MALFORMED'],
    ['an unknown type', JSON.stringify(ingress('ipasn.employee.upserted', {}, { type: 'ipasn.employee.deleted' })), 'UNSUPPORTED_TYPE'],
    ['no type', JSON.stringify(ingress('ipasn.employee.upserted', {}, { type: undefined })), 'UNSUPPORTED_TYPE'],
    ['a type in another case', JSON.stringify(ingress('ipasn.employee.upserted', {}, { type: 'IPASN.EMPLOYEE.UPSERTED' })), 'UNSUPPORTED_TYPE'],
    ['a type from Object.prototype', JSON.stringify(ingress('ipasn.employee.upserted', {}, { type: 'constructor' })), 'UNSUPPORTED_TYPE'],
    ['specversion 0.3', JSON.stringify(ingress('ipasn.employee.upserted', {}, { specversion: '0.3' })), 'UNSUPPORTED_TYPE'],
    ['specversion as a number', JSON.stringify(ingress('ipasn.employee.upserted', {}, { specversion: 1.0 })), 'UNSUPPORTED_TYPE'],
    ['no specversion', JSON.stringify(ingress('ipasn.employee.upserted', {}, { specversion: undefined })), 'UNSUPPORTED_TYPE'],
    ['a missing data field', JSON.stringify(ingress('ipasn.employee.upserted', { name: undefined })), 'SCHEMA_INVALID'],
    ['a bad NIP', JSON.stringify(ingress('ipasn.employee.upserted', {}, { subject: BAD_NIP })), 'INVALID_NIP'],
    ['an unknown sender', JSON.stringify(ingress('ipasn.employee.upserted', {}, { source: '/agencies/9999' })), 'UNKNOWN_AGENCY'],
    ['an unknown transfer target', JSON.stringify(ingress('ipasn.employee.transferred', { toAgencyCode: '9001' })), 'UNKNOWN_AGENCY'],
    ['a future time', JSON.stringify(ingress('ipasn.employee.upserted', {}, { time: FUTURE_TIME })), 'FUTURE_DATED'],
  ])('%s → %s', (_what, raw, reason) => {
    expect(normalize(raw as string, ctx)).toMatchObject({ ok: false, reason });
  });

  it('AGENCY_MISMATCH only when the topic agency is given', () => {
    const event = ingress('ipasn.employee.upserted');
    expect(reasonOf(event, { topicAgency: '4011' })).toBe('AGENCY_MISMATCH');
    expect(reasonOf(event, { topicAgency: '3004' })).toBe('OK');
    expect(reasonOf(event)).toBe('OK');
    expect(run(event, { topicAgency: '4011' })).toMatchObject({ paths: ['source'] });
  });
});

describe('the first failure wins', () => {
  const cases: [string, Record<string, unknown>, Partial<typeof ctx>, string][] = [
    ['unsupported type and schema-invalid', ingress('ipasn.employee.upserted', { name: 5 }, { type: 'x', id: 7 }), {}, 'UNSUPPORTED_TYPE'],
    ['bad specversion and bad NIP', ingress('ipasn.employee.upserted', {}, { specversion: '2.0', subject: BAD_NIP }), {}, 'UNSUPPORTED_TYPE'],
    ['schema-invalid and bad NIP', ingress('ipasn.employee.upserted', { jobGroup: 'X' }, { subject: BAD_NIP }), {}, 'SCHEMA_INVALID'],
    ['bad NIP and unknown agency', ingress('ipasn.employee.upserted', {}, { subject: BAD_NIP, source: '/agencies/9999' }), {}, 'INVALID_NIP'],
    ['unknown agency and topic mismatch', ingress('ipasn.employee.upserted', {}, { source: '/agencies/9999' }), { topicAgency: '3004' }, 'UNKNOWN_AGENCY'],
    ['topic mismatch and future-dated', ingress('ipasn.employee.upserted', {}, { time: FUTURE_TIME }), { topicAgency: '4011' }, 'AGENCY_MISMATCH'],
    ['unknown agency and future-dated', ingress('ipasn.employee.upserted', {}, { source: '/agencies/9999', time: FUTURE_TIME }), {}, 'UNKNOWN_AGENCY'],
    ['bad NIP and future-dated', ingress('ipasn.employee.upserted', {}, { subject: BAD_NIP, time: FUTURE_TIME }), {}, 'INVALID_NIP'],
    ['malformed source and unknown agency', ingress('ipasn.employee.transferred', { toAgencyCode: '9999' }, { source: 'agencies/3004' }), {}, 'SCHEMA_INVALID'],
    ['transfer to self, unknown agency', ingress('ipasn.employee.transferred', { toAgencyCode: '9999' }, { source: '/agencies/9999' }), {}, 'SCHEMA_INVALID'],
    ['schema-invalid and future-dated', ingress('ipasn.training.recorded', { hours: -1, completedOn: '2030-01-01' }), {}, 'SCHEMA_INVALID'],
  ];
  it.each(cases)('%s → %s', (_what, event, context, reason) => {
    expect(reasonOf(event, context)).toBe(reason);
  });
});

describe('reject contents', () => {
  it('carries the raw id, source and type when they are strings, else null', () => {
    expect(run(ingress('ipasn.employee.upserted', {}, { type: 'x', id: ' raw id ', source: 'not a source' }))).toMatchObject({
      id: ' raw id ',
      source: 'not a source',
      type: 'x',
    });
    expect(run(ingress('ipasn.employee.upserted', {}, { type: 1, id: 12, source: null }))).toMatchObject({
      id: null,
      source: null,
      type: null,
    });
    expect(run(ingress('ipasn.employee.upserted', {}, { subject: BAD_NIP }))).toMatchObject({
      id: 'evt-1',
      source: '/agencies/3004',
      type: 'ipasn.employee.upserted',
    });
    expect(normalize('[1, 2]', ctx)).toMatchObject({ id: null, source: null, type: null, paths: [] });
  });

  it('names every bad field of a schema-invalid event together', () => {
    const r = run(
      ingress('ipasn.training.recorded', { hours: 'abc', completedOn: '2025-02-30', kind: 'X' }, { time: 'yesterday', id: '' }),
    );
    expect(r).toMatchObject({ reason: 'SCHEMA_INVALID' });
    expect(r.ok ? [] : [...r.paths].sort()).toEqual(['data.completedOn', 'data.hours', 'data.kind', 'id', 'time']);
    expect(r.ok ? '' : r.message).toContain('data.hours: expected a whole number ≥ 0, got "abc"');
  });

  it('names missing envelope attributes and data', () => {
    const event = ingress('ipasn.employee.upserted', {}, { id: undefined, source: undefined, subject: undefined, time: undefined, data: undefined });
    const r = run(event);
    expect(r).toMatchObject({ reason: 'SCHEMA_INVALID', paths: ['id', 'source', 'subject', 'time', 'data'] });
    expect(r.ok ? '' : r.message).toBe('id: required; source: required; subject: required; time: required; data: required');
  });

  it('never quotes the employee name, free text or the NIP', () => {
    const name = { first: 'Siti Rahayu' };
    const messages = [
      run(ingress('ipasn.employee.upserted', { name, jobGroup: 'X' })),
      run(ingress('ipasn.employee.upserted', { name: 42, positionName: ['Siti Rahayu'] })),
      run(ingress('ipasn.employee.upserted', { name: 'Siti Rahayu' }, { subject: 1968041119930310 })),
      run(ingress('ipasn.employee.upserted', { name: 'Siti Rahayu' }, { subject: '196813111993031009' })),
      run(ingress('ipasn.employee.upserted', { name: 'Siti Rahayu' }, { subject: '1968041119930310' })),
      normalize('{"data": {"name": "Siti Rahayu" ', ctx),
      normalize(`{"subject": "${NIP}", "name": "Siti Rahayu"} x`, ctx),
    ].map((r) => (r.ok ? '' : r.message));
    for (const m of messages) {
      expect(m).not.toMatch(/Siti|Rahayu/u);
      expect(m).not.toContain(NIP);
      expect(m).not.toContain('196813111993031009');
      expect(m.length).toBeGreaterThan(0);
    }
  });

  it('describes oversized input without reading it', () => {
    const r = normalize(new Uint8Array(MAX_EVENT_BYTES + 1), ctx);
    expect(r).toMatchObject({ ok: false, reason: 'MALFORMED', paths: [] });
  });
});
