/**
 * The short chaos variant of the test suite (docs/reliability.md): `npm run chaos` with 100,000
 * events and 7 faults — one SIGKILL of each service (the console included), one of the Kafka broker
 * while a transaction is open, one of Redis, and one Redis flush (`--flush-redis`: the normalizer, the
 * scorer and the projector must report `redis-epoch`, then the runbook's repair: stop them,
 * `ipasn rebuild`, start them) — on its OWN broker and Redis (test/chaos/chaos.sh: its
 * own state dir and ports, KAFKA_PORT + 100 and REDIS_PORT + 100 unless CHAOS_* say otherwise), never
 * the shared test broker the other tests use. The run's report must count 0 mismatches: nothing lost,
 * nothing doubled, every reject with its reason, scores equal to `ipasn score`, ipasn verify at 0.
 * CHAOS_CI_EVENTS and CHAOS_SEED change the size and the seed (the seed is printed either way).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@ipasn/e2e';

const EVENTS = Number(process.env['CHAOS_CI_EVENTS'] ?? 100_000);
const MINUTES = 60_000;

interface Report {
  seed: number;
  faults: {
    fault: string;
    detail: string;
    flush?: { keysBefore?: number; keysAfter?: number; detectMs: Record<string, number>; rebuildExit: number; scorerBacklog?: number };
  }[];
  eventsCheck: { records: number; unique: number; declared: number; duplicates: number; aborted: number };
  dlqCheck: { records: number; duplicates: number; wrongReason: number; missing: number };
  scoresCheck: { compared: number; mismatches: number };
  verify: { exitCode: number };
  consoleReady: boolean;
  mismatches: number;
}

describe('chaos, short variant (own broker and Redis)', () => {
  it(`${EVENTS} events through 4 service SIGKILLs, a broker SIGKILL inside a transaction, a Redis SIGKILL and a Redis flush: 0 mismatches`, async () => {
    const stateDir = join(REPO_ROOT, '.local', 'chaos-ci');
    const reportFile = join(stateDir, 'ci-report.json');
    const args = ['test/chaos/chaos.sh', '--events', String(EVENTS), '--kills', '4', '--min-per-service', '1', '--flush-redis', '--json', reportFile];
    if (process.env['CHAOS_SEED']) args.push('--seed', process.env['CHAOS_SEED']);
    const kafkaPort = Number(process.env['KAFKA_PORT'] ?? 19_092) + 100;
    const redisPort = Number(process.env['REDIS_PORT'] ?? 16_379) + 100;
    const env = {
      ...process.env,
      CHAOS_SKIP_BUILD: '1',
      CHAOS_STATE_DIR: stateDir,
      CHAOS_KAFKA_PORT: process.env['CHAOS_KAFKA_PORT'] ?? String(kafkaPort),
      CHAOS_REDIS_PORT: process.env['CHAOS_REDIS_PORT'] ?? String(redisPort),
    };
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn('bash', args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const take = (d: Buffer): void => {
        output += d.toString();
        process.stderr.write(d);
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.once('error', reject);
      child.once('exit', (c) => resolve({ code: c, output }));
    });
    expect(code, output.slice(-4_000)).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    expect(report.faults.map((f) => f.fault).sort()).toEqual(['FLUSHALL Redis', 'SIGKILL Redis', 'SIGKILL console', 'SIGKILL normalizer', 'SIGKILL projector', 'SIGKILL scorer', 'SIGKILL the Kafka broker']);
    // The flush emptied Redis, the three services saw it (redis-epoch), and the rebuild succeeded.
    const flush = report.faults.find((f) => f.fault === 'FLUSHALL Redis')?.flush;
    expect(flush?.keysBefore).toBeGreaterThan(0);
    expect(flush?.keysAfter).toBeLessThan(flush!.keysBefore!);
    expect(Object.keys(flush!.detectMs).sort()).toEqual(['normalizer', 'projector', 'scorer']);
    expect(flush?.rebuildExit).toBe(0);
    expect(report.verify.exitCode).toBe(0);
    expect(report.eventsCheck.records).toBeGreaterThan(0.9 * EVENTS);
    expect(report.eventsCheck.unique).toBe(report.eventsCheck.declared);
    expect(report.eventsCheck.duplicates).toBe(0);
    expect(report.dlqCheck.records).toBeGreaterThan(0);
    expect([report.dlqCheck.duplicates, report.dlqCheck.wrongReason, report.dlqCheck.missing]).toEqual([0, 0, 0]);
    expect(report.scoresCheck.compared).toBeGreaterThan(0);
    expect(report.scoresCheck.mismatches).toBe(0);
    expect(report.consoleReady).toBe(true);
    expect(report.mismatches).toBe(0);
  }, 40 * MINUTES);
});
