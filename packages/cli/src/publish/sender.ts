/**
 * Batching for `ipasn publish`. kafkajs does no linger batching, so messages are collected into
 * requests of up to `batchSize` messages (and ~800 KB), and the next batch is filled while the
 * previous one is in flight (one request at a time, as the idempotent producer requires, so the
 * order of each key's messages is the input order).
 *
 * A broker outage does not end a publish: a batch that failed on a connection loss (kafkajs gives up
 * reconnecting after its client retry budget, about 25 s) is sent again, with backoff, for up to
 * `outageMs`. A batch sent twice is harmless: the normalizer keeps the first copy of each (source,
 * id) and drops the other (events.md, Duplicates).
 *
 * Tracing (@ipasn/tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT or IPASN_TRACES_FILE is set): each
 * message gets a PRODUCER span `send <topic>` whose context goes into its `traceparent` header, so
 * every event starts its own trace; the spans end when the broker acknowledged their request.
 * Off: no span, no header.
 */
import { isRetriable } from '@ipasn/errors';
import type { OutMessage } from '@ipasn/kafka';
import { endSpans, startSendSpan, type Span } from '@ipasn/tracing';

export interface SendRetry {
  /** How long a run of connection failures may last before the publish fails; default 5 minutes. */
  outageMs?: number;
  /** Told before each new attempt (a warning for the user). */
  onRetry?: (err: Error, attempt: number, waitMs: number) => void;
  /** Injected in tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** A connection loss worth another attempt: a retriable error, or kafkajs's retries exhausted on one. */
export function isOutage(err: unknown): boolean {
  if (isRetriable(err)) return true;
  const e = err as { name?: unknown; cause?: unknown; originalError?: unknown } | null;
  if (e && (e.name === 'KafkaJSNumberOfRetriesExceeded' || e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSRequestTimeoutError')) return true;
  return e?.cause !== undefined && e.cause !== err ? isOutage(e.cause) : false;
}

export interface MessageSink {
  send(messages: readonly OutMessage[]): Promise<void>;
}

const MAX_REQUEST_BYTES = 800_000;

export class BatchSender {
  #batch: OutMessage[] = [];
  #spans: Span[] = [];
  #batchBytes = 0;
  #inFlight: Promise<void> | undefined;
  #failed: Error | undefined;
  #sent = 0;
  #requests = 0;

  constructor(
    private readonly sink: MessageSink,
    private readonly batchSize: number,
    private readonly onSent: (sent: number) => void = () => undefined,
    private readonly retry: SendRetry = {},
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
    const span = startSendSpan(message);
    if (span) this.#spans.push(span);
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
    const spans = this.#spans;
    this.#batch = [];
    this.#spans = [];
    this.#batchBytes = 0;
    this.#requests += 1;
    // Failures are kept and rethrown at the next flush: a rejection must never go unhandled.
    this.#inFlight = this.#sendPatiently(batch).then(
      () => {
        endSpans(spans);
        this.#sent += batch.length;
        this.onSent(this.#sent);
      },
      (err: unknown) => {
        endSpans(spans, err);
        this.#failed ??= err instanceof Error ? err : new Error(String(err));
      },
    );
  }

  async #sendPatiently(batch: readonly OutMessage[]): Promise<void> {
    const now = this.retry.now ?? Date.now;
    const sleep = this.retry.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const outageMs = this.retry.outageMs ?? 300_000;
    let since: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sink.send(batch);
        return;
      } catch (err) {
        since ??= now();
        if (!isOutage(err) || now() - since >= outageMs) throw err;
        const waitMs = Math.min(10_000, 500 * 2 ** Math.min(attempt - 1, 5));
        this.retry.onRetry?.(err instanceof Error ? err : new Error(String(err)), attempt, waitMs);
        await sleep(waitMs);
      }
    }
  }

  #check(): void {
    if (this.#failed !== undefined) throw this.#failed;
  }
}
