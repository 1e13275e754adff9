/**
 * Chunked, resumable runs as a BullMQ flow: one parent job per run, one child job per chunk. Chunks
 * retry on their own; a run survives the restart of the workers or of whoever started it (progress
 * is read back from the parent's dependency counts), and finishes when every chunk has.
 */
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { IpasnError } from '@ipasn/errors';
import type { Logger } from '@ipasn/logger';

export interface RunsOptions {
  connection: Redis;
  /** BullMQ key prefix. */
  prefix: string;
  /** Base name: chunks go to `<name>`, runs to `<name>-runs`. */
  name: string;
  logger: Logger;
}

export interface RunProgress {
  id: string;
  state: string;
  total: number;
  done: number;
  failed: number;
  /** The run job's return value (a summary of its chunks) once finished. */
  result: unknown;
}

export class ChunkedRuns<Chunk, RunData, ChunkResult> {
  readonly #options: RunsOptions;
  readonly #flows: FlowProducer;
  readonly #runs: Queue<RunData>;
  readonly #workers: Worker[] = [];
  #closing: Promise<void> | undefined;

  constructor(options: RunsOptions) {
    this.#options = options;
    this.#flows = new FlowProducer({ connection: options.connection, prefix: options.prefix });
    this.#runs = new Queue<RunData>(`${options.name}-runs`, { connection: options.connection, prefix: options.prefix });
  }

  /** Starts a run over the chunks; returns its id. */
  async start(data: RunData, chunks: readonly Chunk[]): Promise<string> {
    const node = await this.#flows.add({
      name: 'run',
      queueName: `${this.#options.name}-runs`,
      data,
      opts: { removeOnComplete: 100, removeOnFail: 100 },
      children: chunks.map((chunk, i) => ({
        name: `chunk-${i}`,
        queueName: this.#options.name,
        data: chunk,
        opts: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false },
      })),
    });
    const id = node.job.id;
    if (!id) throw new IpasnError('QUEUE_NO_ID', 'BullMQ returned a run without an id', { retriable: true });
    return id;
  }

  async progress(id: string): Promise<RunProgress | null> {
    const job = await this.#runs.getJob(id);
    if (!job) return null;
    const counts = await job.getDependenciesCount();
    const done = counts.processed ?? 0;
    const failed = (counts.failed ?? 0) + (counts.ignored ?? 0);
    const total = done + failed + (counts.unprocessed ?? 0);
    return { id, state: await job.getState(), total, done, failed, result: job.returnvalue ?? null };
  }

  /** Processes chunks (and closes runs when all chunks are done) in this process. */
  work(handler: (chunk: Chunk, job: Job<Chunk>) => Promise<ChunkResult>, summarize: (results: ChunkResult[], data: RunData) => unknown, concurrency = 2): void {
    const log = this.#options.logger.child({ component: 'runs', queue: this.#options.name });
    const chunks = new Worker<Chunk, ChunkResult>(this.#options.name, (job) => handler(job.data, job), {
      connection: this.#options.connection,
      prefix: this.#options.prefix,
      concurrency,
    });
    const runs = new Worker<RunData>(
      `${this.#options.name}-runs`,
      async (job) => summarize(Object.values(await job.getChildrenValues<ChunkResult>()), job.data),
      { connection: this.#options.connection, prefix: this.#options.prefix },
    );
    for (const w of [chunks, runs]) {
      w.on('failed', (job, err) => log.warn({ err: { message: err.message }, attempts: job?.attemptsMade }, 'run job failed'));
      w.on('error', (err) => log.error({ err: { message: err.message } }, 'run worker error'));
    }
    this.#workers.push(chunks, runs);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all(this.#workers.map((w) => w.close()));
      await this.#flows.close();
      await this.#runs.close();
    })();
    return this.#closing;
  }
}
