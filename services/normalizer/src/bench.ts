#!/usr/bin/env node
/**
 * `npm run bench -w @ipasn/normalizer [-- --events N]`: how fast the normalizer drains a backlog,
 * against the ceiling of the same client and broker measured in the same run.
 *
 * 1. `ipasn generate` writes N ingress events (default 200,000; the generator's usual share of
 *    invalid and duplicate events) and they are published to a fresh namespace (produce rate).
 * 2. Baseline, on the same ingress topics: a plain kafkajs consumer (BatchConsumer, chunks of
 *    1000, offsets committed by the consumer) that only reads (consume rate), and one that forwards
 *    every message's bytes to a 12-partition topic with the idempotent producer (pipe rate: the
 *    consume → produce loop without any work, the ceiling for a service shaped like this one).
 * 3. The normalizer (dist/main.js, a child process) drains the same topics from the beginning.
 *
 * Rates are steady state: from the first processed chunk to the last (group join and process
 * start excluded; both are printed). Needs Kafka and Redis (`npm run up` or `npm test` leaves them
 * running) and a build (`npx turbo run build --filter=@ipasn/normalizer`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  committedTotal,
  createTopics,
  deleteNamespace,
  generateStream,
  groupProgress,
  normalizerExpectation,
  publishNdjson,
  sleep,
  startService,
  testKafka,
  testNamespace,
  scanTopic,
  waitForDrain,
} from '@ipasn/e2e';
import { applyTopics } from '@ipasn/kafka';
import { topicNames } from '@ipasn/pipeline';
import { baseline, type Timed } from './bench-baseline.js';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const rate = (n: number, ms: number): number => Math.round((n * 1000) / ms);
const fmt = (n: number): string => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: process.env['BENCH_EVENTS'] ?? '200000' }, seed: { type: 'string', default: 'bench' } } });
  const events = Number(values.events);
  if (!Number.isInteger(events) || events < 1000) throw new Error('--events must be an integer of at least 1000');

  const dir = mkdtempSync(join(tmpdir(), 'normalizer-bench-'));
  const ns = testNamespace();
  const topics = topicNames(ns);
  const kafka = testKafka();
  try {
    out(`normalizer bench: ${fmt(events)} events, namespace ${ns}`);
    let t = performance.now();
    const stream = await generateStream({ dir, seed: values.seed, events });
    const expected = normalizerExpectation(stream.summary);
    out(`  generated in ${Math.round(performance.now() - t)} ms: ${fmt(expected.events)} to accept, ${fmt(expected.dlq)} to reject, ${fmt(expected.duplicates)} duplicates`);

    await createTopics(ns, stream.agencies, { cleanup: false });
    const pipeTopic = `${ns}bench.pipe`;
    await applyTopics(kafka, [{ name: pipeTopic, partitions: 12, config: {} }]);
    const ingress = stream.agencies.map((c) => topics.ingress(c));

    const pub = await publishNdjson(stream.file, { prefix: ns, expect: stream.expectations });
    const produce: Timed = { messages: pub.sent, steadyMs: pub.ms, totalMs: pub.ms };

    const consume = await baseline(kafka, ingress, `${ns}bench-consume`, pub.sent);
    const pipe = await baseline(kafka, ingress, `${ns}bench-pipe`, pub.sent, { forwardTo: pipeTopic });

    // The normalizer: a child process, as in production; quiet logs.
    const group = `${ns}ipasn-normalizer`;
    t = performance.now();
    const svc = await startService('normalizer', { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, LOG_LEVEL: 'warn' }, { cleanup: false });
    let first = 0;
    let atFirst = 0;
    try {
      await svc.waitReady();
      for (;;) {
        const progress = await groupProgress(group, ingress);
        const done = committedTotal(progress);
        if (first === 0 && done > 0) {
          first = performance.now();
          atFirst = done;
        }
        if (progress.every((p) => p.drained)) break;
        if (!svc.running) throw new Error(`the normalizer exited\n${svc.tail()}`);
        await sleep(100);
      }
      await waitForDrain(group, ingress, 10_000);
    } finally {
      await svc.kill('SIGTERM');
    }
    const end = performance.now();
    const normalizer: Timed = { messages: pub.sent - atFirst, steadyMs: end - first, totalMs: end - t };
    // A bench of a wrong result is worthless: count what a read_committed reader sees.
    let accepted = 0;
    let rejected = 0;
    await scanTopic(topics.events, () => void (accepted += 1));
    await scanTopic(topics.dlq, () => void (rejected += 1));

    const base = rate(pipe.messages, pipe.steadyMs);
    out();
    out('| stage | messages | steady ms | msg/s (steady) | total ms (incl. start/join) |');
    out('|---|---:|---:|---:|---:|');
    for (const [name, r] of [
      ['produce (kafkajs idempotent, batches of 2000)', produce],
      ['consume only (BatchConsumer, chunks of 1000)', consume],
      ['baseline pipe: consume → produce same bytes', pipe],
      ['normalizer (validate, dedupe, Avro, transactions)', normalizer],
    ] as const) {
      out(`| ${name} | ${fmt(r.messages)} | ${fmt(Math.round(r.steadyMs))} | ${fmt(rate(r.messages, r.steadyMs))} | ${fmt(Math.round(r.totalMs))} |`);
    }
    out();
    out(`normalizer: ${fmt(rate(normalizer.messages, normalizer.steadyMs))} events/s = ${(rate(normalizer.messages, normalizer.steadyMs) / base).toFixed(2)} × the pipe baseline (${fmt(base)} msg/s)`);
    const exact = accepted === expected.events && rejected === expected.dlq;
    out(`output: ${fmt(accepted)} events, ${fmt(rejected)} dead letters (read_committed) — ${exact ? 'exactly as the generator declared' : `EXPECTED ${fmt(expected.events)} and ${fmt(expected.dlq)}`}`);
    if (!exact) process.exitCode = 1;
  } finally {
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
