/**
 * Batching for `ipasn publish`. kafkajs does no linger batching, so messages are collected into
 * requests of up to `batchSize` messages (and ~800 KB), and the next batch is filled while the
 * previous one is in flight (one request at a time, as the idempotent producer requires, so the
 * order of each key's messages is the input order).
 */
import type { OutMessage } from '@ipasn/kafka';

export interface MessageSink {
  send(messages: readonly OutMessage[]): Promise<void>;
}

const MAX_REQUEST_BYTES = 800_000;

export class BatchSender {
  #batch: OutMessage[] = [];
  #batchBytes = 0;
  #inFlight: Promise<void> | undefined;
  #failed: Error | undefined;
  #sent = 0;
  #requests = 0;

  constructor(
    private readonly sink: MessageSink,
    private readonly batchSize: number,
    private readonly onSent: (sent: number) => void = () => undefined,
  ) {}

  /** Messages acknowledged by the broker so far. */
  get sent(): number {
    return this.#sent;
  }

  get requests(): number {
    return this.#requests;
  }

  /** Adds a message; waits only when a full batch must wait for the one in flight. */
  async add(message: OutMessage): Promise<void> {
    const size = (message.value?.length ?? 0) + (typeof message.key === 'string' ? message.key.length : 0) + 64;
    if (this.#batch.length > 0 && this.#batchBytes + size > MAX_REQUEST_BYTES) await this.#flush();
    this.#batch.push(message);
    this.#batchBytes += size;
    if (this.#batch.length >= this.batchSize) await this.#flush();
  }

  /** Sends what is left and waits for every request; rethrows the first send failure. */
  async end(): Promise<void> {
    await this.#flush();
    await this.#inFlight;
    this.#check();
  }

  async #flush(): Promise<void> {
    await this.#inFlight;
    this.#check();
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    this.#requests += 1;
    // Failures are kept and rethrown at the next flush: a rejection must never go unhandled.
    this.#inFlight = this.sink.send(batch).then(
      () => {
        this.#sent += batch.length;
        this.onSent(this.#sent);
      },
      (err: unknown) => {
        this.#failed ??= err instanceof Error ? err : new Error(String(err));
      },
    );
  }

  #check(): void {
    if (this.#failed !== undefined) throw this.#failed;
  }
}
