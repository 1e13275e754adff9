import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERDE_ERROR_CODES, SerdeError } from '../src/index.js';

describe('error codes', () => {
  it('are exactly those documented in README.md, in order', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('## Tests'));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gmu)].map((m) => m[1]);
    expect(documented).toEqual([...SERDE_ERROR_CODES]);
  });

  it('carry code, cause and retriable = false', () => {
    const cause = new Error('inner');
    const e = new SerdeError('DECODE_FAILED', 'outer', { cause });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.retriable, e.cause, e.message]).toEqual(['SerdeError', 'DECODE_FAILED', false, cause, 'outer']);
  });
});
