/**
 * The four services as child processes, each as its own Kafka principal and Redis user exactly as
 * `npm run up` starts them (infra/scripts/up.sh), under a supervisor: a process that exits without
 * being killed by the harness (a service giving up while the broker or Redis is away) is started
 * again after a second, as systemd or Kubernetes would, and the report lists it.
 */
import { join } from 'node:path';
import { sleep, startService, type ServiceHandle } from '@ipasn/e2e';
import { SERVICES, type ServiceName } from './plan.js';

export interface SelfExit {
  service: ServiceName;
  atMs: number;
  code: number | null;
  signal: string | null;
}

/** The operators' principal for `ipasn verify` and `ipasn rebuild` (Kafka `cli-admin`, Redis `cli`), evaluation date pinned. */
export function cliAdminEnv(secrets: string, asOf: string): Record<string, string> {
  return {
    KAFKA_SASL_USERNAME: 'cli-admin',
    KAFKA_SASL_PASSWORD_FILE: join(secrets, 'kafka', 'users', 'cli-admin.password'),
    REDIS_USERNAME: 'cli',
    REDIS_PASSWORD_FILE: join(secrets, 'redis', 'cli.password'),
    SCORING_AS_OF: asOf,
  };
}

function principalEnv(name: ServiceName, secrets: string): Record<string, string> {
  const env: Record<string, string> = {
    KAFKA_SASL_USERNAME: name,
    KAFKA_SASL_PASSWORD_FILE: join(secrets, 'kafka', 'users', `${name}.password`),
    KAFKA_SSL_CA_FILE: join(secrets, 'kafka', 'ca.pem'),
    REDIS_USERNAME: name,
    REDIS_PASSWORD_FILE: join(secrets, 'redis', `${name}.password`),
  };
  if (name === 'console') {
    Object.assign(env, {
      CONSOLE_PORT: '0',
      CONSOLE_REDIS_USERNAME: 'console',
      CONSOLE_REDIS_PASSWORD_FILE: join(secrets, 'redis', 'console.password'),
      CONSOLE_USERS_FILE: join(secrets, 'console', 'users.json'),
      CONSOLE_SESSION_SECRET_FILE: join(secrets, 'console', 'session-secret'),
    });
  }
  return env;
}

class Supervised {
  /** True while the harness itself kills and restarts the process. */
  killing = false;
  stopped = false;

  constructor(
    readonly handle: ServiceHandle,
    private readonly set: ServiceSet,
  ) {}

  async watch(): Promise<void> {
    for (;;) {
      const exit = await this.handle.exited;
      if (this.stopped) return;
      if (this.killing || this.handle.running) {
        await sleep(200);
        continue;
      }
      this.set.selfExits.push({ service: this.handle.name, atMs: Date.now() - this.set.t0, code: exit.code, signal: exit.signal });
      await sleep(1_000);
      if (!this.stopped && !this.killing && !this.handle.running) await this.handle.restart({ waitReady: false });
    }
  }
}

export class ServiceSet {
  readonly selfExits: SelfExit[] = [];
  /** Self-exit times are counted from here (main sets it to the publish's start). */
  t0 = Date.now();
  readonly #services = new Map<ServiceName, Supervised>();
  /** Further instances of the stream services (`--instances N`): supervised, never killed by the plan. */
  readonly #extras: Supervised[] = [];

  /**
   * Starts every service (env: the run's topic/Redis settings) and waits until each is ready. With
   * `instances` > 1 the normalizer, scorer and projector run that many processes each, sharing
   * their consumer group's partitions (logs of instance i under `<logDir>/<i>/`); the fault plan
   * kills the first one, whose partitions the others take over during the rebalance.
   */
  static async start(env: Record<string, string>, secrets: string, logDir: string, instances = 1): Promise<ServiceSet> {
    const set = new ServiceSet();
    for (const name of SERVICES) {
      const handle = await startService(name, { ...env, ...principalEnv(name, secrets) }, { cleanup: false, artifactsDir: logDir });
      const s = new Supervised(handle, set);
      set.#services.set(name, s);
      void s.watch();
      if (name === 'console') continue;
      for (let i = 2; i <= instances; i++) {
        const extra = new Supervised(await startService(name, { ...env, ...principalEnv(name, secrets) }, { cleanup: false, artifactsDir: join(logDir, String(i)) }), set);
        set.#extras.push(extra);
        void extra.watch();
      }
    }
    await Promise.all([...SERVICES.map((name) => set.untilReady(name, 180_000)), ...set.#extras.map((e) => e.handle.waitReady(180_000))]);
    return set;
  }

  /** How many processes run per stream service. */
  get instances(): number {
    return 1 + this.#extras.length / 3;
  }

  handle(name: ServiceName): ServiceHandle {
    const s = this.#services.get(name);
    if (!s) throw new Error(`no ${name}`);
    return s.handle;
  }

  /**
   * Waits until the service answers /readyz with 200, across exits (the supervisor restarts it).
   * Returns the milliseconds it took.
   */
  async untilReady(name: ServiceName, timeoutMs: number): Promise<number> {
    const t = Date.now();
    const deadline = t + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        await this.handle(name).waitReady(Math.max(1_000, deadline - Date.now()));
        return Date.now() - t;
      } catch (err) {
        last = (err as Error).message.split('\n')[0] ?? '';
        await sleep(500);
      }
    }
    throw new Error(`${name} not ready after ${timeoutMs} ms (${last})\n${this.handle(name).tail(30)}`);
  }

  /** SIGKILL, restart at once, wait until ready: the milliseconds from the kill to ready. */
  async crash(name: ServiceName, readyTimeoutMs: number): Promise<{ pid: number | undefined; readyMs: number }> {
    const s = this.#services.get(name)!;
    const pid = s.handle.pid;
    s.killing = true;
    const t = Date.now();
    try {
      await s.handle.kill('SIGKILL');
      await s.handle.restart({ waitReady: false });
    } finally {
      s.killing = false;
    }
    await this.untilReady(name, readyTimeoutMs);
    return { pid, readyMs: Date.now() - t };
  }

  /** Every process of these services (extra instances included). */
  #all(names: readonly ServiceName[]): Supervised[] {
    return [...names.map((n) => this.#services.get(n)!), ...this.#extras.filter((e) => names.includes(e.handle.name))];
  }

  /** An operator's stop (SIGTERM) of every process of these services; the supervisor leaves them stopped until `resume`. */
  async hold(names: readonly ServiceName[]): Promise<void> {
    const all = this.#all(names);
    for (const s of all) s.killing = true;
    await Promise.all(all.map((s) => s.handle.kill('SIGTERM', 60_000)));
  }

  /** Starts every process of these services again (after `hold`) and waits until each is ready; the milliseconds it took. */
  async resume(names: readonly ServiceName[], readyTimeoutMs: number): Promise<number> {
    const t = Date.now();
    const all = this.#all(names);
    try {
      for (const s of all) await s.handle.restart({ waitReady: false });
    } finally {
      for (const s of all) s.killing = false;
    }
    await Promise.all([...names.map((n) => this.untilReady(n, readyTimeoutMs)), ...this.#extras.filter((e) => names.includes(e.handle.name)).map((e) => e.handle.waitReady(readyTimeoutMs))]);
    return Date.now() - t;
  }

  /** Every process of the service, the first one first (for probing /readyz). */
  handles(name: ServiceName): ServiceHandle[] {
    return this.#all([name]).map((s) => s.handle);
  }

  /** Every service still running (none gave up for good). */
  get running(): ServiceName[] {
    return SERVICES.filter((n) => this.handle(n).running);
  }

  /** Every extra instance still running. */
  get extrasRunning(): number {
    return this.#extras.filter((e) => e.handle.running).length;
  }

  async stop(): Promise<void> {
    const all = [...this.#services.values(), ...this.#extras];
    for (const s of all) s.stopped = true;
    await Promise.all(all.map((s) => s.handle.kill('SIGTERM', 20_000)));
  }
}
