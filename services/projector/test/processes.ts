/**
 * Real service processes (`node services/<name>/dist/main.js`) for the end-to-end tests: started
 * with a private environment, ready when `/readyz` answers 200, stopped with SIGTERM (the graceful
 * path) and checked for a clean exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export class ServiceProcess {
  readonly output: string[] = [];
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #exited: Promise<number | null>;
  #port: number | undefined;

  constructor(
    readonly name: 'scorer' | 'projector',
    env: Record<string, string>,
  ) {
    this.#dir = mkdtempSync(join(tmpdir(), `ipasn-${name}-`));
    const portVar = name === 'scorer' ? 'SCORER_OPS_PORT' : 'PROJECTOR_OPS_PORT';
    this.#child = spawn(process.execPath, [join(ROOT, 'services', name, 'dist', 'main.js')], {
      env: { PATH: process.env['PATH'] ?? '', ...credentials(), [portVar]: '0', PORT_FILE: join(this.#dir, 'port'), LOG_LEVEL: process.env['TEST_SERVICE_LOG_LEVEL'] ?? 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stdout?.on('data', (b: Buffer) => this.output.push(b.toString()));
    this.#child.stderr?.on('data', (b: Buffer) => this.output.push(b.toString()));
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async ready(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited early:\n${this.output.join('')}`);
      try {
        // The file can be read while it is being written: take a port only once it parses.
        const port = Number(readFileSync(join(this.#dir, 'port'), 'utf8'));
        if (!(port > 0)) throw new Error('no port yet');
        this.#port = port;
        const res = await fetch(`http://127.0.0.1:${this.#port}/readyz`);
        if (res.status === 200) return this.#port;
        last = `${res.status} ${await res.text()}`;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms (/readyz: ${last}):\n${this.output.join('')}`);
  }

  async get(path: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`http://127.0.0.1:${this.#port ?? (await this.ready())}${path}`);
    return { status: res.status, body: await res.text() };
  }

  /** SIGTERM and wait; resolves to the exit code. Safe to call twice. */
  async stop(): Promise<number | null> {
    if (this.running) this.#child.kill('SIGTERM');
    const code = await this.#exited;
    rmSync(this.#dir, { recursive: true, force: true });
    return code;
  }
}

/** The harness's Kafka and Redis credentials (npm test exports the admin's), passed to the service. */
function credentials(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => /^(KAFKA_(SASL|SSL)_|REDIS_(USERNAME|PASSWORD))/u.test(e[0]) && e[1] !== undefined),
  );
}
