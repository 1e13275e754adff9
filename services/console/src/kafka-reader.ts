/**
 * Reads messages at chosen offsets for the console (the DLQ view pages backwards by offsets;
 * redrive re-reads the rejects it re-publishes), through @ipasn/kafka's range reads. Reads are
 * serialized, so a burst of requests costs one short-lived consumer at a time, and bounded in time:
 * a page that is not read through within the deadline comes back partial.
 */
import { collectRange, withAdmin, type InMessage, type KafkaClient } from '@ipasn/kafka';

export interface ReadRequest {
  topic: string;
  partition: number;
  /** First offset to read. */
  from: number;
  /** One past the last offset to read. */
  to: number;
  /** Stop this partition after this many messages. */
  limit?: number;
}

export interface ReadResult {
  request: ReadRequest;
  messages: InMessage[];
  /** False when the deadline passed before the range was read through. */
  complete: boolean;
}

export interface PartitionOffsets {
  partition: number;
  low: number;
  high: number;
}

export class KafkaReader {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kafka: KafkaClient,
    private readonly groupPrefix: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Low and high watermarks of every partition of a topic. */
  async offsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await withAdmin(this.kafka, (admin) => admin.topicOffsets(topic));
    return offsets.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }));
  }

  /** Reads every request's range (one consumer for all); one read at a time per reader. */
  read(requests: readonly ReadRequest[]): Promise<ReadResult[]> {
    const run = this.#queue.then(async () => {
      const results = await collectRange(this.kafka, requests, { groupPrefix: this.groupPrefix, timeoutMs: this.timeoutMs, partial: true, stallTimeoutMs: this.timeoutMs });
      return results.map((r) => ({ request: r.request as ReadRequest, messages: r.messages, complete: r.complete }));
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
