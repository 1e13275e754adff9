import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis } from '@ipasn/redis';
import { KeyedTimers, type TimerJob } from '../src/index.js';
import { loadConfig, redisConnection } from '@ipasn/config';

const REDIS = redisConnection(loadConfig(process.env));
const connection = createRedis({ ...REDIS, logger: silentLogger(), maxRetriesPerRequest: null });
afterAll(() => closeRedis(connection));

function timers() {
  return new KeyedTimers({ connection, queueName: 'ticks', prefix: `test-${randomUUID()}`, logger: silentLogger() });
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('KeyedTimers (real Redis + BullMQ)', () => {
  it('keeps one timer per key: a new schedule replaces the pending one', async () => {
    const t = timers();
    try {
      const now = Date.now();
      await t.schedule([{ key: '199001012015031001', dueAt: now + 60_000 }]);
      await t.schedule([{ key: '199001012015031001', dueAt: now + 120_000 }]);
      await t.schedule([{ key: '199202022016032002', dueAt: now + 90_000 }]);
      expect(await t.dueAt('199001012015031001')).toBe(now + 120_000);
      expect((await t.counts())['delayed']).toBe(2);
      await t.schedule([{ key: '199202022016032002', dueAt: null }]);
      expect(await t.dueAt('199202022016032002')).toBeNull();
      expect((await t.counts())['delayed']).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('fires when due, and a running tick can schedule its own next tick', async () => {
    const t = timers();
    const fired: TimerJob[] = [];
    try {
      t.start(async (job) => {
        fired.push(job);
        if (fired.length === 1) await t.schedule([{ key: job.key, dueAt: Date.now() + 300 }]);
      });
      await t.schedule([{ key: 'emp-1', dueAt: Date.now() + 200 }]);
      await until(() => fired.length >= 2, 15_000);
      expect(fired.map((j) => j.key)).toEqual(['emp-1', 'emp-1']);
      expect(fired[1]!.dueAt).toBeGreaterThan(fired[0]!.dueAt);
    } finally {
      await t.close();
    }
  });

  it('survives a restart: a timer scheduled by one instance fires in the next', async () => {
    const prefix = `test-${randomUUID()}`;
    const first = new KeyedTimers({ connection, queueName: 'ticks', prefix, logger: silentLogger() });
    await first.schedule([{ key: 'emp-2', dueAt: Date.now() + 300 }]);
    await first.close();
    const second = new KeyedTimers({ connection, queueName: 'ticks', prefix, logger: silentLogger() });
    const fired: string[] = [];
    try {
      second.start(async (job) => {
        fired.push(job.key);
        await Promise.resolve();
      });
      await until(() => fired.length === 1, 15_000);
      expect(fired).toEqual(['emp-2']);
    } finally {
      await second.close();
    }
  });
});
