/**
 * One transactional producer per input partition, with a transactional id derived from it
 * (`<prefix>.<topic>.<partition>`). Whoever processes a partition next — this process after a
 * restart, or another instance after a rebalance — opens the same id, which fences the old
 * producer and aborts its open transaction: the classic (pre-KIP-447) exactly-once scheme, which
 * kafkajs supports.
 */
import type { KafkaClient } from './client.js';
import { BatchProducer } from './producer.js';

export class TransactionalProducers {
  readonly #producers = new Map<string, Promise<BatchProducer>>();

  constructor(
    private readonly kafka: KafkaClient,
    private readonly idPrefix: string,
  ) {}

  forPartition(topic: string, partition: number): Promise<BatchProducer> {
    const id = `${this.idPrefix}.${topic}.${partition}`;
    let p = this.#producers.get(id);
    if (!p) {
      p = (async () => {
        const producer = new BatchProducer(this.kafka, { transactionalId: id });
        await producer.connect();
        return producer;
      })();
      p.catch(() => this.#producers.delete(id));
      this.#producers.set(id, p);
    }
    return p;
  }

  async discard(topic: string, partition: number): Promise<void> {
    const id = `${this.idPrefix}.${topic}.${partition}`;
    const p = this.#producers.get(id);
    this.#producers.delete(id);
    if (p) await (await p).close().catch(() => undefined);
  }

  /** Closes the producers of partitions this member no longer owns. */
  async retain(assignment: Record<string, number[]>): Promise<void> {
    const keep = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => `${this.idPrefix}.${t}.${p}`)));
    const drop = [...this.#producers.keys()].filter((id) => !keep.has(id));
    await Promise.all(
      drop.map(async (id) => {
        const p = this.#producers.get(id);
        this.#producers.delete(id);
        if (p) await (await p).close().catch(() => undefined);
      }),
    );
  }

  async closeAll(): Promise<void> {
    const all = [...this.#producers.values()];
    this.#producers.clear();
    await Promise.all(all.map(async (p) => (await p).close().catch(() => undefined)));
  }
}
