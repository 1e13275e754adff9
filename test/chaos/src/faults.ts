/**
 * Fires the fault plan while the stream flows: each fault waits until the pipeline's progress
 * reaches its point, then a seeded delay, then strikes and waits until every service is ready again.
 */
import { freezeInsideTransaction, sleep } from '@ipasn/e2e';
import { killBroker, killRedis, redisKeys, redisLoadLog, startBroker, startRedis } from './infra.js';
import { describeFault, SERVICES, type Fault, type ServiceName } from './plan.js';
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
  /** Settles when `ipasn publish` has exited. */
  publishDone: Promise<unknown>;
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
    // The normalizer on ipasn.events first; once it has read all its input, the scorer on ipasn.scores.
    let caught: { service: ServiceName; topic: string; partitions: number[] } | undefined;
    let attempts = 0;
    for (const [service, topic] of [['normalizer', 'ipasn.events'], ['scorer', 'ipasn.scores'], ['normalizer', 'ipasn.events'], ['scorer', 'ipasn.scores']] as const) {
      const freeze = await freezeInsideTransaction(ctx.services.handle(service), topic, { timeoutMs: 15_000 });
      attempts += freeze.attempts;
      if (freeze.frozen) {
        caught = { service, topic, partitions: freeze.partitions };
        break;
      }
    }
    const t = Date.now();
    const pid = await killBroker();
    if (caught) ctx.services.handle(caught.service).signal('SIGCONT');
    const open = caught
      ? `killed while the ${caught.service}'s transaction with records on ${caught.topic} partition(s) ${caught.partitions.join(',')} was open`
      : `no open transaction caught in ${attempts} attempts: killed at a random moment`;
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

/**
 * Each fault waits for its own point, so a slow recovery (a restarted consumer waits about a session
 * timeout for the dead member to be evicted) does not push the later faults past the stream's end;
 * faults on the same target (a service, the broker, Redis) still come one after the other.
 */
export async function runFaults(plan: readonly Fault[], ctx: FaultContext): Promise<FaultRecord[]> {
  const done: FaultRecord[] = [];
  let current = 0;
  let finished = false;
  const poller = (async () => {
    while (!finished) {
      current = (await ctx.progress()) ?? current;
      await sleep(500);
    }
  })();
  const chains = new Map<string, Promise<void>>();
  const runs = plan.map((f, i) => {
    const target = f.kind === 'kill' ? f.service : f.kind;
    const run = (chains.get(target) ?? Promise.resolve()).then(async () => {
      while (current < f.at) await sleep(250);
      await sleep(f.delayMs);
      // `ipasn publish` does not survive a broker restart (it exits 1, "Connection error: connect
      // ECONNREFUSED", seed 162732672: docs/reliability.md), so the broker dies once everything is
      // sent, while the services' transactions are still open.
      if (f.kind === 'broker') await ctx.publishDone;
      const p = current;
      const atMs = Date.now() - ctx.t0;
      ctx.log(`fault ${i + 1}/${plan.length} at ${(atMs / 1000).toFixed(1)} s (progress ${(p * 100).toFixed(1)}%): ${describeFault(f)}`);
      const r = await strike(f, ctx);
      ctx.log(`  fault ${i + 1}: ${r.detail}; ready again after ${(r.recoveredMs / 1000).toFixed(1)} s`);
      done.push({ fault: describeFault(f), atMs, progress: p, ...r });
    });
    chains.set(target, run);
    return run;
  });
  try {
    await Promise.all(runs);
  } finally {
    finished = true;
    await poller;
  }
  return done.sort((a, b) => a.atMs - b.atMs);
}
