/**
 * A service as a child process (`node services/<name>/dist/main.js`), the way production runs it:
 * configured by env, ready when `/readyz` answers 200 on the port it writes to `PORT_FILE`, stopped
 * by SIGTERM (graceful) or SIGKILL (a crash). stdout and stderr go straight to a log file under
 * `test-artifacts/` (the child writes it itself, so nothing is lost when it is killed); the tail is
 * printed when the test fails. Inside a test the process is always killed when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFinished } from './cleanup.js';
import { KAFKA_BROKERS, REDIS_URL, REPO_ROOT, sleep } from './env.js';

export type ServiceName = 'normalizer' | 'scorer' | 'projector' | 'console';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartServiceOptions {
  /** Kill the process when the current test ends (default true; outside a test: call `kill`). */
  cleanup?: boolean;
  /** Folder of the log file; default `test-artifacts/<IPASN_TOPIC_PREFIX without the dot>`. */
  artifactsDir?: string;
}

export interface ServiceHandle {
  readonly name: ServiceName;
  /** The environment the process gets (process.env, the harness defaults, then yours). */
  readonly env: Readonly<Record<string, string>>;
  /** Every start appends here, after a `=== start #n ===` line. */
  readonly logFile: string;
  /** The current (or last) process id. */
  readonly pid: number | undefined;
  /** How many times a process was started. */
  readonly starts: number;
  readonly running: boolean;
  /** Resolves when the current process exits. */
  readonly exited: Promise<ExitInfo>;
  /** Polls `/readyz` through PORT_FILE until 200; fails fast (with the log tail) if the process exits. Returns the port. */
  waitReady(timeoutMs?: number): Promise<number>;
  /** `http://127.0.0.1:<port><path>` (after waitReady). */
  url(path?: string): string;
  /** GET a path of the ops server: status and body text. */
  get(path: string): Promise<{ status: number; body: string }>;
  /** The Prometheus text of `/metrics`. */
  metrics(): Promise<string>;
  /** Sends a signal without waiting (SIGSTOP/SIGCONT freeze and thaw the process). False when not running. */
  signal(signal: NodeJS.Signals): boolean;
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after `timeoutMs`. No-op when not running. */
  kill(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>;
  /** Stops the running process (SIGTERM unless told otherwise), starts a new one with the same env and, by default, waits until it is ready. */
  restart(options?: { signal?: NodeJS.Signals; waitReady?: boolean }): Promise<void>;
  /** The whole log file so far. */
  logs(): string;
  /** The last lines of the log file, framed for an error message. */
  tail(lines?: number): string;
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

/** Last resort: a test runner that dies must not leave services running (nor their temp dirs). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** The entry point of a built service; fails with a hint when it is missing or older than its sources. */
export function serviceMain(name: ServiceName): string {
  const main = join(REPO_ROOT, 'services', name, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build it first (npx turbo run build --filter=@ipasn/${name})`);
  const srcMain = join(REPO_ROOT, 'services', name, 'src', 'main.ts');
  if (existsSync(srcMain) && statSync(srcMain).mtimeMs > statSync(main).mtimeMs + 1000) {
    process.stderr.write(`[e2e] warning: services/${name}/dist is older than src/main.ts: rebuild it\n`);
  }
  return main;
}

class Service implements ServiceHandle {
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  starts = 0;
  #child: ChildProcess | undefined;
  #exited: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });
  #running = false;
  #port: number | undefined;
  readonly #portFile: string;
  readonly #tmp: string;
  readonly #main: string;

  constructor(
    readonly name: ServiceName,
    env: Record<string, string>,
    artifactsDir: string,
  ) {
    this.#main = serviceMain(name);
    mkdirSync(artifactsDir, { recursive: true });
    this.logFile = join(artifactsDir, `${name}.log`);
    this.#tmp = mkdtempSync(join(tmpdir(), `ipasn-e2e-${name}-`));
    tempDirs.add(this.#tmp);
    this.#portFile = env['PORT_FILE'] ?? join(this.#tmp, `${name}.port`);
    this.env = { ...env, PORT_FILE: this.#portFile };
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#running;
  }

  get exited(): Promise<ExitInfo> {
    return this.#exited;
  }

  spawn(): void {
    if (this.#running) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    rmSync(this.#portFile, { force: true });
    this.#port = undefined;
    this.starts += 1;
    const fd = openSync(this.logFile, 'a');
    writeSync(fd, `=== start #${this.starts} ${new Date().toISOString()} ===\n`);
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [this.#main], { cwd: join(REPO_ROOT, 'services', this.name), env: this.env, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
    this.#child = child;
    this.#running = true;
    live.add(child);
    this.#exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        if (this.#child === child) this.#running = false;
        resolve({ code, signal });
      });
      child.once('error', () => {
        live.delete(child);
        if (this.#child === child) this.#running = false;
        resolve({ code: null, signal: null });
      });
    });
  }

  async waitReady(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no port file yet';
    while (Date.now() < deadline) {
      if (!this.#running) {
        const exit = await this.#exited;
        throw new Error(`${this.name} exited (code ${exit.code}, signal ${exit.signal}) before it was ready\n${this.tail()}`);
      }
      this.#readPort();
      if (this.#port !== undefined) {
        try {
          const res = await fetch(this.url('/readyz'), { signal: AbortSignal.timeout(2_000) });
          if (res.status === 200) return this.#port;
          last = `/readyz ${res.status} ${await res.text()}`;
        } catch (err) {
          last = `/readyz: ${(err as Error).message}`;
        }
      }
      await sleep(100);
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms (${last})\n${this.tail()}`);
  }

  url(path = '/'): string {
    if (this.#port === undefined) throw new Error(`${this.name}: port unknown (call waitReady first)`);
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** The bound port from the port file, once the process wrote it (also after a restart nobody waited for). */
  #readPort(): void {
    if (this.#port !== undefined || !existsSync(this.#portFile)) return;
    const text = readFileSync(this.#portFile, 'utf8').trim();
    if (/^\d+$/u.test(text)) this.#port = Number(text);
  }

  async get(path: string): Promise<{ status: number; body: string }> {
    // A process restarted without waitReady (the chaos supervisor's self-exit restarts) is probed too.
    this.#readPort();
    const res = await fetch(this.url(path), { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text() };
  }

  async metrics(): Promise<string> {
    const { status, body } = await this.get('/metrics');
    if (status !== 200) throw new Error(`${this.name} /metrics answered ${status}`);
    return body;
  }

  signal(signal: NodeJS.Signals): boolean {
    return this.#running && this.#child !== undefined && this.#child.kill(signal);
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<ExitInfo> {
    const child = this.#child;
    if (!child || !this.#running) return this.#exited;
    child.kill(signal);
    if (signal !== 'SIGKILL') child.kill('SIGCONT'); // a frozen (SIGSTOP) process must run to handle it
    const timer = setTimeout(() => {
      process.stderr.write(`[e2e] ${this.name} (pid ${child.pid}) ignored ${signal} for ${timeoutMs} ms: SIGKILL\n`);
      child.kill('SIGKILL');
    }, timeoutMs);
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async restart(options: { signal?: NodeJS.Signals; waitReady?: boolean } = {}): Promise<void> {
    await this.kill(options.signal ?? 'SIGTERM');
    this.spawn();
    if (options.waitReady !== false) await this.waitReady();
  }

  logs(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  tail(lines = 60): string {
    const all = this.logs().trimEnd().split('\n');
    return `--- last ${Math.min(lines, all.length)} lines of ${this.logFile} ---\n${all.slice(-lines).join('\n')}\n--- end of ${this.name} log ---`;
  }

  dispose(): void {
    rmSync(this.#tmp, { recursive: true, force: true });
    tempDirs.delete(this.#tmp);
  }
}

/**
 * Starts `services/<name>/dist/main.js` (build it first) with `env` over the harness defaults:
 * KAFKA_BROKERS and REDIS_URL of the test infrastructure, `<NAME>_OPS_PORT=0` (any free port), a
 * PORT_FILE in a temp dir, LOG_LEVEL=info. Does not wait: call `waitReady()`.
 */
/** infra/service-node-options: the V8 options every service runs with (docs/benchmarks.md, "Memory"). */
export const SERVICE_NODE_OPTIONS = readFileSync(join(REPO_ROOT, 'infra', 'service-node-options'), 'utf8').trim();

export async function startService(name: ServiceName, env: Record<string, string | undefined> = {}, options: StartServiceOptions = {}): Promise<ServiceHandle> {
  installExitHook();
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith('VITEST') && k !== 'IPASN_STATE_DIR' && k !== 'PORT_FILE'),
  ) as Record<string, string>;
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const full: Record<string, string> = {
    ...inherited,
    // The V8 options every service runs with, as `npm run up` and the image start them.
    NODE_OPTIONS: [SERVICE_NODE_OPTIONS, inherited['NODE_OPTIONS']].filter(Boolean).join(' '),
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    REDIS_URL,
    LOG_LEVEL: 'info',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    [`${name.toUpperCase()}_OPS_PORT`]: '0',
    ...given,
  };
  const ns = (full['IPASN_TOPIC_PREFIX'] ?? '').replace(/\.$/u, '') || 'default';
  const service = new Service(name, full, options.artifactsDir ?? join(REPO_ROOT, 'test-artifacts', ns));
  if (options.cleanup !== false) {
    await onFinished(async (failed) => {
      if (failed) process.stderr.write(`\n[e2e] ${name} log (test failed):\n${service.tail()}\n`);
      // SIGTERM first so that the member leaves its group (which can then be deleted); SIGKILL after 10 s.
      await service.kill('SIGTERM', 10_000);
      service.dispose();
    });
  }
  service.spawn();
  return service;
}
