/**
 * TransactionalProducers.commitChunk against the real Kafka: two handlers of one input partition
 * (what a kafkajs consumer that restarted itself leaves behind: the old handler still committing,
 * the new one starting from the committed offset) must not write a record twice — chunks of a
 * partition run one at a time and each skips what an earlier transaction committed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { kafkaConnection, loadConfig } from '@ipasn/config';
import { applyTopics, BatchConsumer, BatchProducer, createKafka, readToEnd, TransactionalProducers, withAdmin, type ProducerTransaction } from '../src/index.js';

const KAFKA = kafkaConnection(loadConfig(process.env));
const kafka = createKafka({ ...KAFKA, clientId: 'kafka-transactional-test', logger: silentLogger() });
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
});

async function topic(): Promise<string> {
  const name = `test-${randomUUID()}`;
  await applyTopics(kafka, [{ name, partitions: 1, config: {} }]);
  onTestFinished(async () => {
    await withAdmin(kafka, (a) => a.deleteTopics([name]));
  });
  return name;
}

const offsets = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ offset: String(from + i) }));

describe('TransactionalProducers.commitChunk (real Kafka)', () => {
  it('runs the chunks of a partition one at a time, each with only what no earlier transaction committed', async () => {
    const input = await topic();
    const output = await topic();
    const groupId = `test-${randomUUID()}`;
    const producers = new TransactionalProducers(kafka, `test-${randomUUID()}`);
    closers.push(() => producers.closeAll());
    const sent: string[][] = [];
    const copy = (delayMs: number) => async (tx: ProducerTransaction, fresh: readonly { offset: string }[]) => {
      sent.push(fresh.map((m) => m.offset));
      await new Promise((r) => setTimeout(r, delayMs));
      await tx.send(fresh.map((m) => ({ topic: output, key: m.offset, value: Buffer.from(m.offset) })));
    };
    // The old handler has offsets 0–9 in hand; the new one starts from the committed offset (none
    // yet: 0) with 0–14, while the old one is still sending.
    const results = await Promise.all([
      producers.commitChunk(groupId, input, 0, offsets(0, 10), copy(300)),
      producers.commitChunk(groupId, input, 0, offsets(0, 15), copy(0)),
    ]);
    expect(results).toEqual(['committed', 'committed']);
    expect(sent).toEqual([offsets(0, 10).map((m) => m.offset), offsets(10, 15).map((m) => m.offset)]);
    // A replay of what is committed sends nothing.
    expect(await producers.commitChunk(groupId, input, 0, offsets(5, 15), copy(0))).toBe('already-committed');

    const seen: string[] = [];
    await readToEnd(kafka, output, {
      groupPrefix: 'test-read-',
      onChunk: async (messages) => {
        for (const m of messages) seen.push(m.value!.toString());
        await Promise.resolve();
      },
    });
    expect(seen).toEqual(offsets(0, 15).map((m) => m.offset));
    const committed = await withAdmin(kafka, (a) => a.groupOffsets(groupId, [input]));
    expect(committed.map((c) => c.offset)).toEqual(['15']);
  }, 120_000);

  it('a consumer that commits in transactions moves its group past the commit markers of its input (lag 0, not 1)', async () => {
    const input = await topic();
    const writer = new BatchProducer(kafka, { transactionalId: `test-${randomUUID()}` });
    await writer.connect();
    closers.push(() => writer.close());
    const tx = await writer.transaction();
    await tx.send(['a', 'b', 'c'].map((v) => ({ topic: input, key: v, value: Buffer.from(v) })));
    await tx.commit();
    const end = await withAdmin(kafka, (a) => a.topicOffsets(input));
    // Three records and the transaction's commit marker.
    expect(end.map((o) => o.high)).toEqual(['4']);

    const groupId = `test-${randomUUID()}`;
    const producers = new TransactionalProducers(kafka, `test-${randomUUID()}`);
    closers.push(() => producers.closeAll());
    const consumer = new BatchConsumer({
      kafka,
      groupId,
      topics: [input],
      logger: silentLogger(),
      commit: 'none',
      onFatal: (err) => {
        throw err;
      },
      handler: async (messages, ctx) => {
        await producers.commitChunk(groupId, ctx.topic, ctx.partition, messages, async () => {});
      },
    });
    closers.push(() => consumer.stop());
    await consumer.start();
    const deadline = Date.now() + 60_000;
    let committed = '';
    while (Date.now() < deadline) {
      committed = (await withAdmin(kafka, (a) => a.groupOffsets(groupId, [input])))[0]?.offset ?? '';
      if (committed === '4') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(committed).toBe('4');
  }, 120_000);
});
