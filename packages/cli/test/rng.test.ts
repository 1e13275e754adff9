import { describe, expect, it } from 'vitest';
import { Rng, Weighted } from '../src/generate/rng.js';

describe('Rng', () => {
  it('is deterministic per seed', () => {
    const a = new Rng('seed');
    const b = new Rng('seed');
    const c = new Rng('other');
    const xs = Array.from({ length: 20 }, () => a.u32());
    expect(Array.from({ length: 20 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.u32())).not.toEqual(xs);
    expect(new Rng(1).u32()).toBe(new Rng('1').u32());
  });

  it('pins the sequence (a change here changes every generated stream)', () => {
    const r = new Rng(1);
    expect([r.u32(), r.u32(), r.u32()]).toEqual([2090651856, 3237225320, 4238685316]);
  });

  it('stays in range and is roughly uniform', () => {
    const r = new Rng(7);
    const counts = new Array<number>(10).fill(0);
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < 100_000; i++) {
      const f = r.float();
      lo = Math.min(lo, f);
      hi = Math.max(hi, f);
      const k = r.int(0, 9);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(counts.every((c) => Math.abs(c - 10_000) < 500)).toBe(true);
  });

  it('makes version-4-shaped UUIDs', () => {
    const r = new Rng(3);
    for (let i = 0; i < 1000; i++) expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
  });

  it('clamps normal draws', () => {
    const r = new Rng(5);
    const vs = Array.from({ length: 10_000 }, () => r.normal(40, 10, 21, 58));
    expect(Math.min(...vs)).toBeGreaterThanOrEqual(21);
    expect(Math.max(...vs)).toBeLessThanOrEqual(58);
  });
});

describe('Weighted', () => {
  it('draws in proportion to the weights and never a zero weight', () => {
    const w = new Weighted<string>([['a', 1], ['b', 3], ['never', 0]]);
    const r = new Rng(11);
    let b = 0;
    let never = 0;
    for (let i = 0; i < 40_000; i++) {
      const x = w.draw(r);
      if (x === 'never') never++;
      if (x === 'b') b++;
    }
    expect(never).toBe(0);
    expect(b / 40_000).toBeGreaterThan(0.73);
    expect(b / 40_000).toBeLessThan(0.77);
  });

  it('refuses an all-zero table', () => {
    expect(() => new Weighted([['a', 0]])).toThrow(RangeError);
  });
});
