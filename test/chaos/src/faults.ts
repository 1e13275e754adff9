/**
 * Fires the fault plan while the stream flows: each fault waits until the pipeline's progress
 * reaches its point, then a seeded delay, then strikes and waits until every service is ready again.
 */
import { freezeInsideTransaction, sleep } from '@ipasn/e2e';
import type { ServiceHandle } from '@ipasn/e2e';
import { cli } from './cli.js';
import { flushRedis, killBroker, killRedis, redisKeys, redisLoadLog, startBroker, startRedis } from './infra.js';
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
  /** A Redis flush: what it found and how the repair went. */
  flush?: FlushRecord;
}

export interface FlushRecord {
  /** Waited before the flush: for `ipasn publish` to end and the normalizer to drain (not with --flush-mid-publish), and for faults striking the scorer, projector, Redis or broker to recover. */
  waitedMs: number;
  /** When Redis was flushed, ms since the publish started. */
  flushedAtMs: number;
  /** ipasn.events records the scorer had not committed when Redis was flushed: how far mid-stream it was. */
  scorerBacklog: number | undefined;
  keysBefore: number | undefined;
  keysAfter: number | undefined;
  /** From the flush until each normalizer, scorer and projector process answered 503 naming `redis-epoch`. */
  detectMs: Record<string, number>;
  /** Stop normalizer, scorer and projector, `ipasn rebuild`, start them, until ready. */
  repairMs: number;
  rebuildMs: number;
  rebuildExit: number;
  /** The rebuild's summary line. */
  rebuild: string;
}

export interface FaultContext {
  services: ServiceSet;
  t0: number;
  progress: () => Promise<number | undefined>;
  log: (line: string) => void;
  readyTimeoutMs: number;
  /** Settles when `ipasn publish` has exited. */
  publishDone: Promise<unknown>;
  /** For a Redis flush: the environment `ipasn rebuild` runs with (as cli-admin). */
  cliEnv?: Record<string, string>;
  /** For a Redis flush: resolves once the normalizer has processed every ingress message. */
  ingressDrained?: () => Promise<void>;
  /** For a Redis flush: the scorer's backlog on ipasn.events. */
  scorerBacklog?: () => Promise<number | undefined>;
  /** Flush at the planned point even while `ipasn publish` still sends (the dedupe marks are lost with it: see docs/reliability.md). */
  flushMidPublish?: boolean;
}

async function allReady(ctx: FaultContext): Promise<void> {
  await Promise.all(SERVICES.map((s) => ctx.services.untilReady(s, ctx.readyTimeoutMs)));
}

/** Polls a process's /readyz until it answers 503 naming `redis-epoch` (the services check every 10 s). */
async function untilEpochUnready(h: ServiceHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const { status, body } = await h.get('/readyz');
      last = `${status} ${body}`;
      if (status === 503 && (JSON.parse(body) as { failing?: string[] }).failing?.includes('redis-epoch')) return;
    } catch (err) {
      last = (err as Error).message; // restarting, or not answering
    }
    await sleep(250);
  }
  throw new Error(`${h.name} did not report redis-epoch within ${timeoutMs} ms after the flush (last /readyz: ${last})\n${h.tail(30)}`);
}

/** Every service that watches the epoch marker: each stops unready on the flush and is restarted by the repair. */
const REPAIRED: readonly ServiceName[] = ['normalizer', 'scorer', 'projector'];

/**
 * Redis flushed under the running pipeline (FLUSHALL as admin), then what an operator does by the
 * runbook (docs/runbooks.md, "redis-epoch"): see the normalizer, the scorer and the projector
 * unready with `redis-epoch` (asserted: the detection is under test), stop them, `ipasn rebuild`
 * (it restores the normalizer's dedupe marks from ipasn.events), start them. Unless
 * `flushMidPublish`, runFaults waits for `ipasn publish` to end and the normalizer to drain first;
 * with it, the flush takes the dedupe marks while copies of admitted events still come, and the
 * normalizer must drop them all the same (docs/reliability.md). The scorer and the projector are
 * usually still behind then, so the flush hits them mid-stream (the report says how far).
 */
async function flush(ctx: FaultContext, waitedMs: number): Promise<{ detail: string; recoveredMs: number; flush: FlushRecord }> {
  if (!ctx.cliEnv) throw new Error('a Redis flush needs the CLI environment for ipasn rebuild');
  const scorerBacklog = await ctx.scorerBacklog?.();
  const keysBefore = await redisKeys();
  const t = Date.now();
  await flushRedis();
  const keysAfter = await redisKeys();
  const detectMs: Record<string, number> = {};
  await Promise.all(
    REPAIRED.flatMap((name) =>
      ctx.services.handles(name).map(async (h, i) => {
        await untilEpochUnready(h, ctx.readyTimeoutMs);
        detectMs[i === 0 ? name : `${name}-${i + 1}`] = Date.now() - t;
      }),
    ),
  );
  const r = Date.now();
  await ctx.services.hold(REPAIRED);
  const rebuilt = await cli(['rebuild'], ctx.cliEnv);
  const rebuildMs = Date.now() - r;
  const rebuild = rebuilt.out.split('\n').find((l) => l.startsWith('rebuild:')) ?? '';
  if (!rebuild) throw new Error(`ipasn rebuild failed (exit ${rebuilt.code}):\n${rebuilt.out.slice(-2_000)}`);
  await ctx.services.resume(REPAIRED, ctx.readyTimeoutMs);
  const repairMs = Date.now() - r;
  await allReady(ctx);
  const record: FlushRecord = { waitedMs, flushedAtMs: t - ctx.t0, scorerBacklog, keysBefore, keysAfter, detectMs, repairMs, rebuildMs, rebuildExit: rebuilt.code, rebuild };
  const detected = Object.entries(detectMs)
    .map(([n, ms]) => `${n} ${(ms / 1000).toFixed(1)} s`)
    .join(', ');
  const detail =
    `${waitedMs > 0 ? `waited ${(waitedMs / 1000).toFixed(1)} s (publish end, normalizer drained, other faults done); ` : ''}flushed at t=${((t - ctx.t0) / 1000).toFixed(1)} s, scorer ${scorerBacklog ?? '?'} events behind; ` +
    `${keysBefore ?? '?'} keys before, ${keysAfter ?? '?'} after; redis-epoch seen: ${detected}; repaired (stop, ipasn rebuild exit ${rebuilt.code} in ${(rebuildMs / 1000).toFixed(1)} s, start) in ${(repairMs / 1000).toFixed(1)} s`;
  return { detail, recoveredMs: Date.now() - t, flush: record };
}

async function strike(f: Fault, ctx: FaultContext, waitedMs: number): Promise<{ detail: string; recoveredMs: number; flush?: FlushRecord }> {
  if (f.kind === 'flush') return flush(ctx, waitedMs);
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
  // A flush repairs the normalizer, the scorer and the projector with Redis and the broker up: it runs alone among
  // the faults on those (it waits for the ones striking, and they wait for it), without queueing
  // behind their plan order, so that it strikes as soon as it is safe (the scorer still behind).
  let exclusive: Promise<unknown> | undefined;
  const inFlight = new Set<Promise<unknown>>();
  const excludes = (f: Fault): boolean => f.kind !== 'kill' || REPAIRED.includes(f.service);
  const runs = plan.map((f, i) => {
    const target = f.kind === 'kill' ? f.service : f.kind;
    const run = (chains.get(target) ?? Promise.resolve()).then(async () => {
      while (current < f.at) await sleep(250);
      await sleep(f.delayMs);
      // `ipasn publish` does not survive a broker restart (it exits 1, "Connection error: connect
      // ECONNREFUSED", seed 162732672: docs/reliability.md), so the broker dies once everything is
      // sent, while the services' transactions are still open.
      if (f.kind === 'broker') await ctx.publishDone;
      const w = Date.now();
      if (f.kind === 'flush' && !ctx.flushMidPublish) {
        await ctx.publishDone;
        await ctx.ingressDrained?.();
      }
      if (f.kind === 'flush') {
        while (exclusive || inFlight.size > 0) await Promise.allSettled([exclusive, ...inFlight]);
      } else if (excludes(f)) {
        while (exclusive) await exclusive.catch(() => undefined);
      }
      const waitedMs = Date.now() - w;
      const p = current;
      const atMs = Date.now() - ctx.t0;
      ctx.log(`fault ${i + 1}/${plan.length} at ${(atMs / 1000).toFixed(1)} s (progress ${(p * 100).toFixed(1)}%): ${describeFault(f)}`);
      const striking = strike(f, ctx, waitedMs);
      if (f.kind === 'flush') {
        exclusive = striking;
        void striking.catch(() => undefined).finally(() => (exclusive = undefined));
      } else if (excludes(f)) {
        inFlight.add(striking);
        void striking.catch(() => undefined).finally(() => inFlight.delete(striking));
      }
      const r = await striking;
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
