/** `ipasn generate`: a deterministic, realistic ingress NDJSON stream with declared faults. */
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { jakartaDate, parseIsoDate, toDays } from '../dates.js';
import { UsageError, IoError } from '../errors.js';
import { BufferedWriter, isBrokenPipe, openOutput } from '../io.js';
import { isoDateArg, positiveCountArg, shareArg, timestampArg } from '../options.js';
import { buildUniverse, MAX_SYNTHETIC_AGENCIES, type AgencyChoice } from '../generate/agencies.js';
import { GenContext } from '../generate/context.js';
import { generateStream, type Expectation } from '../generate/stream.js';
import { Accounting, summaryTable } from '../generate/summary.js';
import type { CommandModule } from './command.js';

interface GenerateFlags {
  seed: string;
  employees: number;
  agencies: string;
  agenciesOut?: string;
  events?: number;
  messy: number;
  invalid: number;
  duplicates: number;
  asOf?: string;
  now?: Date;
  out: string;
  summary?: string;
  expect?: string;
  quiet?: boolean;
}

/** Lines per employee at history scale 1 (measured): ~4 fixed (upsert, education…) + ~13 scalable. */
const FIXED_LINES = 4.2;
const SCALED_LINES = 12.8;

export const generateCommand: CommandModule = {
  name: 'generate',
  register(program: Command): void {
    program
      .command('generate')
      .description('write a deterministic, realistic ingress NDJSON stream (CloudEvents, events.md) with declared faults')
      .option('--seed <seed>', 'PRNG seed: the same seed and dates give the same bytes', '1')
      .option('--employees <n>', 'employees to generate', positiveCountArg, 1000)
      .option('--agencies <pilot|N>', 'the 11 pilot agencies, or N synthetic agencies 9001…', 'pilot')
      .option('--agencies-out <file>', 'write the agency list the stream needs (synthetic agencies)')
      .option('--events <n>', 'exactly this many lines (employees are added or histories cut to fit)', positiveCountArg)
      .option('--messy <share>', 'share of valid events written with accepted aliases and odd formats', shareArg, 0.2)
      .option('--invalid <share>', 'share of lines that are intended rejects, over every reject reason', shareArg, 0.02)
      .option('--duplicates <share>', 'share of lines that re-send an accepted event (same source and id)', shareArg, 0.01)
      .option('--as-of <date>', 'valid record dates stay on or before this date (default: today in Asia/Jakarta)', isoDateArg)
      .option('--now <timestamp>', 'the ingestion time the stream is valid for (default: <as-of>T17:00:00+07:00)', timestampArg)
      .option('--out <file|->', 'where to write the stream', '-')
      .option('--summary <file>', 'write the declared counts as JSON')
      .option('--expect <file>', 'write one NDJSON line per intended reject and duplicate: line number, reason, topic')
      .option('-q, --quiet', 'do not print the summary table on stderr')
      .action(async (flags: GenerateFlags, cmd: Command) => {
        const employeesGiven = cmd.getOptionValueSource('employees') === 'cli';
        await generate(flags, employeesGiven);
      });
  },
};

function agencyChoice(value: string): AgencyChoice {
  if (value === 'pilot') return { kind: 'pilot' };
  if (/^\d+$/u.test(value)) {
    const count = Number(value);
    if (count >= 1 && count <= MAX_SYNTHETIC_AGENCIES) return { kind: 'synthetic', count };
  }
  throw new UsageError(`--agencies must be "pilot" or a number of synthetic agencies from 1 to ${MAX_SYNTHETIC_AGENCIES}, not "${value}"`);
}

export function resolveClock(asOfFlag: string | undefined, nowFlag: Date | undefined, startedAt: Date): { asOf: string; nowMs: number } {
  const asOf = asOfFlag ?? (nowFlag ? jakartaDate(nowFlag) : jakartaDate(startedAt));
  const nowMs = nowFlag ? nowFlag.getTime() : Date.parse(`${asOf}T17:00:00+07:00`);
  if (toDays(asOf) > toDays(jakartaDate(new Date(nowMs)))) {
    throw new UsageError(`--as-of ${asOf} is after the ingestion time's date (${jakartaDate(new Date(nowMs))}): records would be FUTURE_DATED`);
  }
  return { asOf, nowMs };
}

async function generate(flags: GenerateFlags, employeesGiven: boolean): Promise<void> {
  if (flags.invalid + flags.duplicates >= 0.9) throw new UsageError('--invalid plus --duplicates must stay below 0.9');
  const choice = agencyChoice(flags.agencies);
  const { asOf, nowMs } = resolveClock(flags.asOf, flags.now, new Date());
  const universe = buildUniverse(choice, flags.seed);

  const perEmployee = (historyScale: number): number =>
    (FIXED_LINES + SCALED_LINES * historyScale) / (1 - flags.invalid - flags.duplicates);
  let historyScale = 1;
  if (flags.events !== undefined && employeesGiven) {
    const wanted = flags.events / flags.employees;
    historyScale = Math.min(40, Math.max(0.1, ((wanted * (1 - flags.invalid - flags.duplicates)) - FIXED_LINES) / SCALED_LINES));
  }
  const g = new GenContext(
    {
      seed: flags.seed,
      asOf: parseIsoDate(asOf) as number,
      nowMs,
      messy: flags.messy,
      invalid: flags.invalid,
      duplicates: flags.duplicates,
      historyScale,
    },
    universe,
  );
  const acc = new Accounting();

  const out = new BufferedWriter(await open(flags.out));
  const expectOut = flags.expect !== undefined ? new BufferedWriter(await open(flags.expect)) : undefined;
  let expectFull = false;
  const onExpect = expectOut
    ? (e: Expectation): void => {
        if (expectOut.write(`${JSON.stringify(e)}\n`)) expectFull = true;
      }
    : undefined;

  const plan = { employees: flags.employees, targetLines: flags.events };
  for (const line of generateStream(g, plan, acc, onExpect)) {
    if (out.write(`${line}\n`)) await out.drain();
    if (out.error) break;
    if (expectFull) {
      expectFull = false;
      await expectOut?.drain();
    }
  }
  await out.end();
  await expectOut?.end();
  if (out.error && !isBrokenPipe(out.error)) throw new IoError(`cannot write ${flags.out}: ${out.error.message}`);

  const nowIso = new Date(nowMs).toISOString();
  const summary = acc.summary(
    {
      seed: flags.seed,
      asOf,
      now: nowIso,
      agencies: choice.kind === 'pilot' ? 'pilot' : choice.count,
      employeesRequested: flags.events !== undefined && !employeesGiven ? null : flags.employees,
      events: flags.events ?? null,
      historyScale: Math.round(historyScale * 1000) / 1000,
      expectedLinesPerEmployee: Math.round(perEmployee(historyScale) * 10) / 10,
      messy: flags.messy,
      invalid: flags.invalid,
      duplicates: flags.duplicates,
    },
    [
      '--as-of',
      asOf,
      '--now',
      nowIso,
      ...(choice.kind === 'synthetic' ? ['--agencies-file', flags.agenciesOut ?? '<agency list>'] : []),
    ],
  );
  if (flags.summary !== undefined) await writeText(flags.summary, `${JSON.stringify(summary, null, 2)}\n`);
  if (flags.agenciesOut !== undefined) await writeText(flags.agenciesOut, `${JSON.stringify(universe.list, null, 2)}\n`);
  if (!flags.quiet) {
    process.stderr.write(summaryTable(summary));
    if (choice.kind === 'synthetic' && flags.agenciesOut === undefined) {
      process.stderr.write('note: synthetic agencies are unknown to the shipped list; write them with --agencies-out\n');
    }
  }
}

async function open(target: string): Promise<Writable> {
  try {
    return await openOutput(target);
  } catch (err) {
    throw new IoError(`cannot write ${target}: ${(err as Error).message}`, { cause: err });
  }
}

async function writeText(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new IoError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}
