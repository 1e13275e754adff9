/**
 * `ipasn score`: the offline scorer (events.md "Offline scorer contract"). Streams NDJSON in,
 * normalizes with @ipasn/normalize, folds with @ipasn/rules, writes scores to stdout and one NDJSON
 * line per reject to stderr.
 */
import { open, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { Agencies } from '@ipasn/contracts';
import { MAX_EVENT_BYTES } from '@ipasn/normalize';
import { holdLimits, type HoldLimits } from '@ipasn/scoring';
import { jakartaDate } from '../dates.js';
import { IoError, UsageError } from '../errors.js';
import { BufferedWriter, isBrokenPipe } from '../io.js';
import { agencyCodeArg, isoDateArg, timestampArg } from '../options.js';
import { ruleSetList, ruleSetOptions, selectRuleSets, type RuleSetFlags } from '../rule-sets.js';
import { LineSplitter } from '../score/lines.js';
import { Scorer } from '../score/scorer.js';
import type { CommandModule } from './command.js';

interface ScoreFlags extends RuleSetFlags {
  asOf?: string;
  now?: Date;
  agency?: string;
  byAgency?: boolean;
  agenciesFile?: string;
  stats?: boolean;
}

export const scoreCommand: CommandModule = {
  name: 'score',
  register(program: Command): void {
    const cmd = program
      .command('score')
      .description('score ingress NDJSON offline: one line per active employee and rule set (or per agency)')
      .argument('[file]', 'NDJSON input; - or absent for stdin')
      .option('--as-of <date>', 'evaluation date YYYY-MM-DD (default: the ingestion time\'s date in Asia/Jakarta)', isoDateArg)
      .option('--now <timestamp>', 'the ingestion time (default: the start time)', timestampArg)
      .option('--agency <code>', "read the input as from this agency's ingress topic (AGENCY_MISMATCH)", agencyCodeArg)
      .option('--by-agency', 'one line per agency and rule set instead of per employee')
      .option('--agencies-file <file>', 'the agency list in force (default: the shipped list)')
      .option('--stats', 'end stderr with one {"stats": …} line of counts');
    ruleSetOptions(cmd, 'the baseline of the list in force').action(async (file: string | undefined, flags: ScoreFlags) => {
        await scoreCli(file, flags);
      });
  },
};

async function loadAgencies(path: string | undefined): Promise<Agencies> {
  if (path === undefined) return Agencies.default();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new IoError(`cannot read the agency list ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return Agencies.parse(JSON.parse(text));
  } catch (err) {
    throw new UsageError(`${path} is not an agency list (see packages/contracts/src/data/agencies.json): ${(err as Error).message}`);
  }
}

/** Opens the input before anything is written, so that a missing file is exit code 1 and no output. */
async function openInput(file: string | undefined): Promise<Readable> {
  if (file === undefined || file === '-') return process.stdin;
  try {
    const handle = await open(file, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      await handle.close();
      throw new Error('is a directory');
    }
    // The stream owns the handle and closes it at the end.
    return handle.createReadStream({ highWaterMark: 1 << 20 });
  } catch (err) {
    throw new IoError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * SCORER_MAX_RECORDS from the environment, as the live scorer reads it, so that the offline and
 * live decisions agree (events.md check 10); 1,000 when unset.
 */
export function maxRecordsFromEnv(env: Record<string, string | undefined>): number | undefined {
  const raw = env['SCORER_MAX_RECORDS'];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`SCORER_MAX_RECORDS must be a whole number ≥ 1, got ${JSON.stringify(raw)}`);
  return n;
}

/** SCORER_HOLD_MAX from the environment, as the live scorer reads it (events.md holds); 100 when unset. */
export function holdMaxFromEnv(env: Record<string, string | undefined>): number | undefined {
  const raw = env['SCORER_HOLD_MAX'];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`SCORER_HOLD_MAX must be a whole number ≥ 0, got ${JSON.stringify(raw)}`);
  return n;
}

/** SCORER_HOLD_MAX and SCORER_HOLD_HOURS from the environment, as the live scorer (`ipasn verify`, `ipasn rebuild`). */
export function holdLimitsFromEnv(env: Record<string, string | undefined>): HoldLimits {
  const raw = env['SCORER_HOLD_HOURS'];
  let hours: number | undefined;
  if (raw !== undefined && raw.trim() !== '') {
    hours = Number(raw);
    if (!Number.isFinite(hours) || hours <= 0) throw new UsageError(`SCORER_HOLD_HOURS must be a number of hours > 0, got ${JSON.stringify(raw)}`);
  }
  return holdLimits({ max: holdMaxFromEnv(env), hours });
}

async function scoreCli(file: string | undefined, flags: ScoreFlags): Promise<void> {
  const maxRecords = maxRecordsFromEnv(process.env);
  const holdMax = holdMaxFromEnv(process.env);
  const startedAt = new Date();
  const ingestionTime = flags.now ?? startedAt;
  const asOf = flags.asOf ?? jakartaDate(ingestionTime);
  const agencies = await loadAgencies(flags.agenciesFile);
  const list = ruleSetList(flags, process.env['IPASN_RULE_SETS_FILE']);
  const rules = selectRuleSets(list, flags.rules, 'baseline');
  if (flags.agency !== undefined && !agencies.has(flags.agency)) {
    throw new UsageError(`--agency ${flags.agency} is not in the agency list`);
  }
  const input = await openInput(file);

  const scorer = new Scorer({ agencies, ingestionTime, topicAgency: flags.agency, maxRecords, holdMax });
  const out = new BufferedWriter(process.stdout);
  const err = new BufferedWriter(process.stderr);
  const splitter = new LineSplitter(MAX_EVENT_BYTES);
  let errFull = false;
  const onLine = (bytes: Buffer | null, number: number, length: number): void => {
    for (const r of scorer.line(bytes, number, length)) {
      if (err.write(`${JSON.stringify(r)}\n`)) errFull = true;
    }
  };
  try {
    for await (const chunk of input) {
      splitter.push(chunk as Buffer, onLine);
      if (errFull) {
        errFull = false;
        await err.drain();
      }
    }
    splitter.end(onLine);
  } catch (e) {
    throw new IoError(`cannot read ${file ?? 'stdin'}: ${(e as Error).message}`, { cause: e });
  }
  // Still held at the end of the input: NOT_OWNER, on their own line numbers.
  for (const r of scorer.finish()) {
    if (err.write(`${JSON.stringify(r)}\n`)) await err.drain();
  }

  if (flags.byAgency) {
    for (const line of scorer.agencyLines(asOf, rules)) {
      if (out.write(`${JSON.stringify(line)}\n`)) await out.drain();
    }
  } else {
    for (const line of scorer.employeeLines(asOf, rules)) {
      if (out.write(`${JSON.stringify(line)}\n`)) await out.drain();
      if (out.error) break;
    }
  }
  await out.end();
  if (flags.stats) {
    const stats = { ...scorer.stats, asOf, now: ingestionTime.toISOString(), rules: rules.map((rs) => rs.id) };
    err.write(`${JSON.stringify({ stats })}\n`);
  }
  await err.end();
  if (out.error && !isBrokenPipe(out.error)) throw new IoError(`cannot write the output: ${out.error.message}`);
}
