/**
 * Civil-calendar arithmetic shared by every package (normalization, the rules, the scorer, the
 * generator): proleptic Gregorian day numbers without `Date` quirks, and the Asia/Jakarta clock —
 * a fixed UTC+07:00 (no daylight saving or offset change since 1964). Dates are `YYYY-MM-DD`.
 */
import type { IsoDate } from './domain.js';

export const MS_PER_DAY = 86_400_000;
export const JAKARTA_OFFSET_MS = 7 * 3_600_000;

export interface Ymd {
  y: number;
  m: number;
  d: number;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function isRealDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): exact integers. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The inverse of daysFromCivil (H. Hinnant's civil_from_days). */
export function civilFromDays(days: number): Ymd {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** `YYYY-MM-DD` of a date (years 0–9999). */
export function formatYmd({ y, m, d }: Ymd): IsoDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The calendar date in Asia/Jakarta at an instant (epoch ms). */
export function jakartaDate(epochMs: number): IsoDate {
  return formatYmd(civilFromDays(Math.floor((epochMs + JAKARTA_OFFSET_MS) / MS_PER_DAY)));
}

/** The instant 00:00 Asia/Jakarta starts a `YYYY-MM-DD` date, in epoch ms. */
export function jakartaMidnightMs(date: IsoDate): number {
  return daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))) * MS_PER_DAY - JAKARTA_OFFSET_MS;
}
