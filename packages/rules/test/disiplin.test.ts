import type { DisciplineLevel } from '@ipasn/contracts';
import { describe, expect, it } from 'vitest';
import { getRuleSet, score } from '../src/index.js';
import { employee, rec } from './helpers.js';

const perban = getRuleSet('perban-8-2019');
const reform = getRuleSet('reformulasi-2024');
const AS_OF = '2025-06-30';

const LEVELS: [DisciplineLevel, number][] = [
  ['RINGAN', 3],
  ['SEDANG', 2],
  ['BERAT', 1],
];
const disiplin = (p: ReturnType<typeof employee>, asOf: string, rs = perban): number => score(p, asOf, rs).dimensions.disiplin;

describe('disiplin, both rule sets', () => {
  it('no penalty → 5', () => {
    expect(disiplin(employee({}), AS_OF)).toBe(5);
    expect(disiplin(employee({}), AS_OF, reform)).toBe(5);
  });

  it.each(LEVELS)('a running %s penalty → %d', (level, points) => {
    const p = employee({}, rec.dis(level, '2025-03-01'));
    expect(disiplin(p, AS_OF)).toBe(points);
    expect(disiplin(p, AS_OF, reform)).toBe(points);
  });

  it('several → the worst', () => {
    const p = employee({}, rec.dis('RINGAN', '2025-01-01'), rec.dis('BERAT', '2025-02-01'), rec.dis('SEDANG', '2025-03-01'));
    expect(disiplin(p, AS_OF)).toBe(1);
    expect(disiplin(p, AS_OF, reform)).toBe(1);
  });

  it('a penalty imposed after asOf does not count yet; one imposed on asOf does', () => {
    expect(disiplin(employee({}, rec.dis('BERAT', '2025-07-01')), AS_OF)).toBe(5);
    expect(disiplin(employee({}, rec.dis('BERAT', '2025-07-01')), AS_OF, reform)).toBe(5);
    expect(disiplin(employee({}, rec.dis('BERAT', AS_OF)), AS_OF)).toBe(1);
    expect(disiplin(employee({}, rec.dis('BERAT', AS_OF)), AS_OF, reform)).toBe(1);
  });
});

describe('perban-8-2019: the worst penalty ever imposed', () => {
  it.each(LEVELS)('%s imposed 20 years ago, long ended, still → %d', (level, points) => {
    expect(disiplin(employee({}, rec.dis(level, '2005-01-01', '2005-07-01')), AS_OF)).toBe(points);
  });
});

describe('reformulasi-2024: only while the penalty runs (imposedOn ≤ asOf < endsOn)', () => {
  it.each(LEVELS)('%s: running the day before endsOn, not on endsOn', (level, points) => {
    const p = employee({}, rec.dis(level, '2025-01-01', '2025-06-30'));
    expect(disiplin(p, '2025-06-29', reform)).toBe(points);
    expect(disiplin(p, '2025-06-30', reform)).toBe(5);
    expect(disiplin(p, '2024-12-31', reform)).toBe(5);
    expect(disiplin(p, '2025-01-01', reform)).toBe(points);
  });

  it('without endsOn it runs 12 months: imposedOn + 12 months is the first day it no longer runs', () => {
    const p = employee({}, rec.dis('SEDANG', '2024-06-30'));
    expect(disiplin(p, '2025-06-29', reform)).toBe(2);
    expect(disiplin(p, '2025-06-30', reform)).toBe(5);
  });

  it('with month-end clamping: imposed 2024-02-29 ends 2025-02-28', () => {
    const p = employee({}, rec.dis('BERAT', '2024-02-29'));
    expect(disiplin(p, '2025-02-27', reform)).toBe(1);
    expect(disiplin(p, '2025-02-28', reform)).toBe(5);
  });

  it('an ended heavy penalty no longer counts; a running light one does', () => {
    const p = employee({}, rec.dis('BERAT', '2023-01-01', '2024-01-01'), rec.dis('RINGAN', '2025-05-01', '2025-08-01'));
    expect(disiplin(p, AS_OF, reform)).toBe(3);
    expect(disiplin(p, AS_OF)).toBe(1);
    expect(disiplin(p, '2023-06-01', reform)).toBe(1);
    expect(disiplin(p, '2025-08-01', reform)).toBe(5);
  });
});
