/**
 * Every request's accepted events go through one idempotent producer (acks=all). kafkajs's
 * idempotent producer wants one request in flight (concurrent sends break its sequence numbers),
 * and one send per HTTP request would cap the gateway at one round trip per request. So requests
 * queue their messages; while a send is in flight the queue fills, and the next send takes
 * everything queued at once (a linger that costs nothing when idle). Each request's promise
 * settles when the send that carried its messages is acknowledged.
 *
 * A request waits at most `timeoutMs`: then it gets GATEWAY_UNAVAILABLE (503, retriable). Messages
 * still queued are withdrawn (never sent); messages already in flight may still reach the broker —
 * the client's retry then makes a second copy, which the normalizer drops on (source, id).
 */
import type { OutMessage } from '@ipasn/kafka';
import { GatewayError } from './errors.js';

export interface MessageSink {
  send(messages: readonly OutMessage[]): Promise<void>;
}

interface Pending {
  messages: readonly OutMessage[];
  settle: (err?: Error) => void;
  withdrawn: boolean;
}

export class ProduceQueue {
  #queue: Pending[] = [];
  #running = false;

  constructor(
    private readonly sink: MessageSink,
    private readonly options: { timeoutMs: number; maxMessagesPerSend: number },
  ) {}

  /** Messages waiting for a send (for readiness and tests). */
  get queued(): number {
    return this.#queue.reduce((n, p) => n + p.messages.length, 0);
  }

  /** Resolves once the broker acknowledged every message (acks=all); GATEWAY_UNAVAILABLE otherwise. */
  send(messages: readonly OutMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        pending.withdrawn = true;
        finish(new GatewayError('GATEWAY_UNAVAILABLE', `the broker did not acknowledge within ${this.options.timeoutMs} ms: nothing is guaranteed stored; send the same events again`, { retriable: true }));
      }, this.options.timeoutMs);
      const finish = (err?: Error): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const pending: Pending = { messages, settle: finish, withdrawn: false };
      this.#queue.push(pending);
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#drain().finally(() => {
      this.#running = false;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    for (;;) {
      this.#queue = this.#queue.filter((p) => !p.withdrawn);
      if (this.#queue.length === 0) return;
      const batch: Pending[] = [];
      let count = 0;
      while (this.#queue.length > 0 && (batch.length === 0 || count + this.#queue[0]!.messages.length <= this.options.maxMessagesPerSend)) {
        const p = this.#queue.shift()!;
        batch.push(p);
        count += p.messages.length;
      }
      try {
        await this.sink.send(batch.flatMap((p) => p.messages));
        for (const p of batch) p.settle();
      } catch (err) {
        const cause = err instanceof Error ? err : new Error(String(err));
        const failure = new GatewayError('GATEWAY_UNAVAILABLE', 'the broker refused or lost the events: nothing is guaranteed stored; send the same events again', { cause, retriable: true });
        for (const p of batch) p.settle(failure);
      }
    }
  }
}
