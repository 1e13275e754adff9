/**
 * One transactional producer per input partition, with a transactional id derived from it
 * (`<prefix>.<topic>.<partition>`). Whoever processes a partition next — this process after a
 * restart, or another instance after a rebalance — opens the same id, which fences the old
 * producer and aborts its open transaction: the classic (pre-KIP-447) exactly-once scheme, which
 * kafkajs supports.
 */
import { IpasnError } from '@ipasn/errors';
import { withAdmin } from './admin.js';
import type { KafkaClient } from './client.js';
import { BatchProducer, type ProducerTransaction } from './producer.js';

/** kafkajs protocol errors of a producer whose sequence numbers or epoch no longer match the broker's. */
const PRODUCER_STATE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'INVALID_PRODUCER_EPOCH', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_ID_MAPPING', 'INVALID_TXN_STATE']);

/**
 * How a chunk ended: committed; committed although the commit's answer was lost; or nothing to do,
 * because an earlier transaction (another handler of the same partition) had committed all of it.
 */
export type ChunkCommit = 'committed' | 'committed-unacknowledged' | 'already-committed';

export class TransactionalProducers {
  readonly #producers = new Map<string, Promise<BatchProducer>>();
  /** Per `topic/partition`: the chunk in hand (commitChunk runs one chunk of a partition at a time). */
  readonly #locks = new Map<string, Promise<void>>();
  /** Per `topic/partition`: the offset after the last chunk this process committed. */
  readonly #done = new Map<string, bigint>();

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
   * One chunk of one input partition as one transaction of that partition's producer. Chunks of one
   * partition run one at a time (a lock per partition), and a chunk skips the messages below the
   * offset this process last committed for the partition: `work(tx, fresh)` gets only the others.
   * Both matter when kafkajs restarts a crashed consumer while a handler of the old one is still
   * committing (seen when a partition leader dies while the other brokers go on): the new consumer
   * resumes from the committed offset it read, and without the lock and the skip the two handlers
   * would interleave one producer's transactions and write the same records twice. (Between
   * processes the transactional id fences: whoever opens it aborts what the previous owner left.)
   * The records `work` sends and the offset after the chunk's last message commit together. On an
   * error the transaction is aborted, the producer replaced and the error rethrown: the chunk is
   * replayed. A commit that failed after it was sent may still have taken effect (its answer lost
   * in a coordinator change): a new producer with the same transactional id is opened — its
   * initialisation waits until the coordinator has completed or aborted what the old one left — and
   * the group's committed offset decides ('committed-unacknowledged', not replayed) or the error is
   * rethrown.
   */
  async commitChunk<M extends { offset: string }>(groupId: string, topic: string, partition: number, messages: readonly M[], work: (tx: ProducerTransaction, fresh: readonly M[]) => Promise<void>): Promise<ChunkCommit> {
    const key = `${topic}/${partition}`;
    const previous = this.#locks.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const chain = previous.then(() => mine);
    this.#locks.set(key, chain);
    await previous;
    try {
      return await this.#commit(key, groupId, topic, partition, messages, work);
    } finally {
      release();
      if (this.#locks.get(key) === chain) this.#locks.delete(key);
    }
  }

  async #commit<M extends { offset: string }>(key: string, groupId: string, topic: string, partition: number, messages: readonly M[], work: (tx: ProducerTransaction, fresh: readonly M[]) => Promise<void>): Promise<ChunkCommit> {
    const last = messages.at(-1);
    if (!last) return 'already-committed';
    const nextOffset = BigInt(last.offset) + 1n;
    let done = this.#done.get(key);
    if (done === undefined) {
      // This process's first chunk of the partition: the consumer's committed offset may be stale
      // (kafkajs cannot ask for a stable one: a transaction of the previous owner may still be
      // committing its offsets). Opening the producer settles that transaction (its initialisation
      // waits for it or aborts it); the committed offset read after that is the real one.
      await this.forPartition(topic, partition);
      done = (await this.#committedOffset(groupId, topic, partition)) ?? 0n;
      this.#done.set(key, done);
    }
    const floor = done;
    const fresh = messages.filter((m) => BigInt(m.offset) >= floor);
    if (fresh.length === 0) return 'already-committed';
    const tx = await (await this.forPartition(topic, partition)).transaction();
    let committing = false;
    try {
      await work(tx, fresh);
      await tx.sendOffsets(groupId, topic, partition, nextOffset.toString());
      committing = true;
      await tx.commit();
      this.#done.set(key, nextOffset);
      return 'committed';
    } catch (err) {
      await tx.abort().catch(() => undefined);
      // A fenced or broken producer is replaced on the next chunk.
      await this.discard(topic, partition);
      if (committing && (await this.#committedPast(groupId, topic, partition, nextOffset).catch(() => false))) {
        this.#done.set(key, nextOffset);
        return 'committed-unacknowledged';
      }
      // The producer's own state went wrong (a leader change can leave its sequence numbers or
      // epoch behind the broker's): the producer is replaced above, so the chunk can be tried again.
      const type = (err as { type?: unknown }).type;
      if (typeof type === 'string' && PRODUCER_STATE_ERRORS.has(type)) throw new IpasnError('KAFKA_PRODUCER_RESET', `transaction failed (${type}); the producer was replaced`, { retriable: true, cause: err });
      throw err;
    }
  }

  /** True when the group's committed offset of the partition is at or past `nextOffset`, once the partition's transactional id is settled again. */
  async #committedPast(groupId: string, topic: string, partition: number, nextOffset: bigint): Promise<boolean> {
    await this.forPartition(topic, partition);
    const committed = await this.#committedOffset(groupId, topic, partition);
    return committed !== null && committed >= nextOffset;
  }

  /** The group's committed offset of the partition (the next record to read), null when none. */
  async #committedOffset(groupId: string, topic: string, partition: number): Promise<bigint | null> {
    const offsets = await withAdmin(this.kafka, (admin) => admin.groupOffsets(groupId, [topic]));
    const o = offsets.find((x) => x.topic === topic && x.partition === partition)?.offset;
    return o === undefined || BigInt(o) < 0n ? null : BigInt(o);
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
    // A partition that comes back later starts from whatever offset its next owner committed.
    const owned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`)));
    for (const key of [...this.#done.keys()]) if (!owned.has(key)) this.#done.delete(key);
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
