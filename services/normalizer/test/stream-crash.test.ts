/**
 * A generated stream of 100,000 ingress events (the generator's share of invalid and duplicate
 * events, each intended reject declared by the generator, never asked of the validator) flows
 * through the normalizer while it is SIGKILLed at random moments and restarted. Afterwards, read
 * with read_committed:
 * - ipasn.events holds every accepted event exactly once by (source, id), and exactly as many as
 *   the generator declared;
 * - ipasn.dlq holds every reject exactly once by source coordinates, as many per reason as
 *   declared, and each one's original bytes are a line the generator meant to fail for that reason.
 *
 * Kills 1, 3 and 5 come at random moments; kills 2 and 4 freeze the process (SIGSTOP) right after
 * a transaction's records reached ipasn.events and before its commit, then SIGKILL it: those records
 * must stay invisible (aborted) and be written again exactly once.
 *
 * Each kill costs about a session timeout (30 s): the restarted member waits for the dead one to
 * leave the group. Five kills are most of this test's time.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  committedTotal,
  createTopics,
  decoders,
  generateStream,
  groupProgress,
  freezeInsideTransaction,
  normalizerExpectation,
  prng,
  publishNdjson,
  readAll,
  readLines,
  scanTopic,
  sleep,
  startService,
  testNamespace,
  topicOffsets,
  waitForDrain,
} from '@ipasn/e2e';
import type { DeadLetter } from '@ipasn/serde';

const EVENTS = 100_000;
const KILLS = 5;
/** Messages a restarted process commits before the next kill may come. */
const WARM = 3_000;

const tally = (values: Iterable<string>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
};

describe('normalizer: a 100k mixed stream under SIGKILL', () => {
  it('writes exactly the declared events and dead letters, each exactly once, across 5 crashes', async () => {
    const seed = Number(process.env['E2E_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    const random = prng(seed);
    process.stderr.write(`[stream-crash] seed ${seed} (E2E_SEED=${seed} repeats the kill moments)\n`);

    const dir = mkdtempSync(join(tmpdir(), 'normalizer-stream-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const stream = await generateStream({ dir, seed: 'stream-crash', events: EVENTS });
    const expected = normalizerExpectation(stream.summary);
    expect(stream.summary.lines).toBe(EVENTS);
    // The stream really is mixed: every reason the normalizer decides, and duplicates.
    for (const [reason, n] of Object.entries(expected.byReason)) expect(n, `${reason} lines in the stream`).toBeGreaterThan(0);
    expect(expected.duplicates).toBeGreaterThan(0);

    const ns = testNamespace();
    const topics = await createTopics(ns, stream.agencies);
    const ingress = stream.agencies.map((a) => topics.ingress(a));
    const group = `${ns}ipasn-normalizer`;
    const svc = await startService('normalizer', { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, LOG_LEVEL: 'info' });
    await svc.waitReady();

    // The stream flows while the normalizer is killed and restarted.
    const publishing = publishNdjson(stream.file, { prefix: ns, expect: stream.expectations });
    publishing.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile

    const kills: { at: number; committed: number; how: string }[] = [];
    let caught = 0;
    const t0 = Date.now();
    for (let k = 0; k < KILLS; k++) {
      // Let this process get past the rebalance and warm up (its first chunk on each partition
      // opens a transactional producer, fencing the dead one's).
      const before = committedTotal(await groupProgress(group, ingress));
      for (;;) {
        const done = committedTotal(await groupProgress(group, ingress));
        if (done >= before + WARM) break;
        if (done >= EVENTS) throw new Error(`the stream drained after ${k} kills: too short for ${KILLS}`);
        if (!svc.running) throw new Error(`the normalizer exited by itself\n${svc.tail()}`);
        await sleep(100);
      }
      let how = 'random moment';
      if (k % 2 === 1) {
        // Targeted: frozen right after a transaction's records reached ipasn.events, before its
        // commit (random moments rarely land there), then killed.
        const freeze = await freezeInsideTransaction(svc, topics.events, { timeoutMs: 30_000 });
        how = freeze.frozen
          ? `frozen inside an open transaction with records on ipasn.events partitions ${freeze.partitions.join(',')} (attempt ${freeze.attempts})`
          : `random moment (no open transaction caught in ${freeze.attempts} attempts)`;
        if (freeze.frozen) caught += 1;
      } else {
        await sleep(Math.floor(random() * 1_200));
      }
      const committed = committedTotal(await groupProgress(group, ingress));
      expect(await svc.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      kills.push({ at: Date.now() - t0, committed, how });
      process.stderr.write(`[stream-crash] kill ${k + 1} at ${Date.now() - t0} ms, ${committed} committed: ${how}\n`);
      await svc.restart();
    }
    const published = await publishing;
    expect(published.sent).toBe(EVENTS);
    expect(kills[kills.length - 1]!.committed, 'the last kill came before the stream was drained').toBeLessThan(EVENTS);

    await waitForDrain(group, ingress, 240_000);
    expect(svc.starts).toBe(KILLS + 1);

    // ipasn.events: every accepted event exactly once, as many as declared.
    const events = await readAll(topics.events, { decode: decoders.canonicalEvent, timeoutMs: 120_000 });
    const perEvent = new Map<string, number>();
    for (const e of events) {
      const id = `${e.value.source}|${e.value.id}`;
      perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
    }
    const repeated = [...perEvent].filter(([, n]) => n > 1);
    expect(repeated.slice(0, 5), `${repeated.length} events written more than once`).toEqual([]);
    expect(events.length).toBe(expected.events);
    // The crashes inside transactions left aborted records on ipasn.events, which read_committed hides.
    let uncommitted = 0;
    await scanTopic(topics.events, () => void (uncommitted += 1), { readUncommitted: true, timeoutMs: 120_000 });
    const rawOffsets = (await topicOffsets(topics.events)).reduce((sum, p) => sum + Number(p.end), 0);
    process.stderr.write(
      `[stream-crash] ipasn.events: ${events.length} committed records, ${uncommitted - events.length} aborted, ${rawOffsets - uncommitted} transaction markers\n`,
    );
    expect(caught, 'targeted kills that caught an open transaction').toBeGreaterThan(0);
    expect(uncommitted, 'records aborted by the crashes').toBeGreaterThan(events.length);

    // ipasn.dlq: every reject exactly once by source coordinates, as many per reason as declared.
    const dlq = await readAll(topics.dlq, { decode: decoders.deadLetter, timeoutMs: 120_000 });
    const perSource = tally(dlq.map((d) => `${d.value.sourceTopic}/${d.value.sourcePartition}/${d.value.sourceOffset}`));
    const twice = Object.entries(perSource).filter(([, n]) => n > 1);
    expect(twice.slice(0, 5), `${twice.length} rejects dead-lettered more than once`).toEqual([]);
    expect(dlq.length).toBe(expected.dlq);
    expect(tally(dlq.map((d) => d.value.reason))).toEqual(Object.fromEntries(Object.entries(expected.byReason).filter(([, n]) => n > 0)));

    // Each dead letter's original bytes are a line the generator meant to fail for that reason.
    const intended = new Map<string, Set<string>>();
    let number = 0;
    for await (const line of readLines(stream.file)) {
      number += 1;
      const e = stream.expectations.get(number);
      if (!e || !('reason' in e)) continue;
      // Over 64 KiB the dead letter keeps a prefix: such lines are found by their SHA-256.
      const key = line.length > 65_536 ? `sha256:${createHash('sha256').update(line).digest('hex')}` : line.toString('latin1');
      intended.set(key, (intended.get(key) ?? new Set()).add(e.reason));
    }
    const keyOf = (dl: DeadLetter): string => {
      if (dl.originalLength === null) return dl.originalValue.toString('latin1');
      expect(dl.originalValue.length, 'a cut original keeps exactly 64 KiB').toBe(65_536);
      return `sha256:${dl.originalSha256?.toString('hex')}`;
    };
    expect(dlq.some((d) => d.value.originalLength !== null), 'the stream has events over 64 KiB: their dead letters are cut').toBe(true);
    const wrong = dlq.filter((d) => !intended.get(keyOf(d.value))?.has(d.value.reason));
    expect(wrong.slice(0, 3).map((d) => `${d.value.reason}: ${d.value.originalValue.toString('utf8').slice(0, 120)}`)).toEqual([]);

    // Crash or not, no NIP reached the log.
    const nipsInLog = new Set(svc.logs().match(/\d{18}/gu) ?? []);
    expect([...nipsInLog].filter((n) => published.keys.has(n))).toEqual([]);
  });
});
