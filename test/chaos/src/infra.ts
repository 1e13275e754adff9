/**
 * The chaos run's own Kafka broker and Redis (started by chaos.sh under their own state dir and
 * ports): SIGKILL by pid file, restart with the project's own start scripts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, sleep, testRedis } from '@ipasn/e2e';

export const STATE_DIR = process.env['IPASN_STATE_DIR'] ?? join(REPO_ROOT, '.local', 'chaos');

function pidOf(file: string): number {
  const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (!/^\d+$/u.test(text)) throw new Error(`no pid in ${file}: is the chaos infrastructure up?`);
  return Number(text);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs the process named by a pid file and waits until it is gone. */
async function killHard(pidFile: string): Promise<number> {
  const pid = pidOf(pidFile);
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(20);
  return pid;
}

/** Runs one of the project's scripts with this process's environment; rejects with its output on failure. */
export function runScript(script: string, args: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(REPO_ROOT, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}:\n${out.slice(-2_000)}`))));
  });
}

export const kafkaPidFile = (): string => join(STATE_DIR, 'kafka', 'kafka.pid');
export const redisPidFile = (): string => join(STATE_DIR, 'redis', 'redis.pid');

export async function killBroker(): Promise<number> {
  return killHard(kafkaPidFile());
}

export async function startBroker(): Promise<void> {
  await runScript('infra/kafka/start.sh');
}

export async function killRedis(): Promise<number> {
  return killHard(redisPidFile());
}

export async function startRedis(): Promise<void> {
  await runScript('infra/redis/start.sh');
}

/** DBSIZE as the admin user; undefined when Redis does not answer. */
export async function redisKeys(): Promise<number | undefined> {
  const redis = testRedis();
  try {
    return await Promise.race([redis.dbsize(), sleep(5_000).then(() => undefined)]);
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** FLUSHALL as the admin user: Redis as if it came back empty (every key of every user gone). */
export async function flushRedis(): Promise<void> {
  const redis = testRedis();
  try {
    await redis.flushall();
  } finally {
    redis.disconnect();
  }
}

/** What Redis logged about loading its data at its last start (the AOF lines). */
export function redisLoadLog(): string[] {
  const file = join(STATE_DIR, 'redis', 'redis.log');
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const lastStart = lines.findLastIndex((l) => /Server initialized/u.test(l));
  return lines.slice(Math.max(0, lastStart)).filter((l) => /append ?only|AOF|DB loaded|keys/iu.test(l)).map((l) => l.replace(/^\d+:\w+ /u, '').trim()).slice(0, 6);
}
