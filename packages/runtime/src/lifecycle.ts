/**
 * Ordered, idempotent, time-bounded shutdown (style.md): stop intake → drain in-flight → commit
 * offsets → flush producer → close queues → quit Redis → flush logs. Each service registers its
 * steps in that order; `shutdown()` runs them one after another, and a deadline timer races it.
 */
import type { Logger } from '@ipasn/logger';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

export interface LifecycleOptions {
  logger: Logger;
  /** Past this the process exits non-zero even if a step hangs. */
  timeoutMs: number;
  /** Called with the exit code once shutdown ends; `process.exit` by default (tests inject). */
  exit?: (code: number) => void;
}

export class Lifecycle {
  readonly #steps: ShutdownStep[] = [];
  readonly #final: ShutdownStep[] = [];
  readonly #log: Logger;
  readonly #options: LifecycleOptions;
  #done: Promise<number> | undefined;

  constructor(options: LifecycleOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'lifecycle' });
  }

  /** Adds a step; steps run in the order they were added. */
  onShutdown(name: string, run: ShutdownStep['run']): this {
    this.#steps.push({ name, run });
    return this;
  }

  /** Adds a step that runs after every `onShutdown` step (connections, the ops server), in the order added. */
  onFinally(name: string, run: ShutdownStep['run']): this {
    this.#final.push({ name, run });
    return this;
  }

  get shuttingDown(): boolean {
    return this.#done !== undefined;
  }

  /**
   * Runs every step once, in order; a failing step is logged and the next one still runs. Safe to
   * call twice: every caller gets the first call's promise. Resolves to the exit code.
   */
  shutdown(reason: string, code = 0): Promise<number> {
    this.#done ??= this.#run(reason, code);
    return this.#done;
  }

  async #run(reason: string, code: number): Promise<number> {
    this.#log.info({ reason }, 'shutting down');
    let exitCode = code;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#options.timeoutMs);
      timer.unref();
    });
    const steps = (async () => {
      for (const step of [...this.#steps, ...this.#final]) {
        const t0 = performance.now();
        try {
          await step.run();
          this.#log.info({ step: step.name, ms: Math.round(performance.now() - t0) }, 'shutdown step done');
        } catch (err) {
          exitCode = 1;
          this.#log.error({ step: step.name, err }, 'shutdown step failed');
        }
      }
      return 'done' as const;
    })();
    const outcome = await Promise.race([steps, deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.#log.error({ timeoutMs: this.#options.timeoutMs }, 'shutdown deadline passed');
      exitCode = 1;
    }
    this.#log.flush();
    (this.#options.exit ?? ((c: number) => process.exit(c)))(exitCode);
    return exitCode;
  }

  /**
   * SIGTERM/SIGINT start a graceful shutdown; an uncaught exception or unhandled rejection is
   * logged and ends the process non-zero after cleanup — never carried on from.
   */
  installSignalHandlers(): this {
    const graceful = (signal: string) => void this.shutdown(signal);
    process.once('SIGTERM', graceful);
    process.once('SIGINT', graceful);
    const fatal = (err: unknown) => {
      this.#log.fatal({ err }, 'fatal error');
      void this.shutdown('fatal error', 1);
    };
    process.on('uncaughtException', fatal);
    process.on('unhandledRejection', fatal);
    return this;
  }
}
