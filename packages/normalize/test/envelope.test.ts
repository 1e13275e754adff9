import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, normalize, utf8Length } from '../src/index.js';
import { ctx, ingress, run } from './fixtures.js';

const encoder = new TextEncoder();

/** A valid event padded (in an ignored extension attribute) to exactly `bytes` UTF-8 bytes. */
function eventOfSize(bytes: number, pad = 'x'): string {
  const base = JSON.stringify({ ...ingress('ipasn.employee.upserted'), padding: '' });
  const room = bytes - encoder.encode(base).length;
  const unit = encoder.encode(pad).length;
  const text = JSON.stringify({ ...ingress('ipasn.employee.upserted'), padding: pad.repeat(Math.floor(room / unit)) + 'x'.repeat(room % unit) });
  expect(encoder.encode(text).length).toBe(bytes);
  return text;
}

describe('MALFORMED: size, encoding, shape', () => {
  it.each([
    ['ASCII', 'x'],
    ['2-byte UTF-8', 'é'],
    ['3-byte UTF-8', '€'],
    ['4-byte UTF-8', '😀'],
  ])('accepts exactly 64 KiB and rejects one byte more (%s padding)', (_what, pad) => {
    const fits = eventOfSize(MAX_EVENT_BYTES, pad);
    const over = eventOfSize(MAX_EVENT_BYTES + 1, pad);
    expect(utf8Length(fits)).toBe(MAX_EVENT_BYTES);
    expect(normalize(fits, ctx).ok).toBe(true);
    expect(normalize(encoder.encode(fits), ctx).ok).toBe(true);
    expect(normalize(over, ctx)).toMatchObject({ reason: 'MALFORMED' });
    expect(normalize(encoder.encode(over), ctx)).toMatchObject({ reason: 'MALFORMED' });
  });

  it('measures lone surrogates as 3 bytes', () => {
    expect(utf8Length('\ud800')).toBe(3);
    expect(utf8Length('a\udc00b')).toBe(5);
    expect(utf8Length('😀')).toBe(4);
  });

  it('rejects bytes that are not UTF-8', () => {
    const bytes = encoder.encode(JSON.stringify(ingress('ipasn.employee.upserted')));
    bytes[40] = 0xff;
    expect(normalize(bytes, ctx)).toMatchObject({ reason: 'MALFORMED', message: 'the event is not valid UTF-8' });
  });

  it('accepts a leading byte order mark, as bytes or text', () => {
    const text = JSON.stringify(ingress('ipasn.employee.upserted'));
    expect(normalize(`\ufeff${text}`, ctx).ok).toBe(true);
    expect(normalize(new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode(text)]), ctx).ok).toBe(true);
  });

  it('accepts a Node Buffer', () => {
    expect(normalize(Buffer.from(JSON.stringify(ingress('ipasn.employee.upserted'))), ctx).ok).toBe(true);
  });

  it.each([
    ['[]', 'expected a JSON object, got an array'],
    ['"event"', 'expected a JSON object, got a string'],
    ['null', 'expected a JSON object, got null'],
    ['true', 'expected a JSON object, got a boolean'],
    ['1', 'expected a JSON object, got a number'],
    ['{"a":', 'the event is not valid JSON'],
    ['{} {}', 'the event is not valid JSON'],
  ])('%j → %s', (raw, message) => {
    expect(normalize(raw, ctx)).toMatchObject({ ok: false, reason: 'MALFORMED', paths: [] });
    const r = normalize(raw, ctx);
    expect(r.ok ? '' : r.message).toContain(message);
  });

  it('does not throw on input of the wrong JavaScript type', () => {
    expect(normalize(42 as unknown as string, ctx)).toMatchObject({ reason: 'MALFORMED' });
    expect(normalize(undefined as unknown as string, ctx)).toMatchObject({ reason: 'MALFORMED' });
  });

  it('survives deep nesting', () => {
    expect(normalize('['.repeat(60_000), ctx)).toMatchObject({ reason: 'MALFORMED' });
    expect(normalize(`{"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}`, ctx)).toMatchObject({ reason: 'UNSUPPORTED_TYPE' });
  });
});

describe('envelope attributes', () => {
  const upsert = (envelope: Record<string, unknown>) => run(ingress('ipasn.employee.upserted', {}, envelope));

  it.each<[string, unknown, string]>([
    ['Z', '2025-06-30T03:00:00Z', '2025-06-30T03:00:00.000Z'],
    ['lower-case z and t', '2025-06-30t03:00:00z', '2025-06-30T03:00:00.000Z'],
    ['no offset means +07:00', '2025-06-30T10:00:00', '2025-06-30T03:00:00.000Z'],
    ['no offset, no seconds', '2025-06-30T10:00', '2025-06-30T03:00:00.000Z'],
    ['no offset, crossing midnight', '2025-06-30T05:30:00', '2025-06-29T22:30:00.000Z'],
    ['+07:00', '2025-06-30T10:00:00+07:00', '2025-06-30T03:00:00.000Z'],
    ['+0700', '2025-06-30T10:00:00+0700', '2025-06-30T03:00:00.000Z'],
    ['+07', '2025-06-30T10:00:00+07', '2025-06-30T03:00:00.000Z'],
    ['-03:30', '2025-06-30T10:00:00-03:30', '2025-06-30T13:30:00.000Z'],
    ['+09:00 (WIT)', '2025-06-30T12:00:00+09:00', '2025-06-30T03:00:00.000Z'],
    ['milliseconds', '2025-06-30T03:00:00.123Z', '2025-06-30T03:00:00.123Z'],
    ['microseconds are truncated', '2025-06-30T03:00:00.123999Z', '2025-06-30T03:00:00.123Z'],
    ['one fraction digit', '2025-06-30T03:00:00.5Z', '2025-06-30T03:00:00.500Z'],
    ['a space for T', '2025-06-30 10:00:00', '2025-06-30T03:00:00.000Z'],
    ['leap day', '2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('time with %s', (_what, time, canonical) => {
    const r = upsert({ time });
    expect(r.ok && r.event.time).toBe(canonical);
  });

  it.each<[string, unknown]>([
    ['a date only', '2025-06-30'],
    ['a real date check', '2025-02-29T00:00:00Z'],
    ['hour 24', '2025-06-30T24:00:00Z'],
    ['minute 60', '2025-06-30T10:60:00Z'],
    ['second 60', '2025-06-30T10:00:60Z'],
    ['offset +24:00', '2025-06-30T10:00:00+24:00'],
    ['a number', 1751252400000],
    ['a DD-MM-YYYY date-time', '30-06-2025T10:00:00'],
    ['words', 'yesterday'],
    ['an empty string', ''],
  ])('time as %s is SCHEMA_INVALID', (_what, time) => {
    expect(upsert({ time })).toMatchObject({ reason: 'SCHEMA_INVALID', paths: ['time'] });
  });

  it.each<[string, unknown, string]>([
    ['a 128-character id', 'i'.repeat(128), 'OK'],
    ['a 129-character id', 'i'.repeat(129), 'id'],
    ['an empty id', '', 'id'],
    ['a number id', 5, 'id'],
  ])('%s', (_what, id, expected) => {
    const r = upsert({ id });
    expect(r.ok ? 'OK' : r.paths.join()).toBe(expected);
  });

  it('keeps id exactly as sent', () => {
    const r = upsert({ id: ' a b ' });
    expect(r.ok && r.event.id).toBe(' a b ');
  });

  it.each(['agencies/3004', '/agencies/300', '/agencies/30045', '/agencies/3004/', '/agencies/ab12', '/Agencies/3004', 3004, null])(
    'source %j is SCHEMA_INVALID',
    (source) => {
      expect(upsert({ source })).toMatchObject({ reason: 'SCHEMA_INVALID', paths: ['source'] });
    },
  );

  it('takes agencyCode from source (letters allowed)', () => {
    const r = run(ingress('ipasn.employee.upserted', {}, { source: '/agencies/4011' }));
    expect(r.ok && r.event.agencyCode).toBe('4011');
    expect(upsert({ source: '/agencies/AB12' })).toMatchObject({ reason: 'UNKNOWN_AGENCY', paths: ['source'] });
  });

  it.each<[unknown, boolean]>([
    [undefined, true],
    [null, true],
    ['application/json', true],
    ['Application/JSON', true],
    ['application/json; charset=utf-8', true],
    ['text/plain', false],
    ['application/jsonx', false],
    ['', false],
    [1, false],
  ])('datacontenttype %j', (datacontenttype, ok) => {
    expect(upsert({ datacontenttype }).ok).toBe(ok);
  });

  it('ignores unknown envelope attributes (CloudEvents extensions) and unknown data fields', () => {
    const r = run(
      ingress('ipasn.employee.upserted', { nickname: 'B', extra: { deep: [1] } }, { traceparent: '00-abc', dataschema: 'x', partitionkey: 1 }),
    );
    expect(r.ok && r.event).toEqual({
      id: 'evt-1',
      source: '/agencies/3004',
      agencyCode: '3004',
      type: 'ipasn.employee.upserted',
      nip: '196804111993031009',
      time: '2025-06-30T03:00:00.000Z',
      data: { name: 'Budi Santoso', employmentType: 'PNS', jobGroup: 'PELAKSANA' },
    });
  });

  it.each([null, [], 'x', 1])('data %j is SCHEMA_INVALID', (data) => {
    expect(upsert({ data })).toMatchObject({ reason: 'SCHEMA_INVALID', paths: ['data'] });
  });
});

describe('FUTURE_DATED (ingestion 2025-07-01T00:00:00Z = 07:00 WIB)', () => {
  it.each<[string, string, boolean]>([
    ['exactly 24 h after ingestion', '2025-07-02T00:00:00.000Z', true],
    ['24 h + 1 ms after ingestion', '2025-07-02T00:00:00.001Z', false],
    ['24 h after, without offset (+07:00)', '2025-07-02T07:00:00', true],
    ['24 h + 1 s after, without offset', '2025-07-02T07:00:01', false],
    ['long ago', '2001-01-01T00:00:00Z', true],
  ])('time %s', (_what, time, ok) => {
    expect(run(ingress('ipasn.employee.upserted', {}, { time })).ok).toBe(ok);
  });

  it.each<[string, Record<string, unknown>, string | null]>([
    // 00:00 WIB on 2 July is 2025-07-01T17:00Z, within 24 h.
    ['completedOn tomorrow', { completedOn: '2025-07-02' }, null],
    ['completedOn the day after tomorrow', { completedOn: '2025-07-03' }, 'data.completedOn'],
  ])('training %s', (_what, data, path) => {
    const r = run(ingress('ipasn.training.recorded', data));
    expect(r.ok ? null : r.paths.join()).toBe(path);
  });

  it('a record date whose 00:00 WIB is exactly 24 h after ingestion is ok, 1 ms less slack is not', () => {
    const event = ingress('ipasn.education.recorded', { graduatedOn: '2025-07-02' }); // 00:00 WIB = 2025-07-01T17:00Z
    expect(run(event, { ingestionTime: new Date('2025-06-30T17:00:00.000Z') }).ok).toBe(true);
    expect(run(event, { ingestionTime: new Date('2025-06-30T16:59:59.999Z') })).toMatchObject({
      reason: 'FUTURE_DATED',
      paths: ['data.graduatedOn'],
    });
  });

  it('checks imposedOn but lets endsOn lie in the future', () => {
    expect(run(ingress('ipasn.discipline.recorded', { imposedOn: '2025-07-01', endsOn: '2030-01-01' })).ok).toBe(true);
    expect(run(ingress('ipasn.discipline.recorded', { imposedOn: '2025-07-03' }))).toMatchObject({
      reason: 'FUTURE_DATED',
      paths: ['data.imposedOn'],
    });
  });

  it('checks the appraisal year against the ingestion year in Asia/Jakarta', () => {
    const y2026 = ingress('ipasn.appraisal.recorded', { year: 2026 }, { time: '2025-12-31T00:00:00Z' });
    expect(run(ingress('ipasn.appraisal.recorded', { year: 2025 })).ok).toBe(true);
    expect(run(y2026, { ingestionTime: new Date('2025-12-31T16:59:59.999Z') })).toMatchObject({
      reason: 'FUTURE_DATED',
      paths: ['data.year'],
    });
    expect(run(y2026, { ingestionTime: new Date('2025-12-31T17:00:00Z') }).ok).toBe(true); // 1 Jan 2026 WIB
  });

  it('names every future field', () => {
    const r = run(ingress('ipasn.training.recorded', { completedOn: '2026-01-01' }, { time: '2026-01-01T00:00:00Z' }));
    expect(r).toMatchObject({ reason: 'FUTURE_DATED', paths: ['time', 'data.completedOn'] });
  });
});

describe('the context', () => {
  it('refuses an invalid ingestion time (a programmer error, not bad data)', () => {
    expect(() => run(ingress('ipasn.employee.upserted'), { ingestionTime: new Date('nope') })).toThrow(RangeError);
  });

  it('uses the agency list it is given', () => {
    const event = ingress('ipasn.employee.upserted', {}, { source: '/agencies/9001' });
    expect(run(event)).toMatchObject({ reason: 'UNKNOWN_AGENCY' });
  });
});
