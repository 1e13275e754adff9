/**
 * A periodic job run by a BullMQ job scheduler (`queue.upsertJobScheduler`; the repeatable API is
 * gone in BullMQ 6). However many instances of a service start, there is one scheduler per id, and
 * each run is processed by exactly one worker. `upsert` is idempotent: a restart with a different
 * interval replaces the schedule instead of adding a second one.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { IpasnError } from '@ipasn/errors';
import type { Logger } from '@ipasn/logger';

export interface PeriodicJobOptions<T> {
  /** A connection for the queue (BullMQ duplicates it for the blocking worker; maxRetriesPerRequest: null). */
  connection: Redis;
  queueName: string;
  /** BullMQ key prefix (tests use a unique one). */
  prefix: string;
  /** The scheduler's id: one schedule per id and queue. */
  schedulerId: string;
  /** Interval between runs, ms. */
  everyMs: number;
  /** The data every run receives. */
  data: T;
  logger: Logger;
  /** Finished runs kept for inspection. */
  keepCompleted?: number;
  keepFailed?: number;
}

export interface PeriodicRun {
  /** `scheduled` for a run of the scheduler, `manual` for `runNow`. */
  trigger: 'scheduled' | 'manual';
  /** When BullMQ created the job (epoch ms). */
  createdAt: number;
}

/** T is plain data (never a Job type): pin BullMQ's name and result parameters. */
type PeriodicQueue<T> = Queue<T, void, string, T, void, string>;

export class PeriodicJob<T> {
  readonly queue: PeriodicQueue<T>;
  readonly #options: PeriodicJobOptions<T>;
  readonly #log: Logger;
  #worker: Worker<T, void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: PeriodicJobOptions<T>) {
    if (!(options.everyMs >= 1)) throw new RangeError(`everyMs must be at least 1, got ${options.everyMs}`);
    this.#options = options;
    this.#log = options.logger.child({ component: 'periodic-job', queue: options.queueName, scheduler: options.schedulerId });
    this.queue = new Queue<T, void, string, T, void, string>(options.queueName, { connection: options.connection, prefix: options.prefix });
  }

  #jobOptions() {
    return {
      removeOnComplete: { count: this.#options.keepCompleted ?? 10 },
      removeOnFail: { count: this.#options.keepFailed ?? 50 },
    };
  }

  /** Creates or replaces the schedule (BullMQ's job scheduler). */
  async upsert(): Promise<void> {
    const { schedulerId, everyMs, data } = this.#options;
    await this.queue.upsertJobScheduler(schedulerId, { every: everyMs }, { name: schedulerId, data, opts: this.#jobOptions() });
  }

  /** Adds one run now, outside the schedule (an operator's "check now"). */
  async runNow(): Promise<void> {
    await this.queue.add(`${this.#options.schedulerId}-manual`, this.#options.data, this.#jobOptions());
  }

  /** When the scheduler's next run is due (epoch ms), or null without a schedule. */
  async nextRunAt(): Promise<number | null> {
    const s = await this.queue.getJobScheduler(this.#options.schedulerId);
    return s?.next ?? null;
  }

  /** Starts processing runs, one at a time. */
  start(handler: (data: T, run: PeriodicRun) => Promise<void>): void {
    if (this.#worker) throw new IpasnError('QUEUE_ALREADY_STARTED', 'periodic job already started');
    const manual = `${this.#options.schedulerId}-manual`;
    this.#worker = new Worker<T, void>(
      this.#options.queueName,
      (job: Job<T, void>) => handler(job.data, { trigger: job.name === manual ? 'manual' : 'scheduled', createdAt: job.timestamp }),
      { connection: this.#options.connection, prefix: this.#options.prefix, concurrency: 1 },
    );
    this.#worker.on('failed', (job, err) => this.#log.warn({ err: { message: err.message }, attempts: job?.attemptsMade }, 'periodic job failed'));
    this.#worker.on('error', (err) => this.#log.error({ err: { message: err.message } }, 'periodic job worker error'));
  }

  /** Removes the schedule (e.g. when a feature is switched off); pending runs are not added again. */
  async remove(): Promise<boolean> {
    return this.queue.removeJobScheduler(this.#options.schedulerId);
  }

  /** Lets a running job finish, then closes worker and queue. The schedule stays in Redis. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#worker?.close();
      await this.queue.close();
    })();
    return this.#closing;
  }
}
