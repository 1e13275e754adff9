import { describe, expect, it } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { Counter, createRegistry, Lifecycle, startOpsServer } from '../src/index.js';

describe('Lifecycle', () => {
  it('runs steps once, in order, even when called twice, and continues past a failing step', async () => {
    const order: string[] = [];
    const codes: number[] = [];
    const lc = new Lifecycle({ logger: silentLogger(), timeoutMs: 5_000, exit: (c) => codes.push(c) })
      .onShutdown('stop intake', () => void order.push('intake'))
      .onShutdown('commit', () => {
        order.push('commit');
        throw new Error('broker gone');
      })
      .onShutdown('quit redis', async () => {
        await new Promise((r) => setTimeout(r, 10));
        order.push('redis');
      });
    const [a, b] = await Promise.all([lc.shutdown('SIGTERM'), lc.shutdown('SIGTERM again')]);
    expect(order).toEqual(['intake', 'commit', 'redis']);
    expect([a, b]).toEqual([1, 1]);
    expect(codes).toEqual([1]);
  });

  it('exits non-zero when a step outlives the deadline', async () => {
    const codes: number[] = [];
    const lc = new Lifecycle({ logger: silentLogger(), timeoutMs: 50, exit: (c) => codes.push(c) }).onShutdown(
      'hang',
      () => new Promise(() => undefined),
    );
    expect(await lc.shutdown('SIGTERM')).toBe(1);
    expect(codes).toEqual([1]);
  });
});

describe('ops server', () => {
  it('serves /healthz, /readyz naming failing checks, and /metrics', async () => {
    const registry = createRegistry('test');
    const c = new Counter({ name: 'ipasn_test_things_total', help: 'things', registers: [registry] });
    c.inc(3);
    let kafkaReady = false;
    const { app, port } = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger(),
      registry,
      readiness: { kafka: () => kafkaReady, redis: () => true },
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ ready: false, failing: ['kafka'] });
      kafkaReady = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('ipasn_test_things_total{service="test"} 3');
      expect(metrics).toContain('ipasn_process_');
    } finally {
      await app.close();
    }
  });
});
