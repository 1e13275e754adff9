/** README.md documents the exit codes and reject reasons the code uses; keep them in step. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REJECT_REASONS } from '@ipasn/contracts';
import { IoError, UsageError } from '../src/errors.js';
import { ROOT } from './helpers.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('has one exit-code row per code the CLI uses', () => {
    const codes = [...readme.matchAll(/^\| (\d) \|/gmu)].map((m) => Number(m[1]));
    expect(codes).toEqual([0, new IoError('x').exitCode, new UsageError('x').exitCode]);
  });

  it('names every reject reason', () => {
    for (const r of REJECT_REASONS) expect(readme).toContain(`\`${r}\``);
  });
});
