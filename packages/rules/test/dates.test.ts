import { describe, expect, it } from 'vitest';
import { addDays, addMonths, compareDates, daysBetween, isIsoDate, windowExit } from '../src/index.js';

describe('addMonths', () => {
  it.each([
    ['2024-02-29', -12, '2023-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2023-03-31', -1, '2023-02-28'],
    ['2023-05-31', -1, '2023-04-30'],
    ['2023-03-30', -1, '2023-02-28'],
    ['2025-06-30', -12, '2024-06-30'],
    ['2025-06-30', -24, '2023-06-30'],
    ['2025-01-15', -1, '2024-12-15'],
    ['2024-12-31', 1, '2025-01-31'],
    ['2024-12-31', 2, '2025-02-28'],
    ['2025-03-10', 0, '2025-03-10'],
    ['2000-02-29', -1200, '1900-02-28'],
  ])('%s %+d months = %s', (date, n, want) => {
    expect(addMonths(date, n)).toBe(want);
  });

  it('rejects malformed dates and non-integer months', () => {
    expect(() => addMonths('2023-02-29', 1)).toThrow(RangeError);
    expect(() => addMonths('2023-2-01', 1)).toThrow(RangeError);
    expect(() => addMonths('2023-02-01', 1.5)).toThrow(RangeError);
  });
});

describe('addDays, daysBetween, compareDates, isIsoDate', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-29', 1, '2024-03-01'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2000-02-28', 1, '2000-02-29'],
    ['1900-02-28', 1, '1900-03-01'],
    ['1970-01-01', 0, '1970-01-01'],
    ['2024-01-01', 366, '2025-01-01'],
  ])('%s + %d days = %s', (date, n, want) => {
    expect(addDays(date, n)).toBe(want);
    expect(daysBetween(date, want)).toBe(n);
  });

  it('walks 400 years day by day consistently with a UTC calendar', () => {
    let d = '1900-01-01';
    for (let i = 0; i < 146097; i += 97) {
      const utc = new Date(Date.UTC(1900, 0, 1 + i)).toISOString().slice(0, 10);
      expect(addDays('1900-01-01', i)).toBe(utc);
      d = utc;
    }
    expect(d > '2299-01-01').toBe(true);
  });

  it('compares and validates', () => {
    expect(compareDates('2024-01-01', '2024-01-02')).toBeLessThan(0);
    expect(compareDates('2024-01-02', '2024-01-01')).toBeGreaterThan(0);
    expect(compareDates('2024-01-02', '2024-01-02')).toBe(0);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-13-01')).toBe(false);
    expect(isIsoDate('20230101')).toBe(false);
  });
});

describe('windowExit: the first asOf at which a dated record has left an N-month window', () => {
  it.each([
    ['2023-03-31', 1, '2023-05-01'],
    ['2023-01-31', 1, '2023-03-01'],
    ['2024-01-31', 1, '2024-03-01'],
    ['2024-01-30', 1, '2024-03-01'],
    ['2024-01-29', 1, '2024-02-29'],
    ['2023-01-29', 1, '2023-03-01'],
    ['2024-02-29', 12, '2025-03-01'],
    ['2023-02-28', 12, '2024-02-28'],
    ['2024-06-15', 12, '2025-06-15'],
    ['2023-08-31', 24, '2025-08-31'],
    ['2022-10-31', 12, '2023-10-31'],
  ])('%s leaves the %d-month window on %s', (date, n, want) => {
    expect(windowExit(date, n)).toBe(want);
  });

  it('is exactly the smallest t with addMonths(t, −N) ≥ date (brute force, 2019–2026)', () => {
    for (const n of [1, 2, 12, 24]) {
      for (let c = '2019-01-01'; c <= '2026-12-31'; c = addDays(c, 1)) {
        const t = windowExit(c, n);
        expect(addMonths(t, -n) >= c).toBe(true);
        expect(addMonths(addDays(t, -1), -n) < c).toBe(true);
      }
    }
  });
});
