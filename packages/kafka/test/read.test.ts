/**
 * readToEnd / readRange against the real Kafka: read_committed, exactly once per message, and a
 * read stops at the end the topic had when it started — even when that end is a transaction marker.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { applyTopics, BatchProducer, collectRange, createKafka, groupLag, readToEnd, withAdmin, type InMessage } from '../src/index.js';
import { kafkaConnection, loadConfig } from '@ipasn/config';

const KAFKA = kafkaConnection(loadConfig(process.env));
const logger = silentLogger();
const kafka = createKafka({ ...KAFKA, clientId: 'kafka-read-test', logger });
const producers: BatchProducer[] = [];
afterAll(async () => {
  await Promise.all(producers.map((p) => p.close()));
});

async function topic(partitions: number): Promise<string> {
  const name = `test-${randomUUID()}`;
  await applyTopics(kafka, [{ name, partitions, config: {} }]);
  onTestFinished(async () => {
    await withAdmin(kafka, (a) => a.deleteTopics([name]));
  });
  return name;
}

async function producer(transactional: boolean): Promise<BatchProducer> {
  const p = new BatchProducer(kafka, transactional ? { transactionalId: `test-${randomUUID()}` } : {});
  await p.connect();
  producers.push(p);
  return p;
}

const msg = (t: string, partition: number, v: string) => ({ topic: t, key: v, value: Buffer.from(v), partition });

async function readAll(t: string, onChunk?: (m: InMessage[], p: number) => Promise<void>) {
  const seen: { partition: number; offset: string; value: string }[] = [];
  let total = -1;
  const read = await readToEnd(kafka, t, {
    groupPrefix: 'test-read-',
    chunkSize: 2,
    onStart: (n) => {
      total = n;
    },
    onChunk: async (messages, _topic, partition) => {
      for (const m of messages) seen.push({ partition, offset: m.offset, value: m.value!.toString() });
      await onChunk?.(messages, partition);
    },
  });
  const result = { messages: read.messages, partitions: read.ranges.filter((r) => BigInt(r.high) > BigInt(r.low)).length };
  return { result, seen, total };
}

describe('readToEnd and readRange (real Kafka)', () => {
  it('reads committed messages once, skips aborted ones, and stops on a trailing commit marker', async () => {
    const t = await topic(3);
    const p = await producer(true);
    const tx = async (values: string[], partition: number, commit: boolean) => {
      const x = await p.transaction();
      await x.send(values.map((v) => msg(t, partition, v)));
      await (commit ? x.commit() : x.abort());
    };
    await tx(['a1', 'a2', 'a3'], 0, true);
    await tx(['x1', 'x2'], 0, false);
    await tx(['a4'], 0, true);
    await tx(['b1', 'b2'], 1, true);
    await tx(['y1'], 1, false); // partition 1 ends with an abort marker
    // partition 2 stays empty

    const { result, seen, total } = await readAll(t);
    expect(result).toEqual({ messages: 6, partitions: 2 });
    expect(seen.filter((s) => s.partition === 0).map((s) => s.value)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(seen.filter((s) => s.partition === 1).map((s) => s.value)).toEqual(['b1', 'b2']);
    // Offsets count the markers and the aborted data: an upper bound for progress bars.
    expect(total).toBeGreaterThan(6);
  });

  it('hides aborted transactions that ended in another order than they began (kafkajs patch)', async () => {
    // The broker lists a fetch's aborted transactions in the order they were aborted; kafkajs 2.2.4
    // assumed the order they began, and let x1 and x2 through as committed (patches/kafkajs+2.2.4.patch).
    // Three producers interleave on one partition, as the normalizer's per-partition producers do on
    // ipasn.events, and abort in reverse order after a crash.
    const t = await topic(1);
    const [x, y, z] = [await producer(true), await producer(true), await producer(true)];
    const tz = await z.transaction();
    await tz.send([msg(t, 0, 'c1')]);
    await tz.commit();
    const tx = await x.transaction();
    await tx.send([msg(t, 0, 'x1')]);
    const ty = await y.transaction();
    await ty.send([msg(t, 0, 'y1')]);
    await tx.send([msg(t, 0, 'x2')]);
    const tz2 = await z.transaction();
    await tz2.send([msg(t, 0, 'c2')]);
    await tz2.commit();
    await ty.abort(); // y began after x and is aborted first
    await tx.abort();
    const tz3 = await z.transaction();
    await tz3.send([msg(t, 0, 'c3')]);
    await tz3.commit();

    const { seen } = await readAll(t);
    expect(seen.map((s) => s.value)).toEqual(['c1', 'c2', 'c3']);
  });

  it('stops at the end the topic had when the read started', async () => {
    const t = await topic(1);
    const p = await producer(false);
    await p.send(['m1', 'm2', 'm3'].map((v) => msg(t, 0, v)));
    let produced = false;
    const { seen } = await readAll(t, async () => {
      if (produced) return;
      produced = true;
      await p.send(['late1', 'late2'].map((v) => msg(t, 0, v)));
    });
    expect(seen.map((s) => s.value)).toEqual(['m1', 'm2', 'm3']);
  });

  it('fails on the first error of onChunk without handing any chunk over twice', async () => {
    const t = await topic(1);
    const p = await producer(false);
    await p.send(['m1', 'm2', 'm3', 'm4'].map((v) => msg(t, 0, v)));
    const calls: string[][] = [];
    await expect(
      readToEnd(kafka, t, {
        groupPrefix: 'test-read-',
        chunkSize: 2,
        onChunk: async (messages) => {
          calls.push(messages.map((m) => m.value!.toString()));
          await Promise.resolve();
          if (calls.length === 1) throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(calls).toEqual([['m1', 'm2']]);
  });

  it('returns at once for an empty topic', async () => {
    const t = await topic(2);
    const { result, total } = await readAll(t);
    expect(result).toEqual({ messages: 0, partitions: 0 });
    expect(total).toBe(0);
  });

  it('reads a range from an offset with a limit, and the oldest unconsumed message ages a lagging group', async () => {
    const t = await topic(2);
    const p = await producer(false);
    await p.send(['m0', 'm1', 'm2', 'm3', 'm4'].map((v) => msg(t, 0, v)));
    const [r0, r1] = await collectRange(kafka, [
      { topic: t, partition: 0, from: 2, to: 5, limit: 2 },
      { topic: t, partition: 1, from: 0, to: 10 },
    ]);
    expect(r0!.messages.map((m) => m.value!.toString())).toEqual(['m2', 'm3']);
    expect([r0!.complete, r1!.complete, r1!.messages]).toEqual([true, true, []]);
    // A group that never committed lags by everything; its oldest waiting message is m0.
    const now = Date.now() + 5_000;
    const lag = await groupLag(kafka, `test-${randomUUID()}`, [t], { seconds: { now } });
    expect(lag.map((l) => [l.partition, l.committed, l.lag])).toEqual([[0, null, 5], [1, null, 0]]);
    expect(lag[0]!.lagSeconds).toBeGreaterThanOrEqual(5);
    expect(lag[1]!.lagSeconds).toBe(0);
  });
});
