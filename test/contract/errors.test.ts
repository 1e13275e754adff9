/**
 * docs/errors.md against the code (style.md: "document every error/reason code in one table and
 * test that the table and the code agree", as fastify checks its FST_ERR codes): every code thrown
 * in packages/* and services/* sources is in the table and every code in the table is thrown; the
 * reasons table is exactly REJECT_REASONS, in check order.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REJECT_REASONS } from '@ipasn/contracts';
import { SERDE_ERROR_CODES } from '@ipasn/serde';
import { REPO_ROOT } from '../src/env.js';

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === 'test') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Codes thrown: `new XError('CODE'` and `super('CODE'` in source files; SerdeError codes come from their list. */
function thrownCodes(): Set<string> {
  const codes = new Set<string>(SERDE_ERROR_CODES);
  for (const group of ['packages', 'services']) {
    for (const pkg of readdirSync(join(REPO_ROOT, group))) {
      const src = join(REPO_ROOT, group, pkg, 'src');
      let files: string[];
      try {
        files = sources(src);
      } catch {
        continue;
      }
      for (const file of files) {
        for (const m of readFileSync(file, 'utf8').matchAll(/(?:new \w*Error|super)\(\s*'([A-Z][A-Z0-9_]+)'/gu)) codes.add(m[1]!);
      }
    }
  }
  return codes;
}

/** The first column of the table under `heading` (rows like "| `CODE` | …"). */
function tableCodes(doc: string, heading: string): string[] {
  const start = doc.indexOf(`## ${heading}`);
  expect(start, `docs/errors.md has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + 3);
  const end = rest.indexOf('\n## ');
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gmu)].map((m) => m[1]!);
}

const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');

describe('docs/errors.md', () => {
  it('lists every error code the code throws, and only those, once each', () => {
    const listed = tableCodes(doc, 'Error codes');
    expect(new Set(listed).size, 'a code listed twice').toBe(listed.length);
    expect([...thrownCodes()].sort()).toEqual([...listed].sort());
  });

  it('lists the reject reasons exactly, in check order', () => {
    expect(tableCodes(doc, 'Reject reasons (dead letters)')).toEqual([...REJECT_REASONS]);
  });
});
