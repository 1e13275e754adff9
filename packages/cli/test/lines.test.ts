import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/score/lines.js';

interface Got {
  text: string | null;
  number: number;
  length: number;
}

function split(chunks: readonly Buffer[], max = 100): Got[] {
  const s = new LineSplitter(max);
  const out: Got[] = [];
  const on = (b: Buffer | null, number: number, length: number): void => {
    out.push({ text: b === null ? null : b.toString('utf8'), number, length });
  };
  for (const c of chunks) s.push(c, on);
  s.end(on);
  return out;
}

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('LineSplitter', () => {
  it('splits on LF, numbers lines from 1 and keeps empty ones', () => {
    expect(split([buf('a\n\nbc\n')]).map((g) => [g.number, g.text])).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 'bc'],
    ]);
  });

  it('emits a last line without a newline, and nothing for an empty input', () => {
    expect(split([buf('a\nb')]).map((g) => g.text)).toEqual(['a', 'b']);
    expect(split([])).toEqual([]);
    expect(split([buf('')])).toEqual([]);
  });

  it('drops the CR of CRLF', () => {
    expect(split([buf('a\r\nb\r\n')]).map((g) => g.text)).toEqual(['a', 'b']);
  });

  it('gives null and the full length for a line over the limit, without keeping it', () => {
    const got = split([buf(`${'x'.repeat(60)}`), buf(`${'y'.repeat(60)}\nok\n`)], 100);
    expect(got).toEqual([
      { text: null, number: 1, length: 120 },
      { text: 'ok', number: 2, length: 2 },
    ]);
  });

  it('accepts a line of exactly the limit, also before a CR', () => {
    expect(split([buf(`${'x'.repeat(100)}\r\n`)], 100)[0]?.text).toHaveLength(100);
    expect(split([buf(`${'x'.repeat(101)}\n`)], 100)[0]?.text).toBeNull();
  });

  it('gives the same lines however the input is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 30 }), fc.constant(''), fc.constant('ü€😀')), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.boolean(),
        (ls, cuts, crlf) => {
          const text = ls.map((l) => l.replace(/[\r\n]/gu, '')).join(crlf ? '\r\n' : '\n');
          const whole = buf(text);
          const points = [...new Set(cuts.map((c) => (whole.length === 0 ? 0 : c % whole.length)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let prev = 0;
          for (const p of points) {
            chunks.push(whole.subarray(prev, p));
            prev = p;
          }
          chunks.push(whole.subarray(prev));
          expect(split(chunks, 1000)).toEqual(split([whole], 1000));
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);
});
