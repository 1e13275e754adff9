/** The README's table of checks and the code agree (style.md: document every reason code in one table). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NORMALIZER_REJECT_REASONS } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every normalizer reject reason, in check order', () => {
    const rows = [...readme.matchAll(/^\| (\d) \| `([A-Z_]+)` \|/gmu)].map((m) => [Number(m[1]), m[2]]);
    expect(rows).toEqual(NORMALIZER_REJECT_REASONS.map((reason, i) => [i + 1, reason]));
  });
});
