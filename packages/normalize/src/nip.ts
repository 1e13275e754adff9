/**
 * NIP (Nomor Induk Pegawai) rules of events.md, check 4. An 18-digit NIP reads
 * `yyyymmdd` (birth date) `yyyy` (appointment year) `mm` (appointment month) `g` (gender: 1 or 2)
 * `nnn` (sequence). Messages say which part is wrong and never repeat the NIP's digits.
 */
import { isRealDate } from './calendar.js';

const SEPARATORS = /[\s.-]+/gu;
const EIGHTEEN_DIGITS = /^\d{18}$/u;
const NON_DIGIT = /\D/u;

/** The minimum age, in years, at appointment. */
export const MIN_APPOINTMENT_AGE = 15;

/** The NIP with spaces, dots and dashes removed (`19680411 199303 1 009` → `196804111993031009`). */
export function normalizeNip(subject: string): string {
  return subject.replace(SEPARATORS, '');
}

export type NipCheck = { ok: true } | { ok: false; message: string };

const OK: NipCheck = { ok: true };

/**
 * Validates a NIP that has already been through `normalizeNip`. `ingestionYear` is the calendar
 * year of the ingestion time in Asia/Jakarta.
 */
export function validateNip(nip: string, ingestionYear: number): NipCheck {
  if (!EIGHTEEN_DIGITS.test(nip)) {
    return {
      ok: false,
      message: NON_DIGIT.test(nip)
        ? 'expected 18 digits; it holds characters other than digits, spaces, dots and dashes'
        : `expected 18 digits, got ${nip.length}`,
    };
  }
  const problems: string[] = [];
  const birthYear = Number(nip.slice(0, 4));
  const birthReal = isRealDate(birthYear, Number(nip.slice(4, 6)), Number(nip.slice(6, 8)));
  if (!birthReal) problems.push('digits 1–8 (birth date) are not a real date yyyymmdd');
  const appointmentYear = Number(nip.slice(8, 12));
  if (birthReal && appointmentYear < birthYear + MIN_APPOINTMENT_AGE) {
    problems.push(`digits 9–12 (appointment year) are less than ${MIN_APPOINTMENT_AGE} years after the birth year`);
  }
  if (appointmentYear > ingestionYear) {
    problems.push(`digits 9–12 (appointment year) are after the ingestion year ${ingestionYear}`);
  }
  const gender = nip.charAt(14);
  if (gender !== '1' && gender !== '2') problems.push('digit 15 (gender) is not 1 or 2');
  return problems.length === 0 ? OK : { ok: false, message: problems.join('; ') };
}
