import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis } from '@ipasn/redis';
import { ChunkedRuns } from '../src/index.js';
import { loadConfig, redisConnection } from '@ipasn/config';

const connection = createRedis({ ...redisConnection(loadConfig(process.env)), logger: silentLogger(), maxRetriesPerRequest: null });
afterAll(() => closeRedis(connection));

describe('ChunkedRuns (real Redis + BullMQ flows)', () => {
  it('runs every chunk, retries a failing one, reports progress and a summary, and resumes in a new process', async () => {
    const prefix = `test-${randomUUID()}`;
    const starter = new ChunkedRuns<{ items: number[] }, { label: string }, number>({ connection, prefix, name: 'rescore', logger: silentLogger() });
    const id = await starter.start({ label: 'all' }, [{ items: [1, 2] }, { items: [3] }, { items: [4, 5, 6] }]);
    expect(await starter.progress(id)).toMatchObject({ total: 3, done: 0, failed: 0 });
    await starter.close();

    // Another process (the scorer) does the work; the chunk with 3 fails once and is retried.
    const worker = new ChunkedRuns<{ items: number[] }, { label: string }, number>({ connection, prefix, name: 'rescore', logger: silentLogger() });
    let failedOnce = false;
    worker.work(
      async (chunk) => {
        if (chunk.items.includes(3) && !failedOnce) {
          failedOnce = true;
          throw new Error('transient');
        }
        await Promise.resolve();
        return chunk.items.length;
      },
      (results, data) => ({ label: data.label, items: results.reduce((a, b) => a + b, 0) }),
    );
    try {
      const deadline = Date.now() + 20_000;
      let p = await worker.progress(id);
      while (p?.state !== 'completed' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        p = await worker.progress(id);
      }
      expect(p).toMatchObject({ state: 'completed', total: 3, done: 3, failed: 0, result: { label: 'all', items: 6 } });
      expect(failedOnce).toBe(true);
    } finally {
      await worker.close();
    }
  }, 30_000);
});
