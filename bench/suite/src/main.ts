#!/usr/bin/env node
/**
 * `npm run bench [-- --quick | --events N --rate R --seconds S --no-docs]` (bench/run.sh starts
 * its own Kafka and Redis, then runs this): one run on this machine, broker and Redis co-located.
 *
 *  1. Raw ceiling on a stream of the generated ingress events' count, mean size and partition
 *     count: Apache Kafka's own ProducerPerformance and ConsumerPerformance (the broker's jars,
 *     SASL_SSL as the admin principal); a plain kafkajs consumer and a kafkajs consume →
 *     transactional produce pipe of the same ingress bytes (services/normalizer/src/bench-baseline.ts).
 *  2. `ipasn score --rules all` offline over the generated file (pure compute).
 *  3. The whole pipeline in backfill mode: everything published first, then normalizer, scorer and
 *     projector started, timed until every group's lag is 0; then `ipasn verify` (library call).
 *  4. Freshness: a second generated stream published at a steady rate; p50/p95/p99 of the
 *     projector's ipasn_projector_end_to_end_seconds histogram over that window (scorer's
 *     computedAt → aggregate updated), and of the external probe (probe.ts: one marked event at a
 *     time, published and then polled for on the console's API, as a client sees it).
 *  5. Resources: peak RSS (VmHWM) and CPU seconds per 1,000 events of each service, the broker and
 *     Redis over the backfill; Redis bytes per employee (MEMORY USAGE of a sample of profiles).
 *
 * `--instances N` runs N processes of each service in their groups (the scale-out figure).
 * Prints a Markdown table and writes the "Suite" section of docs/benchmarks.md (--no-docs: not).
 * Figures only: nothing here asserts a time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import {
  cliMain,
  createTopics,
  deleteNamespace,
  generateStream,
  groupProgress,
  KAFKA,
  publishLines,
  publishNdjson,
  readLines,
  REDIS,
  REPO_ROOT,
  sleep,
  startService,
  testKafka,
  testNamespace,
  testRedis,
  type ServiceHandle,
} from '@ipasn/e2e';
import { applyTopics, withAdmin } from '@ipasn/kafka';
import { baseline } from '@ipasn/normalizer/bench-baseline';
import { verify } from '@ipasn/ops';
import { topicNames } from '@ipasn/pipeline';
import { closeRedis } from '@ipasn/redis';
import { freshnessProbe, PROBE_AGENCY, writeProbeAgencies } from './probe.js';
import { bucketDelta, cpuSecondsOfStat, fmt, histogramBuckets, markdownTable, quantile, replaceSection, sampleQuantile, statusBytes, type Cell } from './stats.js';

const run = promisify(execFile);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const AS_OF = '2025-06-30';
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const SERVICES = ['normalizer', 'scorer', 'projector'] as const;
const BEGIN = '<!-- bench-suite:begin (written by npm run bench) -->';
const END = '<!-- bench-suite:end -->';

interface Row {
  item: string;
  events: number;
  seconds: number;
  note?: string;
}

/** CPU seconds and peak RSS of a process, or undefined once it is gone. */
function proc(pid: number | undefined): { cpu: number; hwm: number | undefined } | undefined {
  if (pid === undefined) return undefined;
  try {
    return { cpu: cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), TICKS), hwm: statusBytes(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM') };
  } catch {
    return undefined;
  }
}

function pidFile(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** Runs one of Kafka's own tools from the broker's jars; resolves with its stdout. */
async function kafkaTool(cls: string, args: string[]): Promise<string> {
  const libs = process.env['KAFKA_LIBS'];
  if (!libs) throw new Error('KAFKA_LIBS is not set: run through bench/run.sh');
  const logOpts = (process.env['KAFKA_LOG_OPTS'] ?? '').split(' ').filter(Boolean);
  const { stdout } = await run('java', ['-Xmx512m', '-cp', `${libs}/*`, ...logOpts, cls, ...args], { maxBuffer: 64 << 20 });
  return stdout;
}

async function kafkaOwn(topic: string, partitions: number, records: number, recordSize: number): Promise<{ produce: Row; consume: Row }> {
  const props = join(process.env['IPASN_SECRETS_DIR'] ?? join(REPO_ROOT, '.local/secrets'), 'kafka/admin.properties');
  const bootstrap = KAFKA.brokers.join(',');
  await applyTopics(testKafka(), [{ name: topic, partitions, config: {} }]);
  const p = await kafkaTool('org.apache.kafka.tools.ProducerPerformance', [
    '--topic', topic, '--num-records', String(records), '--record-size', String(recordSize), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all', '--producer.config', props,
  ]);
  // Last line: "N records sent, X records/sec (Y MB/sec), …"
  const pm = /(\d+) records sent, ([\d.]+) records\/sec/u.exec(p.trim().split('\n').pop() ?? '');
  if (!pm) throw new Error(`ProducerPerformance printed no summary:\n${p}`);
  const produced = Number(pm[1]);
  const c = await kafkaTool('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server', bootstrap, '--topic', topic, '--messages', String(records), '--consumer.config', props, '--timeout', '120000',
  ]);
  // CSV: start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const row = c.trim().split('\n').pop()?.split(',').map((s) => s.trim()) ?? [];
  const consumed = Number(row[4]);
  const fetchMs = Number(row[7]);
  if (!Number.isFinite(consumed) || !Number.isFinite(fetchMs)) throw new Error(`ConsumerPerformance printed no summary:\n${c}`);
  return {
    produce: { item: 'Kafka ProducerPerformance (acks=all, idempotent)', events: produced, seconds: produced / Number(pm[2]) },
    consume: { item: 'Kafka ConsumerPerformance (fetch time, rebalance excluded)', events: consumed, seconds: fetchMs / 1000 },
  };
}

/** Waits until every group's committed offsets reach its topics' ends; returns the wall ms at that point. */
async function drainAll(groups: { group: string; topics: string[] }[], alive: () => string | undefined): Promise<number> {
  for (;;) {
    const progress = await Promise.all(groups.map((g) => groupProgress(g.group, g.topics)));
    if (progress.every((p) => p.every((x) => x.drained))) return performance.now();
    const dead = alive();
    if (dead) throw new Error(dead);
    await sleep(250);
  }
}

/** Lines of `file`, released at `rate` per second from the first one. */
async function* paced(file: string, rate: number): AsyncGenerator<Buffer> {
  const t0 = performance.now();
  let n = 0;
  for await (const line of readLines(file)) {
    n += 1;
    const wait = t0 + (n * 1000) / rate - performance.now();
    if (wait > 2) await sleep(wait);
    yield line;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      events: { type: 'string' },
      rate: { type: 'string', default: '2000' },
      seconds: { type: 'string' },
      seed: { type: 'string', default: 'bench' },
      instances: { type: 'string', default: '1' },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const events = Number(values.events ?? (values.quick ? 200_000 : 2_000_000));
  const freshRate = Number(values.rate);
  const freshSeconds = Number(values.seconds ?? (values.quick ? 30 : 120));
  if (!Number.isInteger(events) || events < 10_000) throw new Error('--events must be an integer ≥ 10,000');
  if (!(freshRate > 0) || !(freshSeconds > 0)) throw new Error('--rate and --seconds must be positive');
  const instances = Number(values.instances);
  if (!Number.isInteger(instances) || instances < 1 || instances > 4) throw new Error('--instances must be 1 to 4');

  const dir = mkdtempSync(join(tmpdir(), 'ipasn-bench-'));
  for (const sub of ['backfill', 'fresh']) mkdirSync(join(dir, sub));
  const ns = testNamespace();
  const topics = topicNames(ns);
  const kafka = testKafka();
  const services: ServiceHandle[] = [];
  const rows: Row[] = [];
  const started = new Date();
  out(`bench suite: ${fmt(events)} events, freshness ${fmt(freshRate)}/s for ${freshSeconds} s, ${instances} instance(s) per service, namespace ${ns}`);
  try {
    // --- the stream -------------------------------------------------------------------------
    let t = performance.now();
    const stream = await generateStream({ dir: join(dir, 'backfill'), seed: values.seed, events, asOf: AS_OF, now: started });
    out(`  generated in ${Math.round(performance.now() - t)} ms (${stream.agencies.length} agencies)`);
    // The probe agency (probe.ts) is known to every service and has its own topic; the stream never writes to it.
    const agenciesFile = writeProbeAgencies(join(dir, 'agencies.json'));
    await createTopics(ns, [...stream.agencies, PROBE_AGENCY], { cleanup: false });
    const ingress = stream.agencies.map((c) => topics.ingress(c));
    const partitions = (await withAdmin(kafka, (admin) => Promise.all(ingress.map((tp) => admin.topicOffsets(tp))))).reduce((n, p) => n + p.length, 0);
    const pub = await publishNdjson(stream.file, { prefix: ns, expect: stream.expectations });
    const meanSize = Math.round(pub.bytes / pub.sent);
    rows.push({ item: 'publish (kafkajs idempotent, @ipasn/e2e publishNdjson)', events: pub.sent, seconds: pub.ms / 1000 });
    out(`  published ${fmt(pub.sent)} events of ${meanSize} bytes on average to ${partitions} ingress partitions`);

    // --- 1. raw ceiling ---------------------------------------------------------------------
    const own = await kafkaOwn(`${ns}bench.raw`, partitions, pub.sent, meanSize);
    rows.push(own.produce, own.consume);
    out(`  Kafka's own tools done`);
    const concurrency = Number(process.env['NORMALIZER_PARTITIONS_CONCURRENTLY'] ?? 4);
    const plain = await baseline(kafka, ingress, `${ns}bench-consume`, pub.sent);
    rows.push({ item: 'kafkajs consume only (BatchConsumer, chunks of 1000)', events: plain.messages, seconds: plain.steadyMs / 1000 });
    const pipeTopic = `${ns}bench.pipe`;
    await applyTopics(kafka, [{ name: pipeTopic, partitions: 12, config: {} }]);
    const pipe = await baseline(kafka, ingress, `${ns}bench-pipe`, pub.sent, { forwardTo: pipeTopic, transactional: true, partitionsConcurrently: concurrency });
    const pipeRow: Row = { item: `kafkajs consume → transactional produce (per-partition producers, ${concurrency} in flight)`, events: pipe.messages, seconds: pipe.steadyMs / 1000 };
    rows.push(pipeRow);
    out(`  kafkajs baselines done`);

    // --- 2. offline scorer ------------------------------------------------------------------
    t = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [cliMain(), 'score', '--rules', 'all', '--as-of', AS_OF, '--now', started.toISOString(), stream.file], { stdio: ['ignore', 'ignore', 'ignore'] });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ipasn score exited ${code}`))));
    });
    const offline: Row = { item: 'ipasn score --rules all (offline, one process)', events: pub.sent, seconds: (performance.now() - t) / 1000 };
    rows.push(offline);

    // --- 3. the whole pipeline, backfill ----------------------------------------------------
    const brokerPid = pidFile(join(process.env['IPASN_STATE_DIR'] ?? join(REPO_ROOT, '.local'), 'kafka/kafka.pid'));
    const redisPid = pidFile(join(process.env['IPASN_STATE_DIR'] ?? join(REPO_ROOT, '.local'), 'redis/redis.pid'));
    const env = { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, SCORING_AS_OF: AS_OF, LOG_LEVEL: 'warn', IPASN_AGENCIES_FILE: agenciesFile };
    const infraBefore = { broker: proc(brokerPid), redis: proc(redisPid) };
    t = performance.now();
    for (const name of SERVICES) {
      for (let i = 1; i <= instances; i++) services.push(await startService(name, env, { cleanup: false, artifactsDir: join(dir, 'logs', `${name}-${i}`) }));
    }
    await Promise.all(services.map((s) => s.waitReady(120_000)));
    const groups = [
      { group: `${ns}ipasn-normalizer`, topics: [...ingress, topics.ingress(PROBE_AGENCY)] },
      { group: `${ns}ipasn-scorer`, topics: [topics.events] },
      { group: `${ns}ipasn-projector`, topics: [topics.scores] },
    ];
    const end = await drainAll(groups, () => services.find((s) => !s.running)?.tail());
    const pipelineSeconds = (end - t) / 1000;
    // Per service: CPU summed over its instances.
    const cpuOf = (name: string): number => services.filter((s) => s.name === name).reduce((n, s) => n + (proc(s.pid)?.cpu ?? NaN), 0);
    const usage = SERVICES.map((name) => ({ name, cpu: cpuOf(name) }));
    const infraAfter = { broker: proc(brokerPid), redis: proc(redisPid) };
    const pipeline: Row = { item: 'whole pipeline, backfill (services start → every lag 0)', events: pub.sent, seconds: pipelineSeconds };
    rows.push(pipeline);
    out(`  pipeline drained in ${pipelineSeconds.toFixed(1)} s`);
    const v = await verify({ kafkaConnection: KAFKA, redisConnection: REDIS, topicPrefix: ns, redisPrefix: ns, asOf: AS_OF });
    const mismatches = v.agencies.filter((a) => !a.ok).length;
    out(`  ipasn verify: ${v.ok ? 'ok' : 'MISMATCH'} (${mismatches} agencies differ, ${fmt(v.employees)} employees)`);
    if (!v.ok) process.exitCode = 1;

    // --- 4. freshness -----------------------------------------------------------------------
    // The console for the external probe, with a viewer token of its own.
    const token = randomBytes(24).toString('base64url');
    const usersFile = join(dir, 'console-users.json');
    writeFileSync(usersFile, JSON.stringify({ version: 1, users: [], tokens: [{ name: 'bench-probe', role: 'viewer', tokenHash: `sha256:${createHash('sha256').update(token).digest('hex')}` }] }), { mode: 0o600 });
    const secrets = process.env['IPASN_SECRETS_DIR'] ?? join(REPO_ROOT, '.local/secrets');
    const consoleSvc = await startService(
      'console',
      {
        ...env,
        CONSOLE_PORT: '0',
        CONSOLE_USERS_FILE: usersFile,
        CONSOLE_SESSION_SECRET: randomBytes(32).toString('base64'),
        CONSOLE_REDIS_USERNAME: 'console',
        CONSOLE_REDIS_PASSWORD_FILE: join(secrets, 'redis', 'console.password'),
      },
      { cleanup: false, artifactsDir: join(dir, 'logs', 'console') },
    );
    services.push(consoleSvc);
    await consoleSvc.waitReady(120_000);
    const projectors = services.filter((s) => s.name === 'projector');
    const metric = 'ipasn_projector_end_to_end_seconds';
    const projectorMetrics = async (): Promise<string> => (await Promise.all(projectors.map((p) => p.metrics()))).join('\n');
    const before = histogramBuckets(await projectorMetrics(), metric);
    const fresh = await generateStream({ dir: join(dir, 'fresh'), seed: `${values.seed}-fresh`, events: Math.round(freshRate * freshSeconds), asOf: AS_OF, now: new Date() });
    let publishing = true;
    const [freshPub, probe] = await Promise.all([
      publishLines(paced(fresh.file, freshRate), { prefix: ns, expect: fresh.expectations, batchSize: Math.max(1, Math.round(freshRate / 20)) }).finally(() => {
        publishing = false;
      }),
      freshnessProbe({ ns, console: consoleSvc, token, stop: () => !publishing }),
    ]);
    await drainAll(groups, () => services.find((s) => !s.running)?.tail());
    const window = bucketDelta(histogramBuckets(await projectorMetrics(), metric), before);
    const q = (x: number) => quantile(window, x);
    const pq = (x: number) => sampleQuantile(probe.samples, x);
    const achieved = freshPub.sent / (freshPub.ms / 1000);
    out(`  freshness: ${fmt(freshPub.sent)} events at ${fmt(achieved)}/s; p50 ${fmt(q(0.5), 3)} s, p95 ${fmt(q(0.95), 3)} s, p99 ${fmt(q(0.99), 3)} s`);
    out(`  probe: ${probe.samples.length} probes, p50 ${fmt(pq(0.5), 3)} s, p95 ${fmt(pq(0.95), 3)} s, p99 ${fmt(pq(0.99), 3)} s, max ${fmt(pq(1), 3)} s${probe.timedOut === null ? '' : `; probe ${probe.timedOut} NOT SEEN within 60 s`}`);
    if (probe.timedOut !== null) process.exitCode = 1;

    // --- 5. resources -----------------------------------------------------------------------
    // Per service: the largest peak of its instances.
    const peakOf = (name: string): number => Math.max(...services.filter((s) => s.name === name).map((s) => proc(s.pid)?.hwm ?? NaN));
    const redis = testRedis();
    let perEmployee: number | undefined;
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${ns}emp:*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0' && keys.length < 2000);
      let bytes = 0;
      for (const k of keys.slice(0, 2000)) bytes += Number(await redis.memory('USAGE', k));
      perEmployee = keys.length > 0 ? bytes / Math.min(keys.length, 2000) : undefined;
    } finally {
      await closeRedis(redis);
    }

    // --- report -----------------------------------------------------------------------------
    const rateOf = (r: Row) => r.events / r.seconds;
    const pipelineRate = rateOf(pipeline);
    const table = markdownTable(
      ['item', 'events', 'seconds', 'events/s', 'pipeline ÷ this'],
      rows.map((r) => [r.item, r.events, fmt(r.seconds, 1), Math.round(rateOf(r)), fmt(pipelineRate / rateOf(r), 3)]),
    );
    const resources = markdownTable(
      ['process', 'CPU s (backfill)', 'CPU s / 1,000 events', 'cores busy (backfill)', 'peak RSS MB'],
      [
        ...usage.map((u): Cell[] => [instances > 1 ? `${u.name} (${instances} instances; peak: the largest)` : u.name, fmt(u.cpu, 1), fmt((u.cpu * 1000) / pub.sent, 3), fmt(u.cpu / pipelineSeconds, 2), fmt(peakOf(u.name) / 2 ** 20)]),
        ...(['broker', 'redis'] as const).map((k): Cell[] => {
          const cpu = (infraAfter[k]?.cpu ?? NaN) - (infraBefore[k]?.cpu ?? NaN);
          return [k === 'broker' ? 'Kafka broker' : 'Redis', fmt(cpu, 1), fmt((cpu * 1000) / pub.sent, 3), fmt(cpu / pipelineSeconds, 2), fmt((infraAfter[k]?.hwm ?? NaN) / 2 ** 20)];
        }),
      ],
    );
    const cpuList = cpus();
    const machine = `${cpuList.length} × ${cpuList[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}, Node ${process.version}, Kafka ${process.env['KAFKA_VERSION'] ?? '?'} (SASL_SSL, co-located with Redis and the services)`;
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const body = [
      `### Suite run of ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${values.quick ? ' (--quick)' : ''}`,
      '',
      `Machine: ${machine}. Load average at the end: ${load}.`,
      `Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\`. Stream: ${fmt(pub.sent)} ingress events of ${meanSize} bytes on average, ${partitions} ingress partitions (${stream.agencies.length} agencies); ${instances} instance(s) of each service; normalizer with ${concurrency} partitions in flight.`,
      '',
      table,
      '',
      `Whole pipeline: **${fmt(pipelineRate)} events/s** = ${fmt(pipelineRate / rateOf(own.consume), 3)} × Kafka's ConsumerPerformance, ${fmt(pipelineRate / rateOf(pipeRow), 3)} × the kafkajs transactional pipe, ${fmt(pipelineRate / rateOf(offline), 3)} × the offline scorer. \`ipasn verify\`: ${v.ok ? `ok (0 agencies differ, ${fmt(v.employees)} employees)` : `**${mismatches} agencies differ**`}.`,
      '',
      `Freshness (${fmt(freshPub.sent)} events published at ${fmt(achieved)}/s for ${freshSeconds} s while the services run; \`${metric}\`, i.e. the scorer's computedAt → the aggregate updated, over that window): p50 ${fmt(q(0.5), 3)} s, p95 ${fmt(q(0.95), 3)} s, p99 ${fmt(q(0.99), 3)} s. External probe over the same window (one new employee of a probe agency at a time, from the send to the console's \`/api/agencies/${PROBE_AGENCY}\` counting it, polled every 20 ms): ${probe.samples.length} probes, p50 ${fmt(pq(0.5), 3)} s, p95 ${fmt(pq(0.95), 3)} s, p99 ${fmt(pq(0.99), 3)} s, max ${fmt(pq(1), 3)} s${probe.timedOut === null ? '' : ` — **probe ${probe.timedOut} was not seen within 60 s**`}.`,
      '',
      resources,
      '',
      `Redis bytes per employee (MEMORY USAGE of up to 2,000 \`emp:\` keys): ${fmt(perEmployee)}.`,
    ].join('\n');
    out();
    out(body);
    if (!values['no-docs']) {
      const file = join(REPO_ROOT, 'docs/benchmarks.md');
      writeFileSync(file, replaceSection(readFileSync(file, 'utf8'), BEGIN, END, body));
      out(`\nwritten to docs/benchmarks.md (between the bench-suite markers)`);
    }
  } finally {
    await Promise.all(services.map((s) => s.kill('SIGTERM', 15_000).catch(() => undefined)));
    await deleteNamespace(ns).catch((err: unknown) => out(`cleanup of ${ns} failed: ${String(err)}`));
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await main();
  process.exit(process.exitCode ?? 0);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
