/**
 * Fuzzing generators (`@ipasn/normalize/testing`), shared by this package's property tests and the
 * normalizer service's fuzz test (services/normalizer/test/fuzz.test.ts): fast-check arbitraries of
 * ingress messages as bytes, valid ones and malformed ones of every kind issue 14 names — wrong
 * types, missing fields, huge strings, invalid UTF-8, random bytes, deep nesting, `__proto__` /
 * `constructor` keys, numbers as strings out of range, impossible dates.
 *
 * Every event is from `/agencies/<agency>` (default 3004), dated in the first half of 2025 (so it is
 * not future-dated for any ingestion time from 1 July 2025 on), with its own `id` drawn from
 * `idPrefix` and a counter (rejects leave no dedupe mark; a valid event is never a duplicate). A
 * `malformed` sample must be rejected by checks 1–7 for any such ingestion time; a valid one accepted.
 * fast-check is a dev dependency of the workspace: import this module from tests only.
 */
import fc from 'fast-check';
import { EVENT_TYPES, type EventType } from '@ipasn/contracts';

export type FuzzKind =
  | 'valid'
  | 'wrong-type'
  | 'missing-field'
  | 'huge-string'
  | 'long-string'
  | 'invalid-utf8'
  | 'random-bytes'
  | 'deep-nesting'
  | 'proto-keys'
  | 'number-string-out-of-range'
  | 'impossible-date';

export interface FuzzSample {
  kind: FuzzKind;
  /** True when checks 1–7 must reject it. */
  malformed: boolean;
  /** The message value, as sent. */
  bytes: Buffer;
}

/** Valid data per type (the dates before 2025-06-01). */
const VALID_DATA: { [T in EventType]: Record<string, unknown> } = {
  'ipasn.employee.upserted': { name: 'Budi Santoso', employmentType: 'PNS', jobGroup: 'PELAKSANA' },
  'ipasn.education.recorded': { recordId: 'edu-1', level: 'S1', graduatedOn: '2010-08-30' },
  'ipasn.training.recorded': { recordId: 'trn-1', kind: 'TECHNICAL', hours: 24, completedOn: '2025-05-01' },
  'ipasn.appraisal.recorded': { recordId: 'skp-2024', year: 2024, predicate: 'BAIK' },
  'ipasn.discipline.recorded': { recordId: 'dis-1', level: 'RINGAN', imposedOn: '2025-01-10' },
  'ipasn.record.retracted': { recordId: 'edu-1' },
  'ipasn.employee.transferred': { toAgencyCode: '4011' },
  'ipasn.employee.separated': { reason: 'RETIRED' },
};

/** The data fields each type requires (removing or mistyping one is SCHEMA_INVALID). */
const REQUIRED_DATA: { [T in EventType]: readonly string[] } = {
  'ipasn.employee.upserted': ['name', 'employmentType', 'jobGroup'],
  'ipasn.education.recorded': ['recordId', 'level', 'graduatedOn'],
  'ipasn.training.recorded': ['recordId', 'kind', 'hours', 'completedOn'],
  'ipasn.appraisal.recorded': ['recordId', 'year', 'predicate'],
  'ipasn.discipline.recorded': ['recordId', 'level', 'imposedOn'],
  'ipasn.record.retracted': ['recordId'],
  'ipasn.employee.transferred': ['toAgencyCode'],
  'ipasn.employee.separated': ['reason'],
};

const REQUIRED_ENVELOPE = ['specversion', 'id', 'source', 'type', 'subject', 'time', 'data'] as const;

/** Calendar-date fields per type, and the event time: where an impossible date goes. */
const DATE_FIELDS: Partial<Record<EventType, string>> = {
  'ipasn.education.recorded': 'graduatedOn',
  'ipasn.training.recorded': 'completedOn',
  'ipasn.discipline.recorded': 'imposedOn',
};

export interface FuzzOptions {
  /** The sending agency (its topic and `source`); default 3004. */
  agency?: string;
  /** Ids are `<idPrefix><n>`; default `fz-`. */
  idPrefix?: string;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A valid NIP: born 1960–1989, appointed 20–30 years later (before 2020), gender 1 or 2. */
const nip = fc
  .record({ y: fc.integer({ min: 1960, max: 1989 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }), after: fc.integer({ min: 20, max: 30 }), am: fc.integer({ min: 1, max: 12 }), g: fc.constantFrom(1, 2), seq: fc.integer({ min: 1, max: 999 }) })
  .map(({ y, m, d, after, am, g, seq }) => `${y}${pad(m)}${pad(d)}${Math.min(2019, y + after)}${pad(am)}${g}${pad(seq, 3)}`);

/** An instant in January–May 2025, in WIB. */
const time = fc
  .record({ m: fc.integer({ min: 1, max: 5 }), d: fc.integer({ min: 1, max: 28 }), h: fc.integer({ min: 0, max: 23 }), min: fc.integer({ min: 0, max: 59 }) })
  .map(({ m, d, h, min }) => `2025-${pad(m)}-${pad(d)}T${pad(h)}:${pad(min)}:00+07:00`);

/** A JSON value no field of an event accepts (for a required field: wrong type). */
const wrongValue = fc.oneof(
  fc.boolean(),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { minKeys: 1, maxKeys: 3 }),
);

/**
 * Ingress messages: valid events (about a quarter) and malformed ones of every kind. Each call of
 * the arbitrary's samples gets a fresh id from the shared counter, so build it once per test.
 */
export function fuzzMessages(options: FuzzOptions = {}): fc.Arbitrary<FuzzSample> {
  const agency = options.agency ?? '3004';
  const idPrefix = options.idPrefix ?? 'fz-';
  let counter = 0;
  const nextId = (): string => `${idPrefix}${++counter}`;

  const base = fc.record({ type: fc.constantFrom(...EVENT_TYPES), subject: nip, time });
  const event = (b: { type: EventType; subject: string; time: string }): Record<string, unknown> => ({
    specversion: '1.0',
    id: nextId(),
    source: `/agencies/${agency}`,
    type: b.type,
    subject: b.subject,
    time: b.time,
    datacontenttype: 'application/json',
    data: { ...VALID_DATA[b.type] },
  });
  const json = (e: unknown): Buffer => Buffer.from(JSON.stringify(e), 'utf8');
  const sample = (kind: FuzzKind, bytes: Buffer): FuzzSample => ({ kind, malformed: kind !== 'valid', bytes });

  const valid = base.map((b) => sample('valid', json(event(b))));

  const wrongType = fc.tuple(base, fc.boolean(), fc.nat(), wrongValue).map(([b, inData, pick, value]) => {
    const e = event(b);
    if (inData) {
      const fields = REQUIRED_DATA[b.type];
      (e['data'] as Record<string, unknown>)[fields[pick % fields.length]!] = value;
    } else {
      // Not `data` itself: an array or object there is a different question (an array is SCHEMA_INVALID too).
      const fields = REQUIRED_ENVELOPE.filter((f) => f !== 'data');
      e[fields[pick % fields.length]!] = value;
    }
    return sample('wrong-type', json(e));
  });

  const missingField = fc.tuple(base, fc.boolean(), fc.nat()).map(([b, inData, pick]) => {
    const e = event(b);
    if (inData) {
      const fields = REQUIRED_DATA[b.type];
      delete (e['data'] as Record<string, unknown>)[fields[pick % fields.length]!];
    } else {
      delete e[REQUIRED_ENVELOPE[pick % REQUIRED_ENVELOPE.length]!];
    }
    return sample('missing-field', json(e));
  });

  // Over 64 KiB of UTF-8 in one field (known or unknown): MALFORMED whatever the field.
  const hugeString = fc.tuple(base, fc.integer({ min: 65 * 1024, max: 110 * 1024 }), fc.constantFrom('a', 'é', '€', '😀'), fc.boolean()).map(([b, n, ch, inName]) => {
    const e = event(b);
    const filler = ch.repeat(Math.ceil(n / Buffer.byteLength(ch)));
    if (inName) e['id'] = filler;
    else (e['data'] as Record<string, unknown>)['note'] = filler;
    return sample('huge-string', json(e));
  });

  // Under 64 KiB but over a field's limit (ids, codes, the upsert's name: at most 200 characters).
  const longString = fc.tuple(base, fc.integer({ min: 600, max: 20_000 })).map(([b, n]) => {
    const e = event(b);
    const fields = REQUIRED_DATA[b.type].filter((f) => f === 'recordId' || f === 'name');
    if (fields.length > 0) (e['data'] as Record<string, unknown>)[fields[0]!] = 'x'.repeat(n);
    else e['id'] = 'x'.repeat(n);
    return sample('long-string', json(e));
  });

  // A valid event whose bytes hold one invalid UTF-8 sequence inside a string.
  const invalidUtf8 = fc
    .tuple(base, fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80]))
    .map(([b, bad]) => {
      const text = JSON.stringify(event(b));
      const at = text.indexOf('"source"') + 1;
      return sample('invalid-utf8', Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bad), Buffer.from(text.slice(at))]));
    });

  // Random bytes, never an object with an envelope: starts with anything but `{` after whitespace.
  const randomBytes = fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((a) => {
    const bytes = Buffer.from(a);
    const first = bytes.findIndex((x) => x !== 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0d);
    if (first >= 0 && bytes[first] === 0x7b) bytes[first] = 0x5b;
    return sample('random-bytes', bytes);
  });

  // Deep nesting: the whole message, or a required field, as objects or arrays nested up to 20,000 deep.
  const deepNesting = fc.tuple(base, fc.integer({ min: 50, max: 20_000 }), fc.boolean(), fc.boolean(), fc.nat()).map(([b, depth, arrays, whole, pick]) => {
    const [open, close] = arrays ? ['[', ']'] : ['{"a":', '}'];
    const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
    if (whole) return sample('deep-nesting', Buffer.from(nested));
    const e = event(b);
    const fields = REQUIRED_DATA[b.type];
    const field = fields[pick % fields.length]!;
    (e['data'] as Record<string, unknown>)[field] = '@@NESTED@@';
    return sample('deep-nesting', Buffer.from(JSON.stringify(e).replace('"@@NESTED@@"', nested)));
  });

  // `__proto__` / `constructor` / `prototype` keys that would supply a removed required field if
  // they polluted a prototype: the event must still lack it.
  const protoKeys = fc.tuple(base, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.boolean(), fc.nat()).map(([b, key, inData, pick]) => {
    const e = event(b);
    const data = e['data'] as Record<string, unknown>;
    let text: string;
    if (inData) {
      const fields = REQUIRED_DATA[b.type];
      const field = fields[pick % fields.length]!;
      const value = data[field];
      delete data[field];
      const inner = key === 'constructor' ? { prototype: { [field]: value } } : { [field]: value };
      text = JSON.stringify(e).replace('"data":{', `"data":{"${key}":${JSON.stringify(inner)},`);
    } else {
      const field = REQUIRED_ENVELOPE.filter((f) => f !== 'data')[pick % 6]!;
      const value = e[field];
      delete e[field];
      const inner = key === 'constructor' ? { prototype: { [field]: value } } : { [field]: value };
      text = JSON.stringify(e).replace(/^\{/u, `{"${key}":${JSON.stringify(inner)},`);
    }
    return sample('proto-keys', Buffer.from(text));
  });

  // Numbers as strings (accepted when in range) out of range or not numbers at all.
  const numberStrings = fc
    .tuple(
      base,
      fc.constantFrom<['ipasn.training.recorded' | 'ipasn.appraisal.recorded', string]>(['ipasn.training.recorded', 'hours'], ['ipasn.appraisal.recorded', 'year'], ['ipasn.appraisal.recorded', 'score']),
      fc.constantFrom('-1', '-0.5', '1e400', '99999999999999999999', '9007199254740993', 'NaN', 'Infinity', '-Infinity', '1,5', '12abc', '', ' ', '0x10', '1_000', '١٢'),
    )
    .map(([b, [type, field], value]) => {
      const e = event({ ...b, type });
      const data = e['data'] as Record<string, unknown>;
      if (field === 'score') {
        delete data['predicate'];
        data['score'] = value === '' ? '100.5' : value;
      } else if (field === 'year') {
        // A 4-digit year ≥ 1900 and ≤ the ingestion year is valid: these are not.
        data['year'] = ['-1', '99999999999999999999', '1e400', 'NaN', '0x10'].includes(value) ? value : `1${value}0`;
      } else {
        data[field] = value;
      }
      return sample('number-string-out-of-range', json(e));
    });

  const impossibleDate = fc
    .tuple(
      base,
      fc.constantFrom('2025-02-30', '2023-02-29', '2025-13-01', '2025-00-10', '2025-06-31', '2025-04-31', '31-04-2025', '30/02/2024', '2025-1-32', '2025-02-29'),
      fc.boolean(),
    )
    .map(([b, date, inTime]) => {
      const field = DATE_FIELDS[b.type];
      const e = event(b);
      if (inTime || field === undefined) e['time'] = /^\d{4}-\d\d-\d\d$/u.test(date) ? `${date}T10:00:00+07:00` : date;
      else (e['data'] as Record<string, unknown>)[field] = date;
      return sample('impossible-date', json(e));
    });

  return fc.oneof(
    { arbitrary: valid, weight: 10 },
    { arbitrary: wrongType, weight: 3 },
    { arbitrary: missingField, weight: 3 },
    { arbitrary: hugeString, weight: 1 },
    { arbitrary: longString, weight: 2 },
    { arbitrary: invalidUtf8, weight: 3 },
    { arbitrary: randomBytes, weight: 3 },
    { arbitrary: deepNesting, weight: 2 },
    { arbitrary: protoKeys, weight: 3 },
    { arbitrary: numberStrings, weight: 3 },
    { arbitrary: impossibleDate, weight: 3 },
  );
}

/** `n` samples from a seeded run of {@link fuzzMessages} (the same seed, the same messages). */
export function fuzzSample(n: number, seed: number, options: FuzzOptions = {}): FuzzSample[] {
  return fc.sample(fuzzMessages(options), { numRuns: n, seed });
}
