/**
 * `npm run failover` (test/chaos/failover.sh starts the run's own cluster — three KRaft nodes, Redis
 * primary + replica + three Sentinels — then this; docs/scaling.md): a generated stream flows from
 * `ipasn publish` into the four services (the chaos harness's ServiceSet, each as its own principal,
 * Redis through Sentinel) while three faults strike one after the other:
 *
 *   1. SIGKILL the Redis primary, so that the Sentinels promote the replica (at 10 % of the stream);
 *   2. SIGKILL the broker that leads the most ipasn.events partitions (30 %);
 *   3. SIGKILL the active KRaft controller, the quorum's leader (55 %).
 *
 * A killed node is started again once the pipeline has moved on (and, before the next fault, every
 * partition is back to 3 in-sync replicas, the old primary a replica of the new one), so each fault
 * strikes a whole cluster; the last one's node stays down (the drain and checks run on two brokers). The services are never restarted by the harness: a service that exits by
 * itself is a finding (`selfExits`; the supervisor restarts it so that the checks can still run).
 * Afterwards the chaos checks: `ipasn verify`, every accepted event once on ipasn.events, every
 * reject once on ipasn.dlq, the live scores equal to `ipasn score`. The report gives each fault's
 * pause (seconds without progress) and the throughput before, during and after the faults.
 *
 *   --events N   stream length (default 300,000)   --seed S   --json FILE
 * Exit 0 when nothing is lost or doubled and verify is 0.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agencies } from '@ipasn/contracts';
import { committedTotal, generateStream, groupProgress, KAFKA, sleep, testKafka } from '@ipasn/e2e';
import { withAdmin } from '@ipasn/kafka';
import { topicNames } from '@ipasn/pipeline';
import { checkDlq, checkEvents, checkScores } from './checks.js';
import { cli } from './cli.js';
import { declared } from './expect.js';
import { runScript, STATE_DIR } from './infra.js';
import { drainAll } from './progress.js';
import { cliAdminEnv, ServiceSet, type SelfExit } from './services.js';

const AS_OF = '2025-06-30';
const log = (line: string): void => void process.stderr.write(`[failover] ${line}\n`);

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '300000' }, seed: { type: 'string' }, json: { type: 'string' } } });
const events = Number(args.events);
const seed = args.seed !== undefined ? Number(args.seed) : Math.floor(Math.random() * 2 ** 31);
if (![events, seed].every(Number.isSafeInteger)) throw new Error('--events and --seed are integers');
const secrets = process.env['IPASN_SECRETS_DIR'] ?? join(STATE_DIR, 'secrets');
const clusterDir = join(STATE_DIR, 'cluster');
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through test/chaos/failover.sh`);
  return v;
};

/** One sample of the pipeline's committed progress: lines the normalizer and events the scorer have committed. */
interface Sample {
  t: number;
  normalizer: number;
  scorer: number;
}

export interface FailoverRecord {
  fault: string;
  target: string;
  /** Milliseconds since the publish started. */
  atMs: number;
  /** From the kill until the committed progress of both services moved again. */
  pauseMs: number | undefined;
  /** The longest stretch without any progress in the 60 s after the kill (sampled every 250 ms). */
  longestGapMs: number;
  detail: string;
}

export interface FailoverReport {
  seed: number;
  command: string;
  events: number;
  sent: number;
  faults: FailoverRecord[];
  /** Events per second through the scorer (committed offsets on ipasn.events). */
  throughput: { before: number; during: number; after: number };
  selfExits: SelfExit[];
  publishExit: number;
  drainMs: number;
  verify: { exitCode: number; summary: string };
  eventsCheck: { records: number; unique: number; declared: number; duplicates: number; readmitted: number };
  dlqCheck: { records: number; duplicates: number; wrongReason: number; missing: number; examples: string[] };
  scoresCheck: { compared: number; mismatches: number; examples: string[] };
  mismatches: number;
}

function pidOf(file: string): number {
  const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!/^\d+$/u.test(text)) throw new Error(`no pid in ${file}`);
  return Number(text);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function sigkill(pidFile: string): Promise<number> {
  const pid = pidOf(pidFile);
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(20);
  return pid;
}

/** Runs a program and returns its stdout (rejects on a non-zero exit). */
function run(cmd: string, argv: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...extraEnv } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}: ${err.slice(-1_000)}`))));
  });
}

/** Node id → the number of ipasn.events partitions it leads, and whether every partition of every topic has 3 in-sync replicas. */
async function leadership(): Promise<{ leaders: Map<number, number>; underReplicated: number }> {
  return withAdmin(testKafka(), async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith('ipasn.') || t.startsWith('__'));
    const meta = await admin.topicMetadata(topics);
    const leaders = new Map<number, number>();
    let underReplicated = 0;
    for (const t of meta) {
      for (const p of t.partitions) {
        if (p.isr.length < p.replicas.length) underReplicated += 1;
        if (t.name === 'ipasn.events') leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
      }
    }
    return { leaders, underReplicated };
  });
}

/** The KRaft quorum's leader, from Kafka's own MetadataQuorumCommand (DescribeCluster names any broker in KRaft, not the controller). */
async function activeController(): Promise<number> {
  const libs = env('KAFKA_LIBS');
  const out = await run('java', [
    '-cp',
    `${libs}/*`,
    ...env('KAFKA_LOG_OPTS').split(' '),
    `-Dkafka.logs.dir=${join(STATE_DIR, 'logs')}`,
    'org.apache.kafka.tools.MetadataQuorumCommand',
    '--bootstrap-server',
    KAFKA.brokers.join(','),
    '--command-config',
    join(secrets, 'kafka', 'admin.properties'),
    'describe',
    '--status',
  ]);
  const m = /LeaderId:\s+(\d+)/u.exec(out);
  if (!m) throw new Error(`no LeaderId in MetadataQuorumCommand's output: ${out}`);
  return Number(m[1]);
}

/** The Redis primary's port, as the Sentinels name it. */
async function redisPrimaryPort(): Promise<number> {
  for (const sentinel of env('REDIS_SENTINELS').split(',')) {
    const [, port] = sentinel.split(':');
    try {
      const out = await run('redis-cli', ['-p', port!, '--no-auth-warning', 'sentinel', 'get-master-addr-by-name', env('REDIS_SENTINEL_NAME')], {
        REDISCLI_AUTH: readFileSync(env('REDIS_SENTINEL_PASSWORD_FILE'), 'utf8').trim(),
      });
      const lines = out.trim().split('\n');
      if (lines.length === 2) return Number(lines[1]);
    } catch {
      // that Sentinel is away: ask the next
    }
  }
  throw new Error('no Sentinel names the primary');
}

/** `role` of a data node as its admin user (master/slave and, for a replica, its link status). */
async function redisRole(port: number): Promise<string> {
  const out = await run('redis-cli', ['-p', String(port), '--user', 'admin', '--no-auth-warning', 'info', 'replication'], { REDISCLI_AUTH: readFileSync(join(secrets, 'redis', 'admin.password'), 'utf8').trim() });
  return out;
}

async function main(): Promise<number> {
  const work = join(STATE_DIR, 'run');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const command = `npm run failover -- --seed ${seed} --events ${events}`;
  log(`seed ${seed}; repeat with: ${command}`);
  const now = new Date();
  log(`generating ${events} events`);
  const stream = await generateStream({ dir: work, seed, events, now, asOf: AS_OF });
  const topics = topicNames('');
  const ingress = Agencies.default().all.map((a) => topics.ingress(a.code));

  log('starting normalizer, scorer, projector and console (Kafka: 3 brokers; Redis: through Sentinel)');
  const services = await ServiceSet.start({ SCORING_AS_OF: AS_OF, LOG_LEVEL: 'warn' }, secrets, join(STATE_DIR, 'logs'));
  const rejectsFile = join(work, 'publish-rejects.ndjson');
  const t0 = Date.now();
  services.t0 = t0;
  log(`publishing ${stream.summary.lines} lines with ipasn publish`);
  const publishing = cli(['publish', '--credentials', join(secrets, 'kafka', 'users'), '--send-invalid', '--quiet', '--json', '--rejects', rejectsFile, stream.file], {});
  let publishEnd = 0;
  void publishing.then(() => (publishEnd = Date.now()));

  // The sampler: committed progress every 250 ms; a sample that fails (the broker it asked is dead)
  // counts as no progress.
  const samples: Sample[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const t = Date.now();
      try {
        const [n, s] = await Promise.race([
          Promise.all([groupProgress('ipasn-normalizer', ingress), groupProgress('ipasn-scorer', [topics.events])]),
          sleep(5_000).then(() => {
            throw new Error('timeout');
          }),
        ]);
        samples.push({ t, normalizer: committedTotal(n), scorer: committedTotal(s) });
      } catch {
        // no sample
      }
      await sleep(Math.max(0, 250 - (Date.now() - t)));
    }
  })();
  const last = (): Sample => samples.at(-1) ?? { t: t0, normalizer: 0, scorer: 0 };
  const approxEvents = stream.summary.lines - stream.summary.duplicates - stream.summary.rejects.total;
  const progress = (): number => last().scorer / Math.max(1, approxEvents);
  const untilProgress = async (p: number): Promise<void> => {
    while (progress() < p) await sleep(200);
  };
  /** Waits until both services committed more than at `from`; the milliseconds from `from`'s time. */
  const untilMoved = async (from: Sample, timeoutMs: number): Promise<number | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const moved = samples.find((s) => s.t > from.t && s.normalizer > from.normalizer && s.scorer > from.scorer);
      if (moved) return moved.t - from.t;
      if (publishEnd !== 0 && Date.now() - publishEnd > 5_000 && samples.filter((s) => s.t > from.t).length > 8) return undefined; // nothing left to move
      await sleep(100);
    }
    return undefined;
  };
  const longestGap = (from: number, to: number): number => {
    const window = samples.filter((s) => s.t >= from && s.t <= to);
    let gap = 0;
    let lastMove = from;
    let prev: Sample | undefined = samples.filter((s) => s.t < from).at(-1);
    for (const s of window) {
      if (prev && (s.normalizer > prev.normalizer || s.scorer > prev.scorer)) lastMove = s.t;
      gap = Math.max(gap, s.t - lastMove);
      prev = s;
    }
    return gap;
  };
  const untilWhole = async (): Promise<void> => {
    for (let i = 0; i < 600; i++) {
      try {
        const l = await leadership();
        if (l.underReplicated === 0) return;
      } catch {
        // retry
      }
      await sleep(500);
    }
    throw new Error('partitions still under-replicated after 5 minutes');
  };

  const faults: FailoverRecord[] = [];
  /**
   * `detail` starts right after the kill (it may time what follows it) and is awaited once the
   * pipeline moves again; `restart` undefined: the node stays down (the last fault: the checks run
   * on the two survivors, which RF 3 / min.insync 2 allows).
   */
  const strike = async (fault: string, target: string, pidFile: string, restart: (() => Promise<void>) | undefined, detail: () => Promise<string>): Promise<void> => {
    const before = last();
    const at = Date.now();
    const pid = await sigkill(pidFile);
    const detailed = detail().catch((err: unknown) => `(detail failed: ${(err as Error).message})`);
    log(`${fault}: SIGKILL ${target} (pid ${pid}) at t=${((at - t0) / 1000).toFixed(1)} s, progress ${(progress() * 100).toFixed(1)}%`);
    const pauseMs = await untilMoved({ ...before, t: at }, 180_000);
    log(`  pipeline moving again after ${pauseMs === undefined ? '?' : (pauseMs / 1000).toFixed(1)} s`);
    const d = await detailed;
    log(`  ${d}`);
    // Let it run a while on the surviving nodes, then bring the node back for the next fault.
    if (restart) {
      await sleep(10_000);
      await restart();
    }
    faults.push({ fault, target, atMs: at - t0, pauseMs, longestGapMs: 0, detail: d });
  };

  let failure: unknown;
  try {
    await untilProgress(0.1);
    const tFirst = Date.now();
    // 1. The Redis primary (its restart is quick: the Kafka faults follow while the stream still flows).
    const primaryPort = await redisPrimaryPort();
    const primaryId = primaryPort - Number(env('IPASN_CLUSTER_REDIS_PORT')) + 1;
    const tKill = Date.now();
    let promotedAfter = 0;
    await strike(
      'Redis primary',
      `redis-${primaryId} (:${primaryPort})`,
      join(clusterDir, `redis-${primaryId}`, 'redis.pid'),
      async () => {
        await runScript('infra/cluster/redis.sh', ['node', String(primaryId)]);
        // Sentinel turns the old primary into a replica of the new one.
        for (let i = 0; i < 240 && !/role:slave[\s\S]*master_link_status:up/u.test(await redisRole(primaryPort)); i++) await sleep(500);
      },
      async () => {
        for (;;) {
          const p = await redisPrimaryPort();
          if (p !== primaryPort) {
            promotedAfter = Date.now() - tKill;
            return `Sentinel promoted :${p} ${(promotedAfter / 1000).toFixed(1)} s after the kill`;
          }
          await sleep(200);
        }
      },
    );
    await untilProgress(0.3);
    // 2. The broker leading the most ipasn.events partitions.
    const { leaders } = await leadership();
    const [leaderId, led] = [...leaders].sort((a, b) => b[1] - a[1])[0]!;
    await strike(
      'partition leader',
      `kafka-${leaderId} (leads ${led} of 12 ipasn.events partitions)`,
      join(clusterDir, `kafka-${leaderId}`, 'kafka.pid'),
      () => runScript('infra/cluster/kafka.sh', ['start', String(leaderId)]).then(untilWhole),
      async () => {
        const start = Date.now();
        for (;;) {
          const l = await leadership().catch(() => undefined);
          if (l && !l.leaders.has(leaderId) && !l.leaders.has(-1)) return `its partitions led by the others ${((Date.now() - start) / 1000).toFixed(1)} s after the kill (leaders: ${JSON.stringify(Object.fromEntries(l.leaders))})`;
          await sleep(250);
        }
      },
    );
    await untilProgress(0.55);
    // 3. The active controller.
    const controller = await activeController();
    await strike(
      'active controller',
      `kafka-${controller} (KRaft quorum leader)`,
      join(clusterDir, `kafka-${controller}`, 'kafka.pid'),
      undefined,
      async () => {
        const start = Date.now();
        for (;;) {
          const c = await activeController().catch(() => controller);
          if (c !== controller) return `new quorum leader kafka-${c}, seen ${((Date.now() - start) / 1000).toFixed(1)} s after the kill`;
          await sleep(500);
        }
      },
    );
    const tLast = Date.now();
    const published = await publishing;
    if (published.code !== 0) log(`FINDING: ipasn publish exited ${published.code}: ${published.out.slice(-1_000)}`);
    log('publish done, faults done: waiting for the drain');
    await drainAll({ ingress, events: topics.events, scores: topics.scores }, 30 * 60_000);
    const drainedAt = Date.now();
    sampling = false;
    await sampler;
    for (const f of faults) f.longestGapMs = longestGap(t0 + f.atMs, t0 + f.atMs + 60_000);
    const rate = (from: number, to: number): number => {
      const a = samples.filter((s) => s.t >= from).at(0);
      const b = samples.filter((s) => s.t <= to).at(-1);
      return a && b && b.t > a.t ? Math.round(((b.scorer - a.scorer) * 1000) / (b.t - a.t)) : 0;
    };
    const firstMove = samples.find((s) => s.scorer > 0)?.t ?? t0;
    const throughput = { before: rate(firstMove, tFirst), during: rate(tFirst, tLast), after: rate(tLast, publishEnd !== 0 && publishEnd > tLast + 5_000 ? drainedAt : tLast) };

    log('checking: ipasn verify, ipasn.dlq, ipasn.events, ipasn.scores');
    const cliAdmin = cliAdminEnv(secrets, AS_OF);
    const v = await cli(['verify'], cliAdmin);
    const summary = JSON.parse(published.out.split('\n').find((l) => l.startsWith('{')) ?? '{}') as { sent?: number };
    const d = await declared(stream.file, stream.expectFile, rejectsFile);
    const dlq = await checkDlq(topics.dlq, d);
    const ev = await checkEvents(topics.events, d, dlq.scorerRejected);
    const offline = join(work, 'offline-scores.ndjson');
    const scored = await cli(['score', '--rules', 'all', '--as-of', AS_OF, '--now', now.toISOString(), stream.file], {}, offline);
    if (scored.code !== 0) throw new Error(`ipasn score exited ${scored.code}`);
    const sc = await checkScores(topics.scores, offline, d.singleAgency);
    await services.stop();
    const report: FailoverReport = {
      seed,
      command,
      events,
      sent: summary.sent ?? 0,
      faults,
      throughput,
      selfExits: services.selfExits,
      publishExit: published.code,
      drainMs: drainedAt - Math.max(publishEnd, tLast),
      verify: { exitCode: v.code, summary: v.out.split('\n').filter((l) => /^(verify as of|OK:|FAILED| {2}MISMATCH)/u.test(l)).slice(0, 6).join(' / ') || v.out.slice(-300) },
      eventsCheck: { records: ev.records, unique: ev.unique, declared: ev.declared, duplicates: ev.duplicates.length, readmitted: ev.readmitted.length },
      dlqCheck: { records: dlq.records, duplicates: dlq.duplicates, wrongReason: dlq.wrongReason.length, missing: dlq.missing.length, examples: [...dlq.wrongReason.slice(0, 3), ...dlq.missing.slice(0, 3)] },
      scoresCheck: { compared: sc.compared, mismatches: sc.mismatches.length, examples: sc.mismatches.slice(0, 3) },
      mismatches: 0,
    };
    report.mismatches =
      (v.code === 0 ? 0 : 1) +
      (published.code === 0 ? 0 : 1) +
      Math.abs(ev.unique - ev.declared) +
      ev.duplicates.length +
      dlq.duplicates +
      dlq.wrongReason.length +
      dlq.missing.length +
      sc.mismatches.length;
    const text = formatFailover(report);
    writeFileSync(join(STATE_DIR, 'failover-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(STATE_DIR, 'failover-report.txt'), text);
    process.stdout.write(text);
    return report.mismatches === 0 ? 0 : 1;
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    sampling = false;
    if (failure !== undefined) await services.stop().catch(() => undefined);
  }
}

function formatFailover(r: FailoverReport): string {
  const s = (ms: number | undefined): string => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
  return [
    `failover run: seed ${r.seed}, ${r.events} events generated, ${r.sent} sent (${r.command})`,
    ...r.faults.map((f) => `  ${f.fault}: SIGKILL ${f.target} at ${s(f.atMs)}: pipeline moving again after ${s(f.pauseMs)}, longest stall ${s(f.longestGapMs)}; ${f.detail}`),
    `  throughput through the scorer (events/s): before ${r.throughput.before}, during ${r.throughput.during}, after ${r.throughput.after}`,
    `  services that exited by themselves: ${r.selfExits.length === 0 ? 'none' : r.selfExits.map((e) => `${e.service} at ${s(e.atMs)} (code ${e.code}, ${e.signal ?? 'no signal'})`).join(', ')}`,
    `  ipasn publish exit ${r.publishExit}; drain after the last fault/publish ${s(r.drainMs)}`,
    `  ipasn verify: exit ${r.verify.exitCode} (${r.verify.summary})`,
    `  ipasn.events: ${r.eventsCheck.records} records, ${r.eventsCheck.unique} distinct of ${r.eventsCheck.declared} declared, ${r.eventsCheck.duplicates} doubled`,
    `  ipasn.dlq: ${r.dlqCheck.records} records, ${r.dlqCheck.duplicates} doubled, ${r.dlqCheck.wrongReason} with a wrong reason, ${r.dlqCheck.missing} missing ${r.dlqCheck.examples.join('; ')}`,
    `  ipasn.scores: ${r.scoresCheck.compared} compared with ipasn score, ${r.scoresCheck.mismatches} differ ${r.scoresCheck.examples.join('; ')}`,
    `  ${r.mismatches} mismatches`,
    '',
  ].join('\n');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    log(`service logs: ${join(STATE_DIR, 'logs')}; cluster logs: ${clusterDir}; seed ${seed}`);
    process.exit(2);
  },
);

