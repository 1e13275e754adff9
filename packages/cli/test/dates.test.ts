import { describe, expect, it } from 'vitest';
import { addMonths, isoOf, jakartaDate, parseIsoDate, parseTimestamp, toDays } from '../src/dates.js';

describe('dates', () => {
  it('accepts real calendar dates only', () => {
    expect(parseIsoDate('2024-02-29')).toBeDefined();
    expect(parseIsoDate('2025-02-29')).toBeUndefined();
    expect(parseIsoDate('2025-13-01')).toBeUndefined();
    expect(parseIsoDate('30-06-2025')).toBeUndefined();
    expect(isoOf(toDays('1968-04-11'))).toBe('1968-04-11');
  });

  it('adds months keeping the day, clamped to the month end', () => {
    expect(isoOf(addMonths(toDays('2024-02-29'), -12))).toBe('2023-02-28');
    expect(isoOf(addMonths(toDays('2024-02-29'), 12))).toBe('2025-02-28');
    expect(isoOf(addMonths(toDays('2025-01-31'), 1))).toBe('2025-02-28');
  });

  it('reads the Jakarta date of an instant (UTC+7)', () => {
    expect(jakartaDate(new Date('2025-06-30T16:59:59Z'))).toBe('2025-06-30');
    expect(jakartaDate(new Date('2025-06-30T17:00:00Z'))).toBe('2025-07-01');
  });

  it('parses timestamps, without an offset as Asia/Jakarta', () => {
    expect(parseTimestamp('2025-06-30T10:00:00')?.toISOString()).toBe('2025-06-30T03:00:00.000Z');
    expect(parseTimestamp('2025-06-30T10:00:00Z')?.toISOString()).toBe('2025-06-30T10:00:00.000Z');
    expect(parseTimestamp('2025-06-30T10:00:00.123+07:00')?.toISOString()).toBe('2025-06-30T03:00:00.123Z');
    expect(parseTimestamp('2025-02-30T10:00:00Z')).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
  });
});
