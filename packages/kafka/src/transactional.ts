/**
 * One transactional producer per input partition, with a transactional id derived from it
 * (`<prefix>.<topic>.<partition>`). Whoever processes a partition next — this process after a
 * restart, or another instance after a rebalance — opens the same id, which fences the old
 * producer and aborts its open transaction: the classic (pre-KIP-447) exactly-once scheme, which
 * kafkajs supports.
 */
import { withAdmin } from './admin.js';
import type { KafkaClient } from './client.js';
import { BatchProducer, type ProducerTransaction } from './producer.js';

/** How a chunk's transaction ended. */
export type ChunkCommit = 'committed' | 'committed-unacknowledged';

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

  /**
   * One chunk of one input partition as one transaction of that partition's producer: `work(tx)`
   * sends, then the input offsets (`nextOffset`: the next message to read) are added and the
   * transaction committed. On an error the transaction is aborted, the producer replaced, and the
   * error rethrown: the chunk is replayed. One case is different: a commit that failed after it was
   * sent may have taken effect (the coordinator wrote the commit and its answer was lost in a leader
   * or coordinator change). Replaying such a chunk would write its records a second time. So after
   * a failed commit a new producer with the same transactional id is opened — its initialisation
   * waits until the coordinator has completed or aborted whatever the old one left open — and the
   * group's committed offset decides: at or past `nextOffset`, the chunk committed
   * ('committed-unacknowledged') and must not be replayed; below it, the error is rethrown.
   */
  async commitChunk(groupId: string, topic: string, partition: number, nextOffset: string, work: (tx: ProducerTransaction) => Promise<void>): Promise<ChunkCommit> {
    const tx = await (await this.forPartition(topic, partition)).transaction();
    let committing = false;
    try {
      await work(tx);
      await tx.sendOffsets(groupId, topic, partition, nextOffset);
      committing = true;
      await tx.commit();
      return 'committed';
    } catch (err) {
      await tx.abort().catch(() => undefined);
      // A fenced or broken producer is replaced on the next chunk.
      await this.discard(topic, partition);
      if (committing && (await this.#committedPast(groupId, topic, partition, nextOffset))) return 'committed-unacknowledged';
      throw err;
    }
  }

  /** True when the group's committed offset of the partition is at or past `nextOffset`, once the partition's transactional id is stable again. */
  async #committedPast(groupId: string, topic: string, partition: number, nextOffset: string): Promise<boolean> {
    await this.forPartition(topic, partition);
    const offsets = await withAdmin(this.kafka, (admin) => admin.groupOffsets(groupId, [topic]));
    const committed = offsets.find((o) => o.topic === topic && o.partition === partition)?.offset;
    return committed !== undefined && BigInt(committed) >= BigInt(nextOffset);
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
