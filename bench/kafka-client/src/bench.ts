/**
 * kafkajs vs @platformatic/kafka on this project's two Kafka loops, in one run, same broker, same
 * data (docs/decisions/kafka-client.md). Run through ../run.sh; settings come from the environment:
 *
 *   KAFKA_BROKERS            broker list (default 127.0.0.1:19092)
 *   BENCH_RECORDS            records produced and read by every measurement (default 200000)
 *   BENCH_RECORD_BYTES       mean record size (default 324: the mean ingress event)
 *   BENCH_PARTITIONS         partitions of the input topic (default 6)
 *   BENCH_OUT_PARTITIONS     partitions of the output topic (default 12, like ipasn.events)
 *   BENCH_CHUNK              records per handler call / per transaction (default 1000, the normalizer's)
 *   BENCH_ROUNDS             rounds; client order alternates between rounds (default 3)
 *   BENCH_CLIENTS            comma list of kafkajs, platformatic, platformatic-kip848
 *                            (default kafkajs,platformatic)
 *   BENCH_VERIFY             1 (default): after each transactional run, check that the group's
 *                            committed offsets are the input's end offsets and that the output
 *                            holds exactly N committed records; 0 skips the check
 *   BENCH_TX_RETRY_MS        first retry delay of the transactional producers, both clients
 *                            (default 100: the project's kafkajs initialRetryTime)
 *   BENCH_RUN_TIMEOUT_MS     give up on one measurement after this long (default 600000)
 *
 * Prints one line per measurement, then a markdown table of medians. A measurement's rate is
 * steady state: first record in hand → last chunk done (committed); the rate including client
 * start and the group join is printed beside it. Exits non-zero if a run fails or a check does.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { CLIENT_NAMES, median, now, records, withTimeout, type Arm, type ClientName, type Mode, type RunResult, type Settings } from './common.ts';
import { kafkajsArm, kafkajsClient, produceRecords } from './kafkajs-arm.ts';
import { platformaticArm } from './platformatic-arm.ts';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function loadSettings(): Settings {
  const clients = (process.env['BENCH_CLIENTS'] ?? 'kafkajs,platformatic').split(',').map((c) => c.trim());
  for (const c of clients) {
    if (!(CLIENT_NAMES as readonly string[]).includes(c)) throw new Error(`BENCH_CLIENTS: unknown client "${c}" (known: ${CLIENT_NAMES.join(', ')})`);
  }
  return {
    brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(','),
    records: int('BENCH_RECORDS', 200_000),
    recordBytes: int('BENCH_RECORD_BYTES', 324),
    partitions: int('BENCH_PARTITIONS', 6),
    outPartitions: int('BENCH_OUT_PARTITIONS', 12),
    chunkSize: int('BENCH_CHUNK', 1000),
    rounds: int('BENCH_ROUNDS', 3),
    clients: clients as ClientName[],
    txRetryMs: int('BENCH_TX_RETRY_MS', 100),
    runTimeoutMs: int('BENCH_RUN_TIMEOUT_MS', 600_000),
  };
}

const ARMS: Record<ClientName, Arm> = {
  kafkajs: kafkajsArm,
  platformatic: platformaticArm(false),
  'platformatic-kip848': platformaticArm(true),
};

function versionOf(pkg: string): string {
  const json = JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')) as { version: string };
  return json.version;
}

/** Committed offsets of the group == end offsets of the topic, partition by partition. */
async function checkCommitted(admin: ReturnType<ReturnType<typeof kafkajsClient>['admin']>, groupId: string, topic: string): Promise<string | undefined> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  for (const end of ends) {
    const c = committed?.partitions.find((p) => p.partition === end.partition);
    if (c?.offset !== end.high) return `partition ${end.partition}: committed ${c?.offset ?? 'none'}, end ${end.high}`;
  }
  return undefined;
}

/** Committed (read_committed) records in `topic`: read until N are seen and a second passes quietly. */
async function countCommitted(settings: Settings, topic: string, groups: string[]): Promise<number> {
  const groupId = `kclient-bench-count-${randomUUID()}`;
  groups.push(groupId);
  const consumer = kafkajsClient(settings.brokers).consumer({ groupId, readUncommitted: false, maxBytesPerPartition: 1_048_576 });
  let count = 0;
  let lastSeen = now();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        count += batch.messages.length;
        lastSeen = now();
      },
    });
    await withTimeout(
      (async () => {
        while (count < settings.records || now() - lastSeen < 1000) await new Promise((r) => setTimeout(r, 100));
      })(),
      120_000,
      () => `counting ${topic}: ${count}/${settings.records}`,
    );
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return count;
}

interface Failure {
  client: ClientName;
  mode: Mode;
  round: number;
  reason: string;
}

/** The message, and the broker's error names of an aggregate (platformatic's ResponseError). */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const inner = 'errors' in err && Array.isArray(err.errors) ? err.errors : [];
  const codes = [...new Set(inner.map((e: unknown) => (e && typeof e === 'object' && 'apiId' in e ? String(e.apiId) : e instanceof Error ? e.message : String(e))))];
  return codes.length > 0 ? `${err.message} (${codes.join(', ')})` : err.message;
}

interface Measured {
  client: ClientName;
  mode: Mode;
  round: number;
  result: RunResult;
}

async function main(): Promise<void> {
  const settings = loadSettings();
  const verify = process.env['BENCH_VERIFY'] !== '0';
  let negativeTimeoutWarnings = 0;
  process.on('warning', (w) => {
    if (w.name === 'TimeoutNegativeWarning') negativeTimeoutWarnings++;
  });

  const id = randomUUID().slice(0, 8);
  const inTopic = `kclient-bench-${id}.in`;
  const outTopics: string[] = [];
  const groups: string[] = [];
  const admin = kafkajsClient(settings.brokers).admin();
  await admin.connect();
  const measured: Measured[] = [];
  const failures: Failure[] = [];
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: inTopic, numPartitions: settings.partitions, replicationFactor: 1 }] });
    const t0 = now();
    const produced = await produceRecords(settings.brokers, inTopic, records(settings.records, settings.recordBytes));
    const produceMs = now() - t0;
    const ends = await admin.fetchTopicOffsets(inTopic);
    const bytes = [...records(Math.min(settings.records, 10_000), settings.recordBytes)].reduce((s, r) => s + r.value.length, 0) / Math.min(settings.records, 10_000);
    out(`# kafka client bench ${id}: ${fmt(produced)} records (mean value ${bytes.toFixed(0)} bytes, key 18 bytes) in ${settings.partitions} partitions`);
    out(`# input offsets per partition: ${ends.map((e) => e.high).join(', ')}; seeded in ${(produceMs / 1000).toFixed(1)} s by the kafkajs idempotent producer (not measured)`);
    out(`# kafkajs ${versionOf('kafkajs')} (unpatched), @platformatic/kafka ${versionOf('@platformatic/kafka')}, Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
    out(`# brokers ${settings.brokers.join(',')}, Kafka ${process.env['KAFKA_VERSION'] ?? 'version not given (set KAFKA_VERSION)'}; chunk ${settings.chunkSize}, tx retry ${settings.txRetryMs} ms, output ${settings.outPartitions} partitions, ${settings.rounds} rounds`);

    for (let round = 1; round <= settings.rounds; round++) {
      const order = round % 2 === 1 ? settings.clients : [...settings.clients].reverse();
      for (const mode of ['consume', 'ctp'] as const) {
        for (const client of order) {
          const groupId = `kclient-bench-${id}-${client}-${mode}-${round}`;
          groups.push(groupId);
          let outTopic = `kclient-bench-${id}.unused`;
          if (mode === 'ctp') {
            outTopic = `kclient-bench-${id}.out-${client}-${round}`;
            outTopics.push(outTopic);
            await admin.createTopics({ waitForLeaders: true, topics: [{ topic: outTopic, numPartitions: settings.outPartitions, replicationFactor: 1 }] });
          }
          let result: RunResult;
          try {
            result = await ARMS[client](mode, { settings, inTopic, outTopic, groupId, txPrefix: `kclient-bench-${id}-${client}-${round}` });
          } catch (err) {
            // A client that cannot do a measurement is a finding, not the end of the run.
            failures.push({ client, mode, round, reason: describeError(err) });
            out(`round ${round} ${mode.padEnd(7)} ${client.padEnd(20)} FAILED: ${describeError(err)}`);
            continue;
          }
          // Wrong counts are not a client's limitation but a broken measurement: stop the run.
          if (result.records !== settings.records) throw new Error(`${client} ${mode}: processed ${result.records} records, expected ${settings.records}`);
          let check = '';
          if (mode === 'ctp' && verify) {
            const offsets = await checkCommitted(admin, groupId, inTopic);
            if (offsets) throw new Error(`${client} ctp round ${round}: offsets not committed by the transactions (${offsets})`);
            const written = await countCommitted(settings, outTopic, groups);
            if (written !== settings.records) throw new Error(`${client} ctp round ${round}: ${written} committed output records, expected ${settings.records}`);
            check = ' ✓ offsets committed in the transactions, output exact';
          }
          measured.push({ client, mode, round, result });
          out(
            `round ${round} ${mode.padEnd(7)} ${client.padEnd(20)} ${fmt((result.records * 1000) / result.steadyMs).padStart(8)} rec/s steady ` +
              `(${(result.steadyMs / 1000).toFixed(2)} s, ${result.chunks} chunks${mode === 'ctp' ? `, ${result.txRetries} tx requests retried` : ''}), ${fmt((result.records * 1000) / result.totalMs).padStart(8)} rec/s incl. start and join${check}`,
          );
        }
      }
    }
  } finally {
    await admin.deleteTopics({ topics: [inTopic, ...outTopics], timeout: 30_000 }).catch((err: unknown) => out(`# cleanup: deleting topics failed: ${String(err)}`));
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
  }
  printTable(settings, measured, failures, negativeTimeoutWarnings);
  if (failures.length > 0) process.exitCode = 1;
}

function printTable(settings: Settings, measured: Measured[], failures: Failure[], warnings: number): void {
  const rate = (client: ClientName, mode: Mode, key: 'steadyMs' | 'totalMs'): number =>
    median(measured.filter((m) => m.client === client && m.mode === mode).map((m) => (m.result.records * 1000) / m.result[key]));
  const [base, ...others] = settings.clients;
  if (!base) return;
  const rows: [string, Mode, 'steadyMs' | 'totalMs'][] = [
    ['consume, steady state', 'consume', 'steadyMs'],
    ['consume, incl. client start and group join', 'consume', 'totalMs'],
    ['transactional consume → transform → produce, steady state', 'ctp', 'steadyMs'],
    ['transactional consume → transform → produce, incl. start and join', 'ctp', 'totalMs'],
  ];
  out();
  out(`Medians of ${settings.rounds} rounds, ${fmt(settings.records)} records each, records/s:`);
  out();
  out(`| measurement | ${settings.clients.join(' | ')} | ${others.map((o) => `${o}/${base}`).join(' | ')} |`);
  out(`|---|${settings.clients.map(() => '---:').join('|')}|${others.map(() => '---:').join('|')}|`);
  const cell = (c: ClientName, mode: Mode, r: number): string => {
    const failed = failures.filter((f) => f.client === c && f.mode === mode).length;
    const ok = measured.filter((m) => m.client === c && m.mode === mode).length;
    if (ok === 0) return failed > 0 ? 'fails' : '—';
    return failed > 0 ? `${fmt(r)} (${failed} of ${ok + failed} runs failed)` : fmt(r);
  };
  for (const [label, mode, key] of rows) {
    const rates = settings.clients.map((c) => rate(c, mode, key));
    const b = rates[0] ?? 0;
    const ratios = rates.slice(1).map((r) => (Number.isFinite(r) && r > 0 && b > 0 ? (r / b).toFixed(2) : '—'));
    out(`| ${label} | ${settings.clients.map((c, i) => cell(c, mode, rates[i] ?? 0)).join(' | ')} | ${ratios.join(' | ')} |`);
  }
  // The chunking differs by API shape: kafkajs's eachBatch hands over one fetched batch at a time
  // (a chunk never spans two batches), platformatic's stream lets a chunk fill up across fetches.
  // Fewer, fuller transactions are part of the gain, so the per-transaction cost is printed too.
  const per = (c: ClientName, mode: Mode, f: (r: RunResult) => number): number => median(measured.filter((m) => m.client === c && m.mode === mode).map((m) => f(m.result)));
  for (const mode of ['consume', 'ctp'] as const) {
    const label = mode === 'ctp' ? 'transactions per run (chunks)' : 'chunks per run (consume)';
    const counts = settings.clients.map((c) => per(c, mode, (r) => r.chunks));
    out(`| ${label} | ${counts.map((n) => (Number.isFinite(n) ? fmt(n) : '—')).join(' | ')} | ${counts.slice(1).map((n) => ((counts[0] ?? 0) > 0 && Number.isFinite(n) ? (n / (counts[0] ?? 1)).toFixed(2) : '—')).join(' | ')} |`);
  }
  const msPerTx = settings.clients.map((c) => per(c, 'ctp', (r) => r.steadyMs / r.chunks));
  out(`| ms per transaction, steady state (lower is better) | ${msPerTx.map((n) => (Number.isFinite(n) ? n.toFixed(1) : '—')).join(' | ')} | ${msPerTx.slice(1).map((n) => ((msPerTx[0] ?? 0) > 0 && Number.isFinite(n) ? (n / (msPerTx[0] ?? 1)).toFixed(2) : '—')).join(' | ')} |`);
  const retries = settings.clients.map((c) => per(c, 'ctp', (r) => r.txRetries));
  out(`| transactional requests retried per run (CONCURRENT_TRANSACTIONS…) | ${retries.map((n) => (Number.isFinite(n) ? fmt(n) : '—')).join(' | ')} | ${retries.slice(1).map(() => '').join(' | ')} |`);
  for (const f of failures) out(`- ${f.client} ${f.mode} round ${f.round} failed: ${f.reason}`);
  out();
  out(`TimeoutNegativeWarning from the unpatched kafkajs during the run: ${warnings}`);
}

// Awaited at the top level: a client that leaves a promise unsettled with nothing keeping the
// process alive then ends it with exit code 13 instead of a silent 0.
try {
  await main();
} catch (err) {
  process.stderr.write(`kafka client bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
