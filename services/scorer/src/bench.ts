#!/usr/bin/env node
/**
 * `npm run bench -w @ipasn/scorer` — the scorer's figures on this machine:
 *  1. Redis bytes per employee (MEMORY USAGE of the stored state) on a generated population with a
 *     typical history, against the target of 1.5 KB;
 *  2. sustained events/s of the real scorer process draining a prefixed ipasn.events, against a
 *     baseline measured in the same run: a plain kafkajs consumer reading the same topic (the
 *     broker's ceiling for this client).
 * Options (env): BENCH_EMPLOYEES (default 20000).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaConnection, loadConfig, redisConnection } from '@ipasn/config';
import { Agencies } from '@ipasn/contracts';
import { applyTopics, BatchConsumer, BatchProducer, createKafka, expandTopics, groupLag, readTopicFile, withAdmin, type OutMessage } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { normalize } from '@ipasn/normalize';
import { canonicalEventMessage, topicNames } from '@ipasn/pipeline';
import { closeRedis, createRedis } from '@ipasn/redis';
import { SchemaRegistry } from '@ipasn/serde';

/** The bench's report goes to stdout (user-facing output, not logs). */
const print = (line: string): void => void process.stdout.write(`${line}\n`);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const N = Number(process.env['BENCH_EMPLOYEES'] ?? 20_000);
const asOf = '2025-06-30';
// The same environment as the services: brokers, credentials (the admin's: it creates topics), Redis user.
const config = loadConfig(process.env);
const connection = kafkaConnection(config);
const ns = `bench${Date.now().toString(36)}.`;
const logger = silentLogger();
const dir = mkdtempSync(join(tmpdir(), 'ipasn-bench-'));

const file = join(dir, 'stream.ndjson');
execFileSync('node', [join(root, 'packages/cli/dist/bin/ipasn.js'), 'generate', '--seed', '42', '--employees', String(N), '--as-of', asOf, '--invalid', '0', '--duplicates', '0', '--out', file, '-q']);
const registry = SchemaRegistry.load();
const topics = topicNames(ns);
const agencies = Agencies.default();
const ingestionTime = new Date(`${asOf}T23:00:00+07:00`);
const messages: OutMessage[] = [];
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line) continue;
  const r = normalize(line, { agencies, ingestionTime });
  if (r.ok) messages.push(canonicalEventMessage(topics, registry, r.event));
}
print(`generated ${N} employees, ${messages.length} canonical events (${(messages.length / N).toFixed(1)} per employee)`);

const kafka = createKafka({ ...connection, clientId: 'scorer-bench', logger });
print(`Kafka ${connection.brokers.join(',')}: ${connection.sasl ? `SASL_SSL as ${connection.sasl.username}` : 'PLAINTEXT (IPASN_INSECURE)'}`);
await applyTopics(kafka, expandTopics(await readTopicFile(), [], ns));
const producer = new BatchProducer(kafka);
await producer.connect();
for (let i = 0; i < messages.length; i += 5000) await producer.send(messages.slice(i, i + 5000));
await producer.close();

/** Waits until the group has read the whole topic; fails if `alive` says the process it waits on is gone. */
async function drained(group: string, alive: () => boolean = () => true): Promise<void> {
  for (;;) {
    if (!alive()) throw new Error(`${group}: the process exited before the topic was drained (its stderr is above)`);
    const lag = await groupLag(kafka, group, [topics.events]);
    if (lag.every((p) => (p.lag === 0 && p.committed !== null) || p.end === 0)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

// Baseline: a plain consumer reading the same events and doing nothing with them.
const baseGroup = `${ns}baseline`;
const t0 = performance.now();
let read = 0;
const consumer = new BatchConsumer({
  kafka,
  groupId: baseGroup,
  topics: [topics.events],
  logger,
  chunkSize: 1000,
  onFatal: (err) => {
    throw err;
  },
  handler: (chunk) => {
    read += chunk.length;
    return Promise.resolve();
  },
});
await consumer.start();
while (read < messages.length) await new Promise((r) => setTimeout(r, 50));
const baseSeconds = (performance.now() - t0) / 1000;
await consumer.stop();

// The scorer process, pinned evaluation date (no timers), draining the same topic.
const t1 = performance.now();
const child = spawn('node', [...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['BENCH_PROFILE']] : []), join(root, 'services/scorer/dist/main.js')], {
  env: { ...process.env, IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, SCORING_AS_OF: asOf, SCORER_OPS_PORT: '0', LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
let exited = false;
child.once('exit', () => void (exited = true));
await drained(`${ns}ipasn-scorer`, () => !exited);
const scorerSeconds = (performance.now() - t1) / 1000;
const gone = exited ? Promise.resolve() : new Promise((r) => child.once('exit', r));
child.kill('SIGTERM');
await gone;

const redis = createRedis({ ...redisConnection(config), logger });
const keys = (await redis.keys(`${ns}emp:*`)).slice(0, 2000);
let bytes = 0;
for (const k of keys) bytes += Number(await redis.memory('USAGE', k));
const perEmployee = bytes / keys.length;
const all = await redis.keys(`${ns}*`);
for (let i = 0; i < all.length; i += 1000) await redis.del(...all.slice(i, i + 1000));
await closeRedis(redis);
await withAdmin(kafka, (admin) => admin.deleteTopics([topics.events, topics.scores, topics.scoresLatest, topics.dlq]));
rmSync(dir, { recursive: true, force: true });

const rate = (s: number) => Math.round(messages.length / s);
print(`baseline (plain consumer, same topic): ${rate(baseSeconds)} events/s (${baseSeconds.toFixed(1)} s)`);
print(`scorer (load, apply, 2 rule sets, CAS write, 4 score messages per employee/chunk): ${rate(scorerSeconds)} events/s (${scorerSeconds.toFixed(1)} s, incl. start)`);
print(`ratio scorer / baseline: ${(rate(scorerSeconds) / rate(baseSeconds)).toFixed(3)}`);
print(`Redis bytes per employee (MEMORY USAGE, ${keys.length} sampled): ${Math.round(perEmployee)} (target ≤ 1536)`);
