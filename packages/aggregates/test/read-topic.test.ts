/**
 * readTopicToEnd against the real Kafka: read_committed, exactly once per message, and it stops
 * at the end the topic had when the read started — even when that end is a transaction marker.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { applyTopics, BatchProducer, createKafka, type KafkaMessage } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { readTopicToEnd } from '../src/index.js';

const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',');
const logger = silentLogger();
const kafka = createKafka({ brokers: BROKERS, clientId: 'aggregates-read-test', logger });
const producers: BatchProducer[] = [];
afterAll(async () => {
  await Promise.all(producers.map((p) => p.close()));
});

async function topic(partitions: number): Promise<string> {
  const name = `test-${randomUUID()}`;
  await applyTopics(kafka, [{ name, partitions, config: {} }]);
  onTestFinished(async () => {
    const a = kafka.admin();
    await a.connect();
    await a.deleteTopics({ topics: [name] });
    await a.disconnect();
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

async function readAll(t: string, onChunk?: (m: KafkaMessage[], p: number) => Promise<void>) {
  const seen: { partition: number; offset: string; value: string }[] = [];
  let total = -1;
  const result = await readTopicToEnd({
    kafka,
    topic: t,
    groupPrefix: 'test-read',
    logger,
    chunkSize: 2,
    onStart: (n) => {
      total = n;
    },
    onChunk: async (messages, partition) => {
      for (const m of messages) seen.push({ partition, offset: m.offset, value: m.value!.toString() });
      await onChunk?.(messages, partition);
    },
  });
  return { result, seen, total };
}

describe('readTopicToEnd (real Kafka)', () => {
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
      readTopicToEnd({
        kafka,
        topic: t,
        groupPrefix: 'test-read',
        logger,
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
});
