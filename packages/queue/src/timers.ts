/**
 * One delayed job per key (the scorer's per-employee timer, design.md "Time-driven changes").
 * BullMQ deduplication keyed by the employee does the replacing: while the job is delayed a new
 * schedule replaces it (`replace`); while it is running the new schedule is kept and created when
 * the running one finishes (`keepLastIfActive`) — so a tick may reschedule itself.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { IpasnError } from '@ipasn/errors';
import type { Logger } from '@ipasn/logger';

export interface TimerJob {
  key: string;
  /** When it is due (epoch ms). */
  dueAt: number;
}

export interface KeyedTimersOptions {
  /** A connection for the queue (BullMQ duplicates it for the blocking worker). */
  connection: Redis;
  queueName: string;
  /** BullMQ key prefix (tests use a unique one). */
  prefix: string;
  logger: Logger;
  /** The clock the delays are measured against (injected in tests). */
  now?: () => number;
}

export class KeyedTimers {
  readonly queue: Queue<TimerJob>;
  readonly #options: KeyedTimersOptions;
  #worker: Worker<TimerJob> | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: KeyedTimersOptions) {
    this.#options = options;
    this.queue = new Queue<TimerJob>(options.queueName, { connection: options.connection, prefix: options.prefix });
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /** The deduplication id of a key (BullMQ ids must not contain ':'). */
  static timerId(key: string): string {
    return `t-${key.replace(/:/gu, '_')}`;
  }

  /** Sets or replaces the timer of each key; `dueAt: null` cancels it. */
  async schedule(entries: readonly { key: string; dueAt: number | null }[]): Promise<void> {
    const now = this.#now();
    const adds = entries.filter((e): e is TimerJob => e.dueAt !== null);
    const cancels = entries.filter((e) => e.dueAt === null);
    if (adds.length > 0) {
      await this.queue.addBulk(
        adds.map((e) => ({
          name: 'tick',
          data: { key: e.key, dueAt: e.dueAt },
          opts: {
            delay: Math.max(0, e.dueAt - now),
            deduplication: { id: KeyedTimers.timerId(e.key), replace: true, keepLastIfActive: true },
            removeOnComplete: true,
            removeOnFail: 1000,
            attempts: 5,
            backoff: { type: 'exponential', delay: 500 },
          },
        })),
      );
    }
    for (const e of cancels) {
      const jobId = await this.queue.getDeduplicationJobId(KeyedTimers.timerId(e.key));
      if (jobId) {
        const job = await this.queue.getJob(jobId);
        if (job && (await job.isDelayed())) await job.remove();
      }
    }
  }

  /** When the key's pending timer is due, or null. */
  async dueAt(key: string): Promise<number | null> {
    const jobId = await this.queue.getDeduplicationJobId(KeyedTimers.timerId(key));
    if (!jobId) return null;
    const job = await this.queue.getJob(jobId);
    if (!job || !(await job.isDelayed())) return null;
    return job.data.dueAt;
  }

  /** Starts processing due timers; the handler may call `schedule` for the same key. */
  start(handler: (job: TimerJob) => Promise<void>, concurrency = 4): void {
    if (this.#worker) throw new IpasnError('QUEUE_ALREADY_STARTED', 'timers already started');
    const log = this.#options.logger.child({ component: 'timers', queue: this.#options.queueName });
    this.#worker = new Worker<TimerJob>(this.#options.queueName, (job: Job<TimerJob>) => handler(job.data), {
      connection: this.#options.connection,
      prefix: this.#options.prefix,
      concurrency,
    });
    this.#worker.on('failed', (job, err) => log.warn({ err: { message: err.message }, attempts: job?.attemptsMade }, 'timer job failed'));
    this.#worker.on('error', (err) => log.error({ err: { message: err.message } }, 'timer worker error'));
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('delayed', 'waiting', 'active', 'failed');
  }

  /** Lets running jobs finish, then closes worker and queue. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#worker?.close();
      await this.queue.close();
    })();
    return this.#closing;
  }
}
