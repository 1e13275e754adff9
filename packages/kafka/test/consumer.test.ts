import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { IpasnError } from '@ipasn/errors';
import { BatchConsumer, BatchProducer, groupLag, type InMessage, type OutMessage } from '../src/index.js';
import { test, until } from './fixtures.js';

const TIMEOUT = 120_000;

describe('BatchProducer + BatchConsumer (real Kafka)', () => {
  test(
    'a consumer group reads back every one of 20,000 keyed messages, in per-key order',
    async ({ kafka, topic }) => {
      const name = await topic(6);
      const KEYS = 500;
      const N = 20_000;
      const producer = new BatchProducer(kafka);
      await producer.connect();
      const out: OutMessage[] = [];
      for (let i = 0; i < N; i++) {
        const key = `nip-${i % KEYS}`;
        out.push({ topic: name, key, value: Buffer.from(JSON.stringify({ key, seq: Math.floor(i / KEYS) })) });
      }
      for (let i = 0; i < N; i += 2_000) await producer.send(out.slice(i, i + 2_000));
      await producer.close();

      const seen = new Map<string, number[]>();
      let count = 0;
      const groupId = `test-${randomUUID()}`;
      const consumer = new BatchConsumer({
        kafka,
        groupId,
        topics: [name],
        logger: silentLogger(),
        onFatal: (err) => {
          throw err;
        },
        chunkSize: 250,
        handler: async (messages: InMessage[]) => {
          for (const m of messages) {
            const { key, seq } = JSON.parse(m.value!.toString()) as { key: string; seq: number };
            expect(m.key!.toString()).toBe(key);
            let list = seen.get(key);
            if (!list) seen.set(key, (list = []));
            list.push(seq);
            count++;
          }
          await Promise.resolve();
        },
      });
      await consumer.start();
      await until(() => count >= N, 90_000);
      await consumer.stop();

      expect(count).toBe(N);
      expect(seen.size).toBe(KEYS);
      const expected = Array.from({ length: N / KEYS }, (_, i) => i);
      for (const seqs of seen.values()) expect(seqs).toEqual(expected);
      // Everything processed was committed.
      const lag = await groupLag(kafka, groupId, [name]);
      expect(lag.reduce((s, p) => s + p.lag, 0)).toBe(0);
    },
    TIMEOUT,
  );

  test(
    'shutdown while consuming commits what was processed and nothing more',
    async ({ kafka, topic }) => {
      const name = await topic(1);
      const N = 5_000;
      const producer = new BatchProducer(kafka);
      await producer.connect();
      await producer.send(Array.from({ length: N }, (_, i) => ({ topic: name, key: `k${i % 7}`, value: Buffer.from(String(i)) })));
      await producer.close();

      const groupId = `test-${randomUUID()}`;
      const processed: number[] = [];
      let stopping: Promise<void> | undefined;
      const consumer = new BatchConsumer({
        kafka,
        groupId,
        topics: [name],
        logger: silentLogger(),
        onFatal: (err) => {
          throw err;
        },
        chunkSize: 100,
        handler: async (messages) => {
          for (const m of messages) processed.push(Number(m.offset));
          // Ask for a stop in the middle of the stream, as SIGTERM would; the chunk in hand finishes.
          if (processed.length >= 1_234 && !stopping) stopping = consumer.stop();
          await new Promise((r) => setTimeout(r, 5));
        },
      });
      await consumer.start();
      await until(() => stopping !== undefined, 60_000);
      await stopping;
      await consumer.stop(); // idempotent

      expect(processed.length).toBeGreaterThanOrEqual(1_234);
      expect(processed.length).toBeLessThan(N);
      // Offsets processed are exactly 0..k-1, once each.
      expect(processed).toEqual(Array.from({ length: processed.length }, (_, i) => i));
      const [lag] = await groupLag(kafka, groupId, [name]);
      expect(lag?.committed).toBe(processed.length);
      expect(lag?.lag).toBe(N - processed.length);

      // A new member of the group resumes at the first unprocessed message.
      const resumed: number[] = [];
      const again = new BatchConsumer({
        kafka,
        groupId,
        topics: [name],
        logger: silentLogger(),
        onFatal: (err) => {
          throw err;
        },
        handler: async (messages) => {
          for (const m of messages) resumed.push(Number(m.offset));
          await Promise.resolve();
        },
      });
      await again.start();
      await until(() => resumed.length >= N - processed.length, 60_000);
      await again.stop();
      expect(resumed[0]).toBe(processed.length);
      expect(resumed.length).toBe(N - processed.length);
    },
    TIMEOUT,
  );

  test(
    'a programmer error stops the consumer and goes to onFatal once; nothing of the chunk is committed',
    async ({ kafka, topic }) => {
      const name = await topic(1);
      const producer = new BatchProducer(kafka);
      await producer.connect();
      await producer.send(Array.from({ length: 300 }, (_, i) => ({ topic: name, key: 'k', value: Buffer.from(String(i)) })));
      await producer.close();
      const groupId = `test-${randomUUID()}`;
      const fatal: Error[] = [];
      let calls = 0;
      const consumer = new BatchConsumer({
        kafka,
        groupId,
        topics: [name],
        logger: silentLogger(),
        chunkSize: 100,
        onFatal: (err) => fatal.push(err),
        handler: async (messages) => {
          calls++;
          await Promise.resolve();
          // The second chunk hits a bug: a TypeError is never retried.
          if (Number(messages[0]!.offset) >= 100) (undefined as unknown as { x: () => void }).x();
        },
      });
      await consumer.start();
      await until(() => fatal.length > 0, 60_000);
      // Give kafkajs the chance to hand the batch over again: the stopped runner must not take it.
      await new Promise((r) => setTimeout(r, 1_000));
      await consumer.stop();
      expect(fatal).toHaveLength(1);
      expect(fatal[0]).toBeInstanceOf(TypeError);
      expect(calls).toBe(2);
      const [lag] = await groupLag(kafka, groupId, [name]);
      expect(lag?.committed).toBe(100);
    },
    TIMEOUT,
  );

  test(
    'a retriable error hands the chunk back: it is delivered again and then committed once',
    async ({ kafka, topic }) => {
      const name = await topic(1);
      const producer = new BatchProducer(kafka);
      await producer.connect();
      await producer.send(Array.from({ length: 50 }, (_, i) => ({ topic: name, key: 'k', value: Buffer.from(String(i)) })));
      await producer.close();
      const groupId = `test-${randomUUID()}`;
      const delivered: number[] = [];
      let failures = 0;
      const consumer = new BatchConsumer({
        kafka,
        groupId,
        topics: [name],
        logger: silentLogger(),
        chunkSize: 50,
        onFatal: (err) => {
          throw err;
        },
        handler: async (messages) => {
          await Promise.resolve();
          if (failures < 2) {
            failures++;
            throw new IpasnError('TEST_HICCUP', 'a transient failure', { retriable: true });
          }
          for (const m of messages) delivered.push(Number(m.offset));
        },
      });
      await consumer.start();
      await until(() => delivered.length >= 50, 60_000);
      await consumer.stop();
      expect(failures).toBe(2);
      expect(delivered).toEqual(Array.from({ length: 50 }, (_, i) => i));
      const [lag] = await groupLag(kafka, groupId, [name]);
      expect(lag?.lag).toBe(0);
    },
    TIMEOUT,
  );
});
