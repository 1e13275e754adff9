/**
 * `npm run chaos` (test/chaos/chaos.sh starts the run's own Kafka and Redis, then this): a generated
 * stream flows from `ipasn publish` into the running pipeline while seeded faults strike it; after
 * the drain every invariant is checked and a report is printed (docs/reliability.md).
 *
 *   --events N       stream length (default 1,000,000)
 *   --seed S         the stream and the fault plan (default: random, printed)
 *   --kills K        SIGKILLs of service instances (default 15, each service at least 3 times)
 *   --min-per-service M   (default 3; the CI variant: 1)
 *   --no-broker / --no-redis   leave out the broker or the Redis restart
 *   --flush-redis   also flush Redis (FLUSHALL) once, then repair by the runbook: normalizer, scorer
 *                    and projector must report `redis-epoch`; stop them, `ipasn rebuild` (it restores the
 *                    dedupe marks), start them. It waits for the publish to end and the normalizer to drain first
 *   --flush-mid-publish   with --flush-redis: flush at the planned point even while the publish goes on
 *                    (copies of admitted events still come after the flush)
 *   --instances N    processes per stream service (normalizer, scorer, projector; default 1): with
 *                    2, the kills hit the first of each while the second shares the partitions
 *   --json FILE      also write the report as JSON
 * Exit 0 when the report counts 0 mismatches.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agencies } from '@ipasn/contracts';
import { generateStream } from '@ipasn/e2e';
import { topicNames } from '@ipasn/pipeline';
import { checkDlq, checkEvents, checkScores } from './checks.js';
import { cli } from './cli.js';
import { declared } from './expect.js';
import { runFaults } from './faults.js';
import { STATE_DIR } from './infra.js';
import { faultPlan } from './plan.js';
import { drainAll, drainIngress, pipelineProgress, scorerBacklog } from './progress.js';
import { formatReport, mismatchCount, type Report } from './report.js';
import { cliAdminEnv, ServiceSet } from './services.js';

const AS_OF = '2025-06-30';
const log = (line: string): void => void process.stderr.write(`[chaos] ${line}\n`);

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string' },
    kills: { type: 'string', default: '15' },
    'min-per-service': { type: 'string', default: '3' },
    'no-broker': { type: 'boolean', default: false },
    'no-redis': { type: 'boolean', default: false },
    'flush-redis': { type: 'boolean', default: false },
    'flush-mid-publish': { type: 'boolean', default: false },
    instances: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});
const events = Number(args.events);
const seed = args.seed !== undefined ? Number(args.seed) : Math.floor(Math.random() * 2 ** 31);
const kills = Number(args.kills);
const minPerService = Number(args['min-per-service']);
const instances = Number(args.instances);
if (![events, seed, kills, minPerService, instances].every(Number.isSafeInteger) || instances < 1) throw new Error('--events, --seed, --kills, --min-per-service and --instances are integers (--instances ≥ 1)');
const secrets = process.env['IPASN_SECRETS_DIR'] ?? join(STATE_DIR, 'secrets');
const command = `npm run chaos -- --seed ${seed} --events ${events} --kills ${kills} --min-per-service ${minPerService}${args['no-broker'] ? ' --no-broker' : ''}${args['no-redis'] ? ' --no-redis' : ''}${args['flush-redis'] ? ' --flush-redis' : ''}${args['flush-mid-publish'] ? ' --flush-mid-publish' : ''}${instances > 1 ? ` --instances ${instances}` : ''}`;
log(`seed ${seed}; repeat with: ${command}`);

async function main(): Promise<number> {
  const work = join(STATE_DIR, 'run');
  const logs = join(STATE_DIR, 'logs');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const now = new Date();
  let t = Date.now();
  log(`generating ${events} events (seed ${seed})`);
  const stream = await generateStream({ dir: work, seed, events, now, asOf: AS_OF });
  const generatedMs = Date.now() - t;

  const topics = topicNames('');
  const groups = { ingress: Agencies.default().all.map((a) => topics.ingress(a.code)), events: topics.events, scores: topics.scores };
  const approxEvents = stream.summary.lines - stream.summary.duplicates - stream.summary.rejects.total;
  const plan = faultPlan({ seed, kills, minPerService, broker: !args['no-broker'], redis: !args['no-redis'], flush: args['flush-redis'], from: 0.05, to: 0.85 });

  const cliAdmin = cliAdminEnv(secrets, AS_OF);
  log(`starting normalizer, scorer, projector (${instances} of each) and console (each as its own principal)`);
  const services = await ServiceSet.start({ SCORING_AS_OF: AS_OF, LOG_LEVEL: 'warn' }, secrets, logs, instances);
  const rejectsFile = join(work, 'publish-rejects.ndjson');
  t = Date.now();
  services.t0 = t;
  log(`publishing ${stream.summary.lines} lines with ipasn publish; ${plan.length} faults planned`);
  const publishing = cli(['publish', '--credentials', join(secrets, 'kafka', 'users'), '--send-invalid', '--quiet', '--json', '--rejects', rejectsFile, stream.file], {});
  let publishEnd = 0;
  void publishing.then(() => (publishEnd = Date.now()));
  const ticker = setInterval(() => {
    void pipelineProgress(groups, stream.summary.lines, approxEvents).then((p) => log(`t=${((Date.now() - t) / 1000).toFixed(0)} s progress ${p === undefined ? '?' : `${(p * 100).toFixed(1)}%`}`));
  }, 30_000);
  let faults;
  try {
    faults = await runFaults(plan, { services, t0: t, progress: () => pipelineProgress(groups, stream.summary.lines, approxEvents), log, readyTimeoutMs: 600_000,
      publishDone: publishing,
      cliEnv: cliAdmin,
      ingressDrained: () => drainIngress(groups, 60 * 60_000),
      scorerBacklog: () => scorerBacklog(groups),
      flushMidPublish: args['flush-mid-publish'],
    });
    const published = await publishing;
    if (published.code !== 0) throw new Error(`ipasn publish exited ${published.code}: ${published.out.slice(-2_000)}`);
    log('publish done, faults done: waiting for the drain');
    await drainAll(groups, 60 * 60_000);
  } finally {
    clearInterval(ticker);
  }
  const drainedAt = Date.now();
  const summary = JSON.parse((await publishing).out.split('\n').find((l) => l.startsWith('{')) ?? '{}') as { sent?: number };
  const sent = summary.sent ?? 0;
  let consoleReady = true;
  await services.untilReady('console', 60_000).catch(() => (consoleReady = false));

  log('checking: ipasn verify, ipasn.dlq, ipasn.events, ipasn.scores');
  const v = await cli(['verify'], cliAdmin);
  const verifySummary = v.out.split('\n').filter((l) => /^(verify as of|OK:|FAILED| {2}MISMATCH)/u.test(l)).slice(0, 6).join(' / ');
  const d = await declared(stream.file, stream.expectFile, rejectsFile);
  const dlq = await checkDlq(topics.dlq, d);
  const ev = await checkEvents(topics.events, d, dlq.scorerRejected);
  const offline = join(work, 'offline-scores.ndjson');
  const scored = await cli(['score', '--rules', 'all', '--as-of', AS_OF, '--now', now.toISOString(), stream.file], {}, offline);
  if (scored.code !== 0) throw new Error(`ipasn score exited ${scored.code}`);
  const sc = await checkScores(topics.scores, offline, d.singleAgency);
  await services.stop();

  const { rejectBytes: _b, scorerRejects: _s, singleAgency, ...counts } = d;
  const partial = {
    seed,
    command,
    events,
    generatedMs,
    published: { sent, ms: (publishEnd || drainedAt) - t },
    declared: { ...counts, singleAgencyEmployees: singleAgency.size },
    faults,
    selfExits: services.selfExits,
    drain: { afterPublishMs: drainedAt - Math.max(publishEnd, t), totalMs: drainedAt - t, throughput: Math.round(sent / ((drainedAt - t) / 1000)) },
    verify: { exitCode: v.code, summary: verifySummary || v.out.slice(-300) },
    eventsCheck: { records: ev.records, unique: ev.unique, declared: ev.declared, aborted: ev.aborted, duplicates: ev.duplicates.length, readmitted: ev.readmitted.length, examples: [...ev.duplicates.slice(0, 5).map((k) => `doubled on ipasn.events: ${k}`), ...ev.readmitted.slice(0, 5).map((k) => `re-admitted after a scorer reject: ${k}`)] },
    dlqCheck: {
      records: dlq.records,
      duplicates: dlq.duplicates,
      normalizer: dlq.normalizer,
      scorer: dlq.scorer,
      orderDependent: dlq.orderDependent,
      wrongReason: dlq.wrongReason.length,
      missing: dlq.missing.length,
      examples: [...dlq.wrongReason.slice(0, 5), ...dlq.missing.slice(0, 5)],
    },
    scoresCheck: { compared: sc.compared, mismatches: sc.mismatches.length, examples: sc.mismatches.slice(0, 5) },
    consoleReady,
  };
  const report: Report = { ...partial, mismatches: mismatchCount(partial) };
  writeFileSync(join(STATE_DIR, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  const text = formatReport(report);
  writeFileSync(join(STATE_DIR, 'report.txt'), text);
  process.stdout.write(text);
  return report.mismatches === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    log(`service logs: ${join(STATE_DIR, 'logs')}; seed ${seed}`);
    try {
      log(readFileSync(join(STATE_DIR, 'kafka', 'logs', 'server.log'), 'utf8').split('\n').slice(-5).join('\n'));
    } catch {
      // no broker log
    }
    process.exit(2);
  },
);
