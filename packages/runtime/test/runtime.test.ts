import { describe, expect, it } from 'vitest';
import { silentLogger } from '@ipasn/logger';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ipasn/config';
import { Counter, createRegistry, Lifecycle, serviceRuntime, startOpsServer } from '../src/index.js';

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
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('ipasn_service_ready{service="test"} 0');
      expect(await notReady.json()).toEqual({ ready: false, failing: ['kafka'] });
      kafkaReady = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('ipasn_test_things_total{service="test"} 3');
      expect(metrics).toContain('ipasn_service_ready{service="test"} 1');
      // The client library's standard names (dashboards and alert rules query them).
      expect(metrics).toMatch(/^process_cpu_seconds_total\{service="test"\} /mu);
      expect(metrics).toMatch(/^process_resident_memory_bytes\{service="test"\} /mu);
    } finally {
      await app.close();
    }
  });
});

describe('serviceRuntime', () => {
  it('prefixes group ids, writes the port file, and shuts down the service steps before its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipasn-runtime-'));
    const codes: number[] = [];
    const config = loadConfig({ IPASN_TOPIC_PREFIX: 't1.', LOG_LEVEL: 'silent' });
    const rt = serviceRuntime('tester', config, { opsPort: 0, portFile: join(dir, 'tester.port'), signals: false, exit: (c) => codes.push(c) });
    expect(rt.groupId('ipasn-tester')).toBe('t1.ipasn-tester');
    expect(rt.topics.events).toBe('t1.ipasn.events');
    const order: string[] = [];
    rt.onShutdown('stop intake', () => void order.push('intake'));
    const { port } = await rt.startOps({ ok: () => true });
    expect(readFileSync(join(dir, 'tester.port'), 'utf8')).toBe(String(port));
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    rt.onShutdown('flush producer', async () => {
      // While the service's steps run, the ops server still answers, and says "not ready".
      order.push(`readyz ${(await fetch(`http://127.0.0.1:${port}/readyz`)).status}`);
    });
    expect(await rt.lifecycle.shutdown('test')).toBe(0);
    expect(order).toEqual(['intake', 'readyz 503']);
    expect(codes).toEqual([0]);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
