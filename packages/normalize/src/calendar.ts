/**
 * The spellings of dates and timestamps agencies send (events.md, Aliases), parsed without `Date`
 * quirks (two-digit years, local time zones) on the shared calendar of @ipasn/contracts.
 */
import { daysFromCivil, isRealDate, JAKARTA_OFFSET_MS, MS_PER_DAY } from '@ipasn/contracts';

export { isRealDate, jakartaMidnightMs, MS_PER_DAY } from '@ipasn/contracts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;
const DMY_DATE = /^(\d{2})([-/])(\d{2})\2(\d{4})$/u;

/**
 * A date in one of the accepted spellings (`YYYY-MM-DD`, `DD-MM-YYYY`, `DD/MM/YYYY`) → `YYYY-MM-DD`,
 * or undefined when it is none of them or not a real calendar date.
 */
export function parseCalendarDate(text: string): string | undefined {
  const s = text.trim();
  let y: string, m: string, d: string;
  const iso = ISO_DATE.exec(s);
  if (iso) {
    [, y = '', m = '', d = ''] = iso;
  } else {
    const dmy = DMY_DATE.exec(s);
    if (!dmy) return undefined;
    [, d = '', , m = '', y = ''] = dmy;
  }
  return isRealDate(Number(y), Number(m), Number(d)) ? `${y}-${m}-${d}` : undefined;
}

/** The calendar year in Asia/Jakarta at an instant. */
export function jakartaYear(epochMs: number): number {
  return new Date(epochMs + JAKARTA_OFFSET_MS).getUTCFullYear();
}

// Extended ISO-8601 date-time: date, `T` (or a space, as RFC 3339 allows), hh:mm[:ss[.fff…]], offset.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/u;

/** The smallest and largest instants whose UTC form still has a 4-digit year. */
const MIN_MS = daysFromCivil(0, 1, 1) * MS_PER_DAY;
const MAX_MS = daysFromCivil(10_000, 1, 1) * MS_PER_DAY - 1;

/**
 * An ISO-8601 timestamp → epoch ms (sub-millisecond digits are truncated), or undefined. Without an
 * offset it means Asia/Jakarta (+07:00).
 */
export function parseTimestamp(text: string): number | undefined {
  const t = TIMESTAMP.exec(text.trim());
  if (!t) return undefined;
  const [, ys = '', mos = '', ds = '', hs = '', mis = '', ss = '0', frac = '', zulu, sign, ohs = '', oms = '0'] = t;
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mis);
  const s = Number(ss);
  if (!isRealDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMs: number;
  if (zulu !== undefined) {
    offsetMs = 0;
  } else if (sign !== undefined) {
    const oh = Number(ohs);
    const om = Number(oms);
    if (oh > 23 || om > 59) return undefined;
    offsetMs = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  } else {
    offsetMs = JAKARTA_OFFSET_MS;
  }
  const ms = frac === '' ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const epoch = daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000 + ms - offsetMs;
  return epoch >= MIN_MS && epoch <= MAX_MS ? epoch : undefined;
}
