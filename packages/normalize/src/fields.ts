/**
 * Field schemas: zod wrappers around small parsers that accept the aliases of events.md and return
 * canonical values. Each parser returns the value or a `Problem`; the wrapper turns a Problem into a
 * zod issue, so one bad field never stops the others from being reported.
 *
 * PII: a message may quote the value of a code-like field (enum, number, date, time, agency code) but
 * never of free text (`name`, `positionName`, …) or of `subject`; those describe the type only.
 */
import { z } from 'zod';
import { aliasKey, aliasLookup, type AliasTable } from './aliases.js';
import { parseCalendarDate, parseTimestamp } from './calendar.js';

export class Problem {
  constructor(readonly message: string) {}
}

export type Parser<T> = (value: unknown) => T | Problem;

/** A value's JSON type, for messages that must not quote it. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.trim() === '' ? 'an empty string' : 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    case 'bigint':
    case 'symbol':
    case 'function':
      return typeof value;
  }
  return 'a value';
}

const MAX_QUOTE = 40;

/** A value as a message may quote it: strings JSON-quoted and cut at 40 characters. */
export function quote(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > MAX_QUOTE ? `${value.slice(0, MAX_QUOTE)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeOf(value);
}

/** A required field: missing → "required"; a Problem → an issue at this field. */
export function required<T>(parse: Parser<T>) {
  return z.unknown().transform((value, ctx): T => {
    const r = value === undefined ? new Problem('required') : parse(value);
    if (r instanceof Problem) {
      ctx.issues.push({ code: 'custom', message: r.message, input: value });
      return z.NEVER;
    }
    return r;
  });
}

/** An optional field: missing or `null` → absent (also when the parser returns undefined). */
export function optional<T>(parse: Parser<T | undefined>) {
  return z
    .unknown()
    .transform((value, ctx): T | undefined => {
      if (value === null) return undefined;
      const r = parse(value);
      if (r instanceof Problem) {
        ctx.issues.push({ code: 'custom', message: r.message, input: value });
        return z.NEVER;
      }
      return r;
    })
    .optional();
}

// ---- parsers ----

const INNER_SPACES = /\s+/gu;
const NEEDS_COLLAPSE = /\s\s|[^\S ]/u;

function collapse(s: string): string {
  const t = s.trim();
  return NEEDS_COLLAPSE.test(t) ? t.replace(INNER_SPACES, ' ') : t;
}

/**
 * Length limits of events.md (under "Rejects"), in characters (Unicode code points) after trimming;
 * longer is SCHEMA_INVALID. `type` has one too, but a type that long is never one of the known
 * types, so check 2 (UNSUPPORTED_TYPE) catches it first.
 */
export const LENGTH_LIMITS = {
  id: 128,
  recordId: 128,
  type: 64,
  source: 64,
  /** `name`, `positionName`, `unitName`, `institution`, `major`, training `name`. */
  text: 200,
  penalty: 500,
} as const;

/** The `id` and `recordId` limit (the name callers already use). */
export const MAX_ID_LENGTH = LENGTH_LIMITS.id;

/** Characters as events.md counts them: code points (an emoji is one, not two UTF-16 units). */
export function charCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}

/** The limit's Problem; only the count is given, never the text (it may be a name). */
function tooLong(count: number, max: number): Problem {
  return new Problem(`expected at most ${max} characters, got ${count}`);
}

/** A string trimmed, at most `max` characters, inner whitespace collapsed (possibly empty). */
function boundedText(v: unknown, max: number): string | Problem {
  if (typeof v !== 'string') return new Problem(`expected a string, got ${typeOf(v)}`);
  const trimmed = v.trim();
  const n = charCount(trimmed);
  return n > max ? tooLong(n, max) : collapse(trimmed);
}

/** Free text of at most `max` characters after trimming: inner whitespace collapsed, not empty. Never quoted in messages. */
export function textOf(max: number): Parser<string> {
  return (v) => {
    const t = boundedText(v, max);
    return t === '' ? new Problem('expected a non-empty string') : t;
  };
}

/** Optional free text of at most `max` characters after trimming: an empty or blank string means absent. */
export function optionalTextOf(max: number): Parser<string | undefined> {
  return (v) => {
    const t = boundedText(v, max);
    return t === '' ? undefined : t;
  };
}

/** Free text of the 200-character fields (`name`, `positionName`, …). */
export const text: Parser<string> = textOf(LENGTH_LIMITS.text);
export const optionalText: Parser<string | undefined> = optionalTextOf(LENGTH_LIMITS.text);

/** An identifier (`recordId`): trimmed, 1–128 characters. */
export const identifier: Parser<string> = (v) => {
  if (typeof v !== 'string') return new Problem(`expected a string, got ${typeOf(v)}`);
  const t = v.trim();
  const n = charCount(t);
  return n >= 1 && n <= LENGTH_LIMITS.recordId ? t : new Problem(`expected 1–${LENGTH_LIMITS.recordId} characters, got ${n}`);
};

/** An enumeration with its alias table. */
export function oneOf<C extends string>(table: AliasTable<C>, what: string): Parser<C> {
  const lookup = aliasLookup(table);
  const expected = `expected ${what} (${Object.keys(table).join(', ')} or an alias of events.md)`;
  return (v) => {
    if (typeof v !== 'string') return new Problem(`${expected}, got ${quote(v)}`);
    return lookup.get(aliasKey(v)) ?? new Problem(`${expected}, got ${quote(v)}`);
  };
}

export const calendarDate: Parser<string> = (v) => {
  const d = typeof v === 'string' ? parseCalendarDate(v) : undefined;
  return d ?? new Problem(`expected a real calendar date as YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY, got ${quote(v)}`);
};

const DIGITS = /^\d+$/u;
const DECIMAL = /^\d+(?:\.\d+)?$/u;
const FOUR_DIGITS = /^\d{4}$/u;

/** A JSON number, or a string matching `pattern` read as one. */
function numeric(v: unknown, pattern: RegExp): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return pattern.test(t) ? Number(t) : undefined;
}

export const hours: Parser<number> = (v) => {
  const n = numeric(v, DIGITS);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0
    ? n
    : new Problem(`expected a whole number ≥ 0, got ${quote(v)}`);
};

export const score: Parser<number> = (v) => {
  const n = numeric(v, DECIMAL);
  return n !== undefined && n >= 0 && n <= 100 ? n : new Problem(`expected a number from 0 to 100, got ${quote(v)}`);
};

export const MIN_YEAR = 1900;

export const year: Parser<number> = (v) => {
  const n = numeric(v, FOUR_DIGITS);
  return n !== undefined && Number.isInteger(n) && n >= MIN_YEAR && n <= 9999
    ? n
    : new Problem(`expected a 4-digit year ≥ ${MIN_YEAR}, got ${quote(v)}`);
};

const AGENCY_CODE = /^[0-9A-Z]{4}$/u;

export const agencyCode: Parser<string> = (v) =>
  typeof v === 'string' && AGENCY_CODE.test(v)
    ? v
    : new Problem(`expected an agency code of 4 capital letters or digits, got ${quote(v)}`);

// ---- envelope ----

/**
 * CloudEvents `id`: 1–128 characters after trimming, kept as sent (it is half of the idempotency
 * key, so normalizing it would merge ids an agency keeps apart).
 */
export const eventId: Parser<string> = (v) => {
  if (typeof v !== 'string') return new Problem(`expected a string of 1–${LENGTH_LIMITS.id} characters, got ${quote(v)}`);
  const n = charCount(v.trim());
  return n >= 1 && n <= LENGTH_LIMITS.id ? v : new Problem(`expected a string of 1–${LENGTH_LIMITS.id} characters, got ${n} characters`);
};

export const SOURCE_PREFIX = '/agencies/';
const SOURCE = /^\/agencies\/[0-9A-Z]{4}$/u;

export const source: Parser<string> = (v) => {
  // The limit first: its message says what is wrong without quoting a long value.
  if (typeof v === 'string' && charCount(v.trim()) > LENGTH_LIMITS.source) return tooLong(charCount(v.trim()), LENGTH_LIMITS.source);
  return typeof v === 'string' && SOURCE.test(v)
    ? v
    : new Problem(`expected "/agencies/<agencyCode>" with a code of 4 capital letters or digits, got ${quote(v)}`);
};

/** `subject` must be a string here; whether it is a valid NIP is check 4 (INVALID_NIP). */
export const subject: Parser<string> = (v) =>
  typeof v === 'string' ? v : new Problem(`expected the NIP as a string, got ${typeOf(v)}`);

/** `time` → UTC `toISOString()` form. */
export const timestamp: Parser<string> = (v) => {
  const ms = typeof v === 'string' ? parseTimestamp(v) : undefined;
  return ms === undefined
    ? new Problem(`expected an ISO-8601 timestamp such as 2024-05-01T10:00:00+07:00, got ${quote(v)}`)
    : new Date(ms).toISOString();
};

const JSON_MEDIA_TYPE = /^\s*application\/json\s*(?:;.*)?$/iu;

/** `datacontenttype`: absent, or `application/json` (any case, media-type parameters allowed). */
export const dataContentType: Parser<undefined> = (v) =>
  typeof v === 'string' && JSON_MEDIA_TYPE.test(v)
    ? undefined
    : new Problem(`expected "application/json", got ${quote(v)}`);
