/**
 * A typed batch producer. kafkajs does no linger batching of its own, so callers hand it many
 * messages at once and it sends one request per call (`sendBatch`, grouped by topic).
 */
import kafkajs, { type Message, type Producer, type Transaction } from 'kafkajs';
import type { KafkaClient } from './client.js';
import { rawOf } from './internal.js';
import type { OutMessage } from './types.js';

const { CompressionTypes } = kafkajs;
type CompressionTypes = (typeof CompressionTypes)[keyof typeof CompressionTypes];

export interface BatchProducerOptions {
  /** Idempotent producer (acks=-1, one request in flight); default true. */
  idempotent?: boolean;
  /** A transactional id makes the producer transactional (exactly-once consume-transform-produce). */
  transactionalId?: string;
  compression?: 'none' | 'gzip';
  transactionTimeout?: number;
}

function groupByTopic(messages: readonly OutMessage[]): { topic: string; messages: Message[] }[] {
  const byTopic = new Map<string, Message[]>();
  for (const m of messages) {
    let list = byTopic.get(m.topic);
    if (!list) byTopic.set(m.topic, (list = []));
    const msg: Message = { key: m.key, value: m.value };
    if (m.headers) msg.headers = m.headers;
    if (m.partition !== undefined) msg.partition = m.partition;
    list.push(msg);
  }
  return [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
}

export class BatchProducer {
  readonly #producer: Producer;
  readonly #compression: CompressionTypes;
  #connected = false;
  #closing: Promise<void> | undefined;

  constructor(kafka: KafkaClient, options: BatchProducerOptions = {}) {
    const idempotent = options.idempotent ?? true;
    this.#producer = rawOf(kafka).producer({
      idempotent: idempotent || options.transactionalId !== undefined,
      maxInFlightRequests: idempotent || options.transactionalId ? 1 : 5,
      allowAutoTopicCreation: false,
      ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
      transactionTimeout: options.transactionTimeout ?? 60_000,
      // An idempotent producer must not give up on a retriable error (kafkajs warns otherwise).
      ...(idempotent || options.transactionalId ? { retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 } } : {}),
    });
    this.#compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    await this.#producer.connect();
    this.#connected = true;
  }

  /** Sends every message (acks=-1); resolves when the broker has them all. */
  async send(messages: readonly OutMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.#producer.sendBatch({ acks: -1, compression: this.#compression, topicMessages: groupByTopic(messages) });
  }

  /** Begins a transaction (transactional producers only). */
  async transaction(): Promise<ProducerTransaction> {
    return new ProducerTransaction(await this.#producer.transaction(), this.#compression);
  }

  /** Idempotent: a second call returns the first call's promise. */
  close(): Promise<void> {
    this.#closing ??= this.#producer.disconnect().finally(() => {
      this.#connected = false;
    });
    return this.#closing;
  }
}

export class ProducerTransaction {
  readonly #tx: Transaction;
  readonly #compression: CompressionTypes;

  /** @internal */
  constructor(tx: Transaction, compression: CompressionTypes) {
    this.#tx = tx;
    this.#compression = compression;
  }

  async send(messages: readonly OutMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.#tx.sendBatch({ acks: -1, compression: this.#compression, topicMessages: groupByTopic(messages) });
  }

  /** Adds the consumer offsets to the transaction (offset = the next message to read). */
  async sendOffsets(groupId: string, topic: string, partition: number, nextOffset: string): Promise<void> {
    await this.#tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }] });
  }

  commit(): Promise<void> {
    return this.#tx.commit();
  }

  abort(): Promise<void> {
    return this.#tx.abort();
  }
}
