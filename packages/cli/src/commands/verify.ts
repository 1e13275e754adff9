/**
 * `ipasn verify` and `ipasn rebuild`: the system's self-check and its repair (design.md, "State and
 * correctness"). Both read the same environment as the services (KAFKA_BROKERS, REDIS_URL,
 * REDIS_PREFIX, IPASN_TOPIC_PREFIX, SCORING_AS_OF, SCORER_MAX_RECORDS, SCORER_HOLD_MAX, SCORER_HOLD_HOURS); the work is done by @ipasn/ops.
 */
import type { Command } from 'commander';
import { rebuild, verify, type Phase, type VerifyResult } from '@ipasn/ops';
import { kafkaConnection, loadConfig, redisConnection } from '@ipasn/config';
import { CheckFailed, IoError, UsageError } from '../errors.js';
import { isoDateArg } from '../options.js';
import { progress, type Progress } from '../progress.js';
import { ruleSetList, ruleSetOptions, selectRuleSets, type RuleSetFlags } from '../rule-sets.js';
import { holdLimitsFromEnv, maxRecordsFromEnv } from './score.js';
import type { CommandModule } from './command.js';

interface Flags extends RuleSetFlags {
  asOf?: string;
  json?: boolean;
}

function options(flags: Flags) {
  const config = loadConfig(process.env);
  return {
    kafkaConnection: kafkaConnection(config),
    redisConnection: redisConnection(config),
    topicPrefix: config.IPASN_TOPIC_PREFIX,
    redisPrefix: config.REDIS_PREFIX,
    asOf: flags.asOf ?? config.SCORING_AS_OF,
    // The list in force (IPASN_RULE_SETS_FILE, like the scorer's), or the part of it --rules names.
    ruleSets: selectRuleSets(ruleSetList(flags, config.IPASN_RULE_SETS_FILE), flags.rules, 'all'),
    // The live scorer's record limit, so a rebuild or check applies TOO_MANY_RECORDS where it did.
    maxRecords: maxRecordsFromEnv(process.env),
    hold: holdLimitsFromEnv(process.env),
    // The normalizer's mark life, so the marks a rebuild restores expire when the live ones would.
    dedupeTtlDays: dedupeTtlDaysFromEnv(process.env),
    onProgress: phases(),
  };
}

/** NORMALIZER_DEDUPE_TTL_DAYS as the normalizer reads it (≥ 7, default 8). */
export function dedupeTtlDaysFromEnv(env: Record<string, string | undefined>): number | undefined {
  const raw = env['NORMALIZER_DEDUPE_TTL_DAYS'];
  if (raw === undefined || raw.trim() === '') return undefined;
  const days = Number(raw);
  if (!Number.isFinite(days) || days < 7) throw new UsageError(`NORMALIZER_DEDUPE_TTL_DAYS must be a number of days ≥ 7, got ${JSON.stringify(raw)}`);
  return days;
}

/** One progress bar per phase. */
function phases(): (p: { phase: Phase; done: number; total: number }) => void {
  let current: { phase: Phase; bar: Progress } | undefined;
  return (p) => {
    if (current?.phase !== p.phase) {
      current?.bar.stop();
      current = { phase: p.phase, bar: progress(p.phase, p.total, 'items') };
    }
    current.bar.update(p.done, p.total);
  };
}

/** A per-agency diff for people; exact integer sums (quarter points), never rounded means. */
export function formatVerify(r: VerifyResult): string {
  const lines = [`verify as of ${r.asOf}: ${r.events} events, ${r.employees} employees, ${r.agencies.length} agency/rule-set aggregates`];
  for (const a of r.agencies.filter((x) => !x.ok)) {
    lines.push(`  MISMATCH ${a.agencyCode} ${a.rules}`);
    for (const d of a.diff) lines.push(`    ${d.field}: expected ${d.expected}, Redis ${d.actual}`);
  }
  lines.push(r.ok ? 'OK: Redis equals the recomputation from ipasn.events' : `FAILED: ${r.mismatches} mismatching aggregates`);
  return lines.join('\n');
}

async function run(flags: Flags, work: () => Promise<VerifyResult | null>): Promise<void> {
  let result: VerifyResult | null;
  try {
    result = await work();
  } catch (err) {
    throw new IoError(`cannot complete: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (!result) return;
  process.stdout.write(`${flags.json ? JSON.stringify(result) : formatVerify(result)}\n`);
  if (!result.ok) throw new CheckFailed(`${result.mismatches} aggregates differ from the recomputation`);
}

export const verifyCommand: CommandModule = {
  name: 'verify',
  register(program: Command): void {
    const cmd = program
      .command('verify')
      .description('recompute every agency aggregate from ipasn.events and compare exact sums with Redis (exit 1 on any mismatch)')
      .option('--as-of <date>', 'the evaluation date the scorer used (default: SCORING_AS_OF, else today in Asia/Jakarta)', isoDateArg)
      .option('--json', 'print the structured result');
    ruleSetOptions(cmd, 'all').action((flags: Flags) => run(flags, () => verify(options(flags))));
  },
};

export const rebuildCommand: CommandModule = {
  name: 'rebuild',
  register(program: Command): void {
    const cmd = program
      .command('rebuild')
      .description('drop the derived Redis state and rebuild it from Kafka (profiles from ipasn.events, aggregates from ipasn.scores.latest), then verify; stop the scorer and projector first')
      .option('--as-of <date>', 'the evaluation date for the final verify (default: SCORING_AS_OF, else today)', isoDateArg)
      .option('--json', 'print the structured result');
    ruleSetOptions(cmd, 'all').action((flags: Flags) =>
        run(flags, async () => {
          const t0 = performance.now();
          const r = await rebuild(options(flags));
          process.stderr.write(
            `rebuild: ${r.dropped.states} states and ${r.dropped.aggregates} aggregate keys dropped; ${r.states.events} events → ${r.states.employees} profiles; ${r.aggregates.scores} latest scores → ${r.aggregates.applied} applied; ${r.marks.restored} dedupe marks restored (${r.marks.present} kept, ${r.marks.expired} expired, ${r.marks.forgotten} of rejected events deleted); epoch marker ${r.epoch.id}; ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
          );
          if (!r.verify) {
            process.stderr.write(`verify skipped: the scorer has ${r.pending} offsets of ipasn.events still to process (the rebuild stopped at its committed offsets); run ipasn verify once its lag is 0\n`);
            if (flags.json) process.stdout.write(`${JSON.stringify({ pending: r.pending, verify: null })}\n`);
          }
          return r.verify;
        }),
      );
  },
};
