/**
 * The stream generator (`ipasn generate`, packages/cli) as a test fixture: a deterministic ingress
 * NDJSON stream, the counts it declares (summary JSON) and its per-line intent (the `--expect`
 * file: every intended reject and duplicate, with the agency topic the line must be sent to).
 * The generator declares intent itself, never asking the validator, so counts can really fail.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GeneratorSummary } from '@ipasn/cli';
import { REPO_ROOT } from './env.js';

export type { GeneratorSummary };

/** One line of the `--expect` file. */
export type Expectation =
  | { line: number; reason: string; topic: string; offlineReason?: string }
  | { line: number; duplicateOf: number; topic: string };

/** The reasons the normalizer decides (events.md checks 1–7); NOT_OWNER and UNKNOWN_RECORD are the scorer's. */
export const NORMALIZER_REASONS = ['MALFORMED', 'UNSUPPORTED_TYPE', 'SCHEMA_INVALID', 'INVALID_NIP', 'UNKNOWN_AGENCY', 'AGENCY_MISMATCH', 'FUTURE_DATED'] as const;
export type NormalizerReason = (typeof NORMALIZER_REASONS)[number];

export interface GenerateOptions {
  /** Folder for the files (a temp dir of the test). */
  dir: string;
  seed?: string | number;
  employees?: number;
  /** Exactly this many lines. */
  events?: number;
  /** `pilot` (default) or a number of synthetic agencies 9001… (their list is written to `agenciesFile`). */
  agencies?: 'pilot' | number;
  invalid?: number;
  duplicates?: number;
  messy?: number;
  /** The ingestion time the stream is valid for; default now (so the live normalizer's clock agrees). */
  now?: Date;
  asOf?: string;
}

export interface GeneratedStream {
  file: string;
  summaryFile: string;
  expectFile: string;
  /** Written for synthetic agencies; pass it as IPASN_AGENCIES_FILE. */
  agenciesFile: string | undefined;
  summary: GeneratorSummary;
  /** The agency codes whose ingress topics the stream is sent to (create these topics). */
  agencies: string[];
  /** Line number → intent, for every intended reject and duplicate. */
  expectations: Map<number, Expectation>;
}

/** The CLI's entry point (build packages/cli first). */
export function cliMain(): string {
  const main = join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin', 'ipasn.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build packages/cli first (npx turbo run build --filter=@ipasn/cli)`);
  return main;
}

/** Runs `ipasn generate` and reads back what it declared. */
export async function generateStream(options: GenerateOptions): Promise<GeneratedStream> {
  const file = join(options.dir, 'stream.ndjson');
  const summaryFile = join(options.dir, 'summary.json');
  const expectFile = join(options.dir, 'expect.ndjson');
  const synthetic = typeof options.agencies === 'number';
  const agenciesFile = synthetic ? join(options.dir, 'agencies.json') : undefined;
  const args = [
    cliMain(),
    'generate',
    '--quiet',
    '--seed', String(options.seed ?? 1),
    '--now', (options.now ?? new Date()).toISOString(),
    '--out', file,
    '--summary', summaryFile,
    '--expect', expectFile,
  ];
  if (options.employees !== undefined) args.push('--employees', String(options.employees));
  if (options.events !== undefined) args.push('--events', String(options.events));
  if (options.agencies !== undefined) args.push('--agencies', String(options.agencies));
  if (agenciesFile) args.push('--agencies-out', agenciesFile);
  if (options.invalid !== undefined) args.push('--invalid', String(options.invalid));
  if (options.duplicates !== undefined) args.push('--duplicates', String(options.duplicates));
  if (options.messy !== undefined) args.push('--messy', String(options.messy));
  if (options.asOf !== undefined) args.push('--as-of', options.asOf);
  await run(process.execPath, args);
  const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as GeneratorSummary;
  const agencies = Object.keys(summary.byAgency).sort();
  return { file, summaryFile, expectFile, agenciesFile, summary, agencies, expectations: await readExpectations(expectFile) };
}

/** Reads an `--expect` file into line number → intent. */
export async function readExpectations(file: string): Promise<Map<number, Expectation>> {
  const text = await readFile(file, 'utf8');
  const map = new Map<number, Expectation>();
  for (const row of text.split('\n')) {
    if (row.trim() === '') continue;
    const e = JSON.parse(row) as Expectation;
    map.set(e.line, e);
  }
  return map;
}

export interface NormalizerExpectation {
  /** Records on ipasn.events: every line that passes checks 1–7, minus re-sent copies. */
  events: number;
  /** Records on ipasn.dlq. */
  dlq: number;
  byReason: Record<NormalizerReason, number>;
  /** Dropped as duplicates (ipasn_normalizer_duplicates_total). */
  duplicates: number;
}

/**
 * What the normalizer must write for a generated stream sent as tagged: NOT_OWNER and
 * UNKNOWN_RECORD lines pass the normalizer (the scorer rejects them), duplicates are dropped.
 */
export function normalizerExpectation(summary: GeneratorSummary): NormalizerExpectation {
  const byReason = Object.fromEntries(NORMALIZER_REASONS.map((r) => [r, summary.rejects.byReason[r] ?? 0])) as Record<NormalizerReason, number>;
  const dlq = Object.values(byReason).reduce((a, b) => a + b, 0);
  return { events: summary.lines - summary.duplicates - dlq, dlq, byReason, duplicates: summary.duplicates };
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.slice(0, 2).join(' ')} exited ${code}: ${stderr}`))));
  });
}
