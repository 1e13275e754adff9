/**
 * Calendar arithmetic on `YYYY-MM-DD` strings and day numbers (days since 1970-01-01), and the
 * Asia/Jakarta clock (UTC+7 all year: Indonesia has no daylight saving time).
 */

import { daysInMonth, jakartaDate as jakartaDateOf, JAKARTA_OFFSET_MS, MS_PER_DAY as DAY_MS } from '@ipasn/contracts';

export { JAKARTA_OFFSET_MS };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;

/** The day number of a real calendar date `YYYY-MM-DD`, or undefined. */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return Date.UTC(y, mo - 1, d) / DAY_MS;
}

export function toDays(iso: string): number {
  const n = parseIsoDate(iso);
  if (n === undefined) throw new RangeError(`not a calendar date: ${iso}`);
  return n;
}

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

export function ymdOf(days: number): Ymd {
  const dt = new Date(days * DAY_MS);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

export function dayOf(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function isoOf(days: number): string {
  const { y, m, d } = ymdOf(days);
  return `${pad4(y)}-${pad2(m)}-${pad2(d)}`;
}

export { daysInMonth };

/** Adds months keeping the day of the month, clamped to the end of a shorter month. */
export function addMonths(days: number, months: number): number {
  const { y, m, d } = ymdOf(days);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  return dayOf(ny, nm, Math.min(d, daysInMonth(ny, nm)));
}

/** The calendar date in Asia/Jakarta of an instant. */
export function jakartaDate(instant: Date): string {
  return jakartaDateOf(instant.getTime());
}

/** 00:00 Asia/Jakarta of a day number, as epoch milliseconds. */
export function jakartaMidnightMs(days: number): number {
  return days * DAY_MS - JAKARTA_OFFSET_MS;
}

/** `2025-06-01T10:00:00+07:00` (offset form) or the same wall time without an offset. */
export function jakartaTimestamp(ms: number, withOffset: boolean): string {
  const local = new Date(ms + JAKARTA_OFFSET_MS).toISOString().slice(0, 19);
  return withOffset ? `${local}+07:00` : local;
}

export function utcTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/u;

/**
 * An ISO-8601 timestamp; without an offset it means Asia/Jakarta, like an event's `time`.
 * Returns undefined for anything else, including impossible dates.
 */
export function parseTimestamp(text: string): Date | undefined {
  if (!ISO_TIMESTAMP.test(text)) return undefined;
  if (parseIsoDate(text.slice(0, 10)) === undefined) return undefined;
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/u.test(text);
  const ms = Date.parse(hasOffset ? text : `${text}+07:00`);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export { DAY_MS };

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return String(n).padStart(4, '0');
}
