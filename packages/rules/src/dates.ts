/**
 * Calendar arithmetic on `YYYY-MM-DD` strings. Dates are civil dates (Asia/Jakarta in the live
 * service), so there is no time zone here at all: only proleptic Gregorian day counting.
 * Well-formed ISO dates compare correctly as strings, which the hot paths rely on.
 */
import { civilFromDays, daysFromCivil, daysInMonth, formatYmd, type IsoDate, type Ymd } from '@ipasn/contracts';

export { daysInMonth, isLeapYear } from '@ipasn/contracts';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/u;

function parse(date: IsoDate): Ymd {
  const m = DATE_RE.exec(date);
  if (m === null) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
  return { y, m: mo, d };
}

function format(ymd: Ymd): IsoDate {
  if (ymd.y < 0 || ymd.y > 9999) throw new RangeError(`year ${ymd.y} is outside 0000–9999`);
  return formatYmd(ymd);
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  try {
    parse(value);
    return true;
  } catch {
    return false;
  }
}

/** Negative, zero or positive like `Array.prototype.sort` expects. */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `date` plus `n` calendar months keeping the day of the month, clamped to the end of a shorter
 * month: 2024-02-29 − 12 months = 2023-02-28; 2024-01-31 + 1 month = 2024-02-29.
 */
export function addMonths(date: IsoDate, n: number): IsoDate {
  if (!Number.isSafeInteger(n)) throw new RangeError(`months must be an integer, got ${n}`);
  const { y, m, d } = parse(date);
  const index = y * 12 + (m - 1) + n;
  const ny = Math.floor(index / 12);
  const nm = index - ny * 12 + 1;
  return format({ y: ny, m: nm, d: Math.min(d, daysInMonth(ny, nm)) });
}

const toDayNumber = ({ y, m, d }: Ymd): number => daysFromCivil(y, m, d);

export function addDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isSafeInteger(n)) throw new RangeError(`days must be an integer, got ${n}`);
  return format(civilFromDays(toDayNumber(parse(date)) + n));
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toDayNumber(parse(b)) - toDayNumber(parse(a));
}

export function yearOf(date: IsoDate): number {
  return parse(date).y;
}

export function firstOfJanuary(year: number): IsoDate {
  return format({ y: year, m: 1, d: 1 });
}

/**
 * The first `asOf` at which a record dated `date` is no longer in the window "the `months` months
 * up to asOf" = (asOf − months, asOf]: the smallest t with addMonths(t, −months) ≥ date.
 * addMonths(date, months) is not always it: for 2023-03-31 and one month it gives 2023-04-30,
 * yet 2023-04-30 − 1 month = 2023-03-30 still admits the record; the exit is 2023-05-01.
 * Clamping only ever pulls a date back to a month end, so the answer is addMonths(date, months)
 * or the first day of the following month.
 */
export function windowExit(date: IsoDate, months: number): IsoDate {
  if (!Number.isSafeInteger(months) || months < 0) throw new RangeError(`months must be ≥ 0, got ${months}`);
  const t = addMonths(date, months);
  return addMonths(t, -months) >= date ? t : addDays(t, 1);
}
