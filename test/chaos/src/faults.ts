/**
 * Fires the fault plan while the stream flows: each fault waits until the pipeline's progress
 * reaches its point, then a seeded delay, then strikes and waits until every service is ready again.
 */
import { freezeInsideTransaction, sleep } from '@ipasn/e2e';
import { killBroker, killRedis, redisKeys, redisLoadLog, startBroker, startRedis } from './infra.js';
import { describeFault, SERVICES, type Fault } from './plan.js';
import type { ServiceSet } from './services.js';

export interface FaultRecord {
  fault: string;
  /** Milliseconds since the publish started. */
  atMs: number;
  progress: number;
  detail: string;
  /** From the kill until every service (for a service kill: that service) answered /readyz again. */
  recoveredMs: number;
}

export interface FaultContext {
  services: ServiceSet;
  t0: number;
  progress: () => Promise<number | undefined>;
  log: (line: string) => void;
  readyTimeoutMs: number;
}

async function allReady(ctx: FaultContext): Promise<void> {
  await Promise.all(SERVICES.map((s) => ctx.services.untilReady(s, ctx.readyTimeoutMs)));
}

async function strike(f: Fault, ctx: FaultContext): Promise<{ detail: string; recoveredMs: number }> {
  if (f.kind === 'kill') {
    const r = await ctx.services.crash(f.service, ctx.readyTimeoutMs);
    return { detail: `pid ${r.pid}; restarted`, recoveredMs: r.readyMs };
  }
  if (f.kind === 'broker') {
    // Frozen (SIGSTOP) right after a transaction's records reached ipasn.events and before its
    // commit, so the broker dies with that transaction provably open.
    const normalizer = ctx.services.handle('normalizer');
    const freeze = await freezeInsideTransaction(normalizer, 'ipasn.events', { timeoutMs: 60_000 });
    const t = Date.now();
    const pid = await killBroker();
    if (freeze.frozen) normalizer.signal('SIGCONT');
    const open = freeze.frozen
      ? `killed while the normalizer's transaction with records on ipasn.events partition(s) ${freeze.partitions.join(',')} was open`
      : `no open transaction caught in ${freeze.attempts} attempts: killed at a random moment`;
    await startBroker();
    const upMs = Date.now() - t;
    await allReady(ctx);
    return { detail: `pid ${pid}; ${open}; broker back after ${(upMs / 1000).toFixed(1)} s`, recoveredMs: Date.now() - t };
  }
  const before = await redisKeys();
  const t = Date.now();
  const pid = await killRedis();
  await startRedis();
  const upMs = Date.now() - t;
  const after = await redisKeys();
  await allReady(ctx);
  const loaded = redisLoadLog().join(' | ');
  return { detail: `pid ${pid}; ${before} keys before the kill, ${after} after the restart (AOF); back after ${(upMs / 1000).toFixed(1)} s${loaded ? `; log: ${loaded}` : ''}`, recoveredMs: Date.now() - t };
}

export async function runFaults(plan: readonly Fault[], ctx: FaultContext): Promise<FaultRecord[]> {
  const done: FaultRecord[] = [];
  for (const [i, f] of plan.entries()) {
    let p = 0;
    for (;;) {
      p = (await ctx.progress()) ?? p;
      if (p >= f.at) break;
      await sleep(500);
    }
    await sleep(f.delayMs);
    const atMs = Date.now() - ctx.t0;
    ctx.log(`fault ${i + 1}/${plan.length} at ${(atMs / 1000).toFixed(1)} s (progress ${(p * 100).toFixed(1)}%): ${describeFault(f)}`);
    const r = await strike(f, ctx);
    ctx.log(`  ${r.detail}; ready again after ${(r.recoveredMs / 1000).toFixed(1)} s`);
    done.push({ fault: describeFault(f), atMs, progress: p, ...r });
  }
  return done;
}
