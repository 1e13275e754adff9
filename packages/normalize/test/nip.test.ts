import { describe, expect, it } from 'vitest';
import { normalizeNip, validateNip } from '../src/index.js';
import { ingress, run } from './fixtures.js';

/** birth yyyymmdd + appointment yyyy + month mm + gender g + sequence nnn. */
const nip = (birth: string, appointed: string, gender = '1', month = '03', seq = '009'): string =>
  `${birth}${appointed}${month}${gender}${seq}`;

describe('normalizeNip', () => {
  it.each([
    ['19680411 199303 1 009', '196804111993031009'],
    ['19680411.199303.1.009', '196804111993031009'],
    ['19680411-199303-1-009', '196804111993031009'],
    [' 196804111993031009 ', '196804111993031009'],
    ['1968 04 11 - 1993.03 1 009', '196804111993031009'],
  ])('%j → %s', (subject, expected) => {
    expect(normalizeNip(subject)).toBe(expected);
  });

  it('becomes the canonical nip of an event', () => {
    const r = run(ingress('ipasn.employee.upserted', {}, { subject: '19680411 199303 1 009' }));
    expect(r.ok && r.event.nip).toBe('196804111993031009');
  });
});

describe('validateNip (ingestion year 2025)', () => {
  it.each<[string, string, boolean]>([
    ['a valid NIP', nip('19680411', '1993'), true],
    ['appointed at birth year + 15', nip('19900101', '2005'), true],
    ['appointed at birth year + 14', nip('19900101', '2004'), false],
    ['appointed in the ingestion year', nip('19900101', '2025'), true],
    ['appointed the year after the ingestion year', nip('19900101', '2026'), false],
    ['gender 1', nip('19680411', '1993', '1'), true],
    ['gender 2', nip('19680411', '1993', '2'), true],
    ['gender 3', nip('19680411', '1993', '3'), false],
    ['gender 0', nip('19680411', '1993', '0'), false],
    ['birth date 29 Feb of a leap year', nip('19680229', '1993'), true],
    ['birth date 29 Feb of a common year', nip('19690229', '1993'), false],
    ['birth date 29 Feb 1900 (not a leap year)', nip('19000229', '1993'), false],
    ['birth month 13', nip('19681311', '1993'), false],
    ['birth month 00', nip('19680011', '1993'), false],
    ['birth day 00', nip('19680400', '1993'), false],
    ['birth day 31 April', nip('19680431', '1993'), false],
    ['17 digits', '19680411199303100', false],
    ['19 digits', '1968041119930310091', false],
    ['a letter', '19680411199303100X', false],
    ['empty', '', false],
    ['PPPK (appointment month 13 is not checked)', nip('19900101', '2021', '1', '13'), true],
  ])('%s', (_what, value, ok) => {
    expect(validateNip(value, 2025).ok).toBe(ok);
  });

  it('says which part is wrong', () => {
    const message = (value: string): string => {
      const r = validateNip(value, 2025);
      return r.ok ? '' : r.message;
    };
    expect(message('123')).toBe('expected 18 digits, got 3');
    expect(message('19680411199303100X')).toMatch(/characters other than digits/u);
    expect(message(nip('19681311', '1993'))).toBe('digits 1–8 (birth date) are not a real date yyyymmdd');
    expect(message(nip('19900101', '2004'))).toBe('digits 9–12 (appointment year) are less than 15 years after the birth year');
    expect(message(nip('19900101', '2026'))).toBe('digits 9–12 (appointment year) are after the ingestion year 2025');
    expect(message(nip('19680411', '1993', '3'))).toBe('digit 15 (gender) is not 1 or 2');
    expect(message(nip('19681311', '2030', '9'))).toBe(
      'digits 1–8 (birth date) are not a real date yyyymmdd; digits 9–12 (appointment year) are after the ingestion year 2025; digit 15 (gender) is not 1 or 2',
    );
  });
});

describe('INVALID_NIP in normalize', () => {
  it('uses the ingestion year in Asia/Jakarta', () => {
    const appointedIn2026 = ingress('ipasn.employee.upserted', {}, { subject: nip('19900101', '2026'), time: '2025-12-31T17:00:00Z' });
    // 2025-12-31T17:00Z is already 1 January 2026 in Jakarta.
    expect(run(appointedIn2026, { ingestionTime: new Date('2025-12-31T17:00:00Z') }).ok).toBe(true);
    expect(run(appointedIn2026, { ingestionTime: new Date('2025-12-31T16:59:59.999Z') })).toMatchObject({
      reason: 'INVALID_NIP',
      paths: ['subject'],
    });
  });

  it('rejects a subject that is not a NIP after separators are removed', () => {
    expect(run(ingress('ipasn.employee.upserted', {}, { subject: '' }))).toMatchObject({ reason: 'INVALID_NIP' });
    expect(run(ingress('ipasn.employee.upserted', {}, { subject: '1968/04/11 199303 1 009' }))).toMatchObject({ reason: 'INVALID_NIP' });
  });

  it('treats a non-string subject as SCHEMA_INVALID', () => {
    expect(run(ingress('ipasn.employee.upserted', {}, { subject: 1968041119930310 }))).toMatchObject({
      reason: 'SCHEMA_INVALID',
      paths: ['subject'],
    });
  });
});
