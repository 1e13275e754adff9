import { describe, expect, it } from 'vitest';
import { ceHeaders, parseCeHeaders, SerdeError, type KafkaHeaderValue } from '../src/index.js';

const attributes = {
  id: 'e-1',
  source: '/agencies/3004',
  type: 'ipasn.employee.upserted',
  time: '2025-05-01T03:00:00.000Z',
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof SerdeError ? `${e.code}: ${e.message}` : String(e);
  }
  return undefined;
}

describe('CloudEvents binary-mode headers', () => {
  it('writes the ce_ headers, spec version 1.0 and the Avro content type', () => {
    expect(ceHeaders(attributes)).toStrictEqual({
      ce_id: 'e-1',
      ce_source: '/agencies/3004',
      ce_type: 'ipasn.employee.upserted',
      ce_time: '2025-05-01T03:00:00.000Z',
      ce_specversion: '1.0',
      'content-type': 'application/avro',
    });
    expect(ceHeaders({ ...attributes, subject: '197001011995031001' }).ce_subject).toBe('197001011995031001');
  });

  it('parses them back, from strings or from the Buffers a consumer receives', () => {
    const written = ceHeaders({ ...attributes, subject: 'x' });
    expect(parseCeHeaders(written)).toStrictEqual({ ...attributes, subject: 'x' });
    const received: Record<string, KafkaHeaderValue> = Object.fromEntries(Object.entries(written).map(([k, v]) => [k, Buffer.from(v)]));
    expect(parseCeHeaders({ ...received, other: Buffer.from('ignored') })).toStrictEqual({ ...attributes, subject: 'x' });
    expect(parseCeHeaders(ceHeaders(attributes))).toStrictEqual(attributes);
  });

  it.each([
    ['a missing ce_id', { ce_id: undefined }, /BAD_HEADERS: header ce_id is missing/u],
    ['another spec version', { ce_specversion: '0.3' }, /ce_specversion is 0\.3, expected 1\.0/u],
    ['a JSON content type', { 'content-type': 'application/json' }, /content-type is application\/json, expected application\/avro/u],
    ['a time without an offset', { ce_time: '2025-05-01T10:00:00' }, /header ce_time is not an RFC 3339 timestamp/u],
    ['a repeated header', { ce_type: ['a', 'b'] }, /header ce_type appears 2 times/u],
  ] as const)('refuses %s', (_what, change, message) => {
    expect(code(() => parseCeHeaders({ ...ceHeaders(attributes), ...change }))).toMatch(message);
  });

  it('refuses to write an empty id or a bad time', () => {
    expect(code(() => ceHeaders({ ...attributes, id: '' }))).toMatch(/BAD_HEADERS: CloudEvents attribute id is empty/u);
    expect(code(() => ceHeaders({ ...attributes, time: 'now' }))).toMatch(/BAD_HEADERS: CloudEvents attribute time is not an RFC 3339/u);
  });
});
