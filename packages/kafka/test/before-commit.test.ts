/**
 * BatchConsumer's `beforeCommit` hook (docs/reliability.md, "Redis that comes back behind"): every
 * offset the group commits, a chunk's or one past transaction markers, was handed to the hook
 * first, so a service can record in Redis what its state reflects before Kafka says it is done.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { IpasnError } from '@ipasn/errors';
import { silentLogger } from '@ipasn/logger';
import { BatchConsumer, BatchProducer, groupLag, withAdmin } from '../src/index.js';
import { test, until } from './fixtures.js';

const TIMEOUT = 120_000;

describe('BatchConsumer beforeCommit (real Kafka)', () => {
  test(
    'every committed offset, past transaction markers included, went through the hook first; a throw commits nothing',
    async ({ kafka, topic }) => {
      const name = await topic(2);
      const groupId = `test-${randomUUID()}`;
      /** Per partition: the largest offset handed to the hook. */
      const hooked = new Map<number, bigint>();
      let refusals = 0;
      let consumed = 0;
      let joined = false;
      const consumer = new BatchConsumer({
        kafka,
        groupId,
        topics: [name],
        logger: silentLogger(),
        onFatal: (err) => {
          throw err;
        },
        chunkSize: 7,
        maxWaitMs: 100,
        onAssignment: () => {
          joined = true;
        },
        beforeCommit: async (_topic, partition, offset) => {
          await Promise.resolve();
          // The first two commits are refused (Redis behind, say): nothing may be committed for them.
          if (refusals < 2) {
            refusals++;
            throw new IpasnError('TEST_REFUSED', 'not now', { retriable: true });
          }
          const o = BigInt(offset);
          if (o > (hooked.get(partition) ?? -1n)) hooked.set(partition, o);
        },
        handler: async (messages) => {
          consumed += messages.length;
          await Promise.resolve();
        },
      });
      await consumer.start();
      // While it runs: the committed offset of each partition is never above what the hook saw
      // (committed read first, the hook's record after, as the services' check does).
      const violations: string[] = [];
      let samples = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const lag = await groupLag(kafka, groupId, [name]);
          for (const p of lag) if (p.committed !== null && BigInt(p.committed) > (hooked.get(p.partition) ?? -1n)) violations.push(`partition ${p.partition}: committed ${p.committed}, hooked ${hooked.get(p.partition)}`);
          samples++;
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await until(() => joined, 60_000);
      // The input is written in transactions while the consumer runs: commit markers after every batch of records.
      const producer = new BatchProducer(kafka, { transactionalId: `test-${randomUUID()}` });
      await producer.connect();
      const N = 40;
      for (let t = 0; t < N; t++) {
        const tx = await producer.transaction();
        await tx.send(Array.from({ length: 5 }, (_, i) => ({ topic: name, key: `k${(t * 5 + i) % 9}`, value: Buffer.from(String(t * 5 + i)) })));
        await tx.commit();
        // A consumer caught up sees the marker alone in its next fetch: the commit kafkajs would do by itself.
        await new Promise((r) => setTimeout(r, 30));
      }
      await producer.close();

      const ends = await withAdmin(kafka, (admin) => admin.topicOffsets(name));
      await until(async () => (await groupLag(kafka, groupId, [name])).every((p) => p.lag === 0 && p.committed !== null), 90_000);
      sampling = false;
      await sampler;
      await consumer.stop();
      expect(refusals).toBe(2);
      expect(samples).toBeGreaterThan(0);
      expect(violations).toEqual([]);
      expect(consumed).toBeGreaterThanOrEqual(N * 5);
      // The group reached each partition's end, past the last commit marker, and the hook saw it.
      const lag = await groupLag(kafka, groupId, [name]);
      for (const end of ends) {
        const p = lag.find((l) => l.partition === end.partition)!;
        expect(String(p.committed)).toBe(end.high);
        expect(hooked.get(end.partition)).toBe(BigInt(end.high));
      }
    },
    TIMEOUT,
  );
});
