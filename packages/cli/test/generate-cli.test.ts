/**
 * `ipasn generate` through the built binary, and the key check of the generator's declared counts:
 * what it says it wrote is what `ipasn score --stats` finds, reject by reject.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHIPPED_RULE_SETS } from '@ipasn/rules';
import { GENERATED_REASONS } from '../src/generate/context.js';
import type { GeneratorSummary } from '../src/generate/summary.js';
import { BIN, ipasn, ndjson, rejectsOf, statsOf } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'ipasn-gen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

interface Expect {
  line: number;
  reason?: string;
  offlineReason?: string;
  duplicateOf?: number;
  topic: string;
}

describe('determinism', () => {
  const args = ['generate', '--employees', '300', '--as-of', '2025-06-30', '-q'];

  it('writes identical bytes for the same seed, other bytes for another seed', () => {
    const a = ipasn([...args, '--seed', '42']);
    const b = ipasn([...args, '--seed', '42']);
    const c = ipasn([...args, '--seed', '43']);
    expect(a.code).toBe(0);
    expect(a.stdout.length).toBeGreaterThan(10_000);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('writes the same bytes to --out as to stdout', () => {
    const file = join(tmp, 'same.ndjson');
    const toStdout = ipasn([...args, '--seed', '9']);
    expect(ipasn([...args, '--seed', '9', '--out', file]).stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(toStdout.stdout);
  });
});

describe('declared counts equal what ipasn score finds', () => {
  const stream = join(tmp, 'stream.ndjson');
  const summaryFile = join(tmp, 'summary.json');
  const expectFile = join(tmp, 'expect.ndjson');
  const gen = ipasn([
    'generate', '--seed', 'counts', '--events', '20000', '--as-of', '2025-06-30',
    '--invalid', '0.04', '--duplicates', '0.02', '--out', stream, '--summary', summaryFile, '--expect', expectFile,
  ]);
  const summary = readJson<GeneratorSummary>(summaryFile);
  const run = ipasn(['score', ...summary.scoreArgs, '--rules', 'all', '--stats', stream]);
  const stats = statsOf(run.stderr) as {
    lines: number;
    accepted: number;
    duplicates: number;
    rejects: { total: number; byReason: Record<string, number> };
    holds: { held: number; released: number; notReleased: number };
  };

  it('generates exactly --events lines and prints the table on stderr', () => {
    expect(gen.code).toBe(0);
    expect(summary.lines).toBe(20_000);
    expect(readFileSync(stream, 'utf8').split('\n').filter(Boolean)).toHaveLength(20_000);
    expect(gen.stderr).toMatch(/accepted\s+\d+/u);
    expect(gen.stderr).toMatch(/score it with: ipasn score --as-of 2025-06-30 --now /u);
  });

  it('matches lines, accepted, duplicates and rejects by reason', () => {
    expect(run.code).toBe(0);
    expect(stats.lines).toBe(summary.lines);
    expect(stats.accepted).toBe(summary.offline.accepted);
    expect(stats.duplicates).toBe(summary.duplicates);
    expect(stats.rejects).toEqual(summary.offline.rejects);
    for (const r of GENERATED_REASONS.filter((x) => x !== 'AGENCY_MISMATCH')) expect(summary.offline.rejects.byReason[r], r).toBeGreaterThan(0);
    // Routed by topic, the stream also holds AGENCY_MISMATCH; offline those are another agency's
    // events: held, NOT_OWNER in the end unless a change of owner released (and applied) them.
    expect(summary.rejects.byReason.AGENCY_MISMATCH).toBeGreaterThan(0);
    const mismatchReleased = summary.offline.holds.released - summary.holds.released;
    expect(summary.offline.rejects.byReason.NOT_OWNER).toBe(summary.rejects.byReason.NOT_OWNER + summary.rejects.byReason.AGENCY_MISMATCH - mismatchReleased);
  });

  it('matches the held events: held, released when the owner changed, still held at the end', () => {
    expect(stats.holds).toEqual(summary.offline.holds);
    expect(summary.holds.released).toBeGreaterThan(0);
    expect(summary.holds.notReleased).toBeGreaterThan(0);
    expect(summary.holds.held).toBe(summary.holds.released + summary.holds.notReleased);
  });

  it('matches the intended rejects line by line', () => {
    const expected = ndjson<Expect>(readFileSync(expectFile, 'utf8'))
      .filter((e) => e.reason !== undefined && (e.offlineReason ?? e.reason) !== 'ACCEPTED')
      .map((e) => [e.line, e.offlineReason ?? e.reason]);
    expect(rejectsOf(run.stderr).map((r) => [r.line, r.reason])).toEqual(expected);
  });

  it('scores every active employee it declared, under every shipped rule set', () => {
    expect(ndjson(run.stdout)).toHaveLength(SHIPPED_RULE_SETS.all.length * summary.active.total);
  });

  it('matches the declared head counts per agency (--by-agency)', () => {
    const byAgency = ipasn(['score', ...summary.scoreArgs, '--by-agency', stream]);
    const rows = ndjson<{ agencyCode: string; headcount: { PNS: number; PPPK: number; total: number } }>(byAgency.stdout);
    const declared = Object.entries(summary.byAgency)
      .filter(([, a]) => a.active.total > 0)
      .map(([code, a]) => [code, a.active]);
    expect(rows.map((r) => [r.agencyCode, r.headcount])).toEqual(declared);
  });
});

describe('synthetic agencies', () => {
  const stream = join(tmp, 'synthetic.ndjson');
  const list = join(tmp, 'agencies.json');
  const summaryFile = join(tmp, 'synthetic-summary.json');
  const gen = ipasn(['generate', '--agencies', '6', '--agencies-out', list, '--events', '5000', '--as-of', '2025-06-30', '--out', stream, '--summary', summaryFile, '-q']);
  const summary = readJson<GeneratorSummary>(summaryFile);

  it('writes an agency list in the shipped format with codes 9001…', () => {
    expect(gen.code).toBe(0);
    const agencies = readJson<{ version: number; agencies: Array<{ code: string }> }>(list);
    expect(agencies.version).toBe(1);
    expect(agencies.agencies.map((a) => a.code)).toEqual(['9001', '9002', '9003', '9004', '9005', '9006']);
    expect(summary.scoreArgs).toContain('--agencies-file');
  });

  it('scores as declared with --agencies-file', () => {
    const run = ipasn(['score', ...summary.scoreArgs, '--stats', stream]);
    const stats = statsOf(run.stderr);
    expect(stats.accepted).toBe(summary.offline.accepted);
    expect(stats.rejects).toEqual(summary.offline.rejects);
    expect(stats.duplicates).toBe(summary.duplicates);
  });
});

describe('pipes and arguments', () => {
  it('pipes generate into score', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" generate --employees 100 -q | "${process.execPath}" "${BIN}" score --rules all`], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    expect(r.status).toBe(0);
    const rows = ndjson<{ rules: string }>(r.stdout);
    expect(rows.length).toBeGreaterThan(150);
    expect(new Set(rows.map((x) => x.rules))).toEqual(new Set(SHIPPED_RULE_SETS.ids));
  });

  it('stops quietly when the reader goes away', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" generate --events 200000 -q | head -3`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(r.stderr).toBe('');
  });

  it.each([
    ['a share of 1 or more', ['--messy', '1.5']],
    ['an unknown agency choice', ['--agencies', 'all']],
    ['a bad date', ['--as-of', '2025-13-01']],
    ['as-of after now', ['--as-of', '2025-07-02', '--now', '2025-06-30T10:00:00Z']],
    ['zero employees', ['--employees', '0']],
    ['an unknown option', ['--fast']],
  ])('exits 2 for %s', (_what, args) => {
    const r = ipasn(['generate', ...args, '-q']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('exits 1 when the output cannot be written', () => {
    expect(ipasn(['generate', '--employees', '5', '--out', join(tmp, 'no', 'such', 'dir.ndjson'), '-q']).code).toBe(1);
  });
});
