/**
 * A typed batch producer. kafkajs does no linger batching of its own, so callers hand it many
 * messages at once and it sends them in as few requests as the topics' size limits allow
 * (`sendBatch`, grouped by topic).
 *
 * Splitting by bytes: kafkajs puts every message of one partition in one request into one record
 * batch, and the broker refuses a batch over the topic's `max.message.bytes` (MESSAGE_TOO_LARGE) —
 * inside a transaction that aborts it, and the same chunk fails again on every replay. So each
 * request carries, per topic, at most the topic's limit in (exactly computed, uncompressed) batch
 * bytes; a single record over the limit is a clear error before anything is sent, never a silent drop.
 */
import { IpasnError } from '@ipasn/errors';
import kafkajs, { type Message, type Producer, type Transaction } from 'kafkajs';
import type { KafkaClient } from './client.js';
import { rawOf } from './internal.js';
import type { OutMessage } from './types.js';

const { CompressionTypes } = kafkajs;
type CompressionTypes = (typeof CompressionTypes)[keyof typeof CompressionTypes];

/**
 * `max.message.bytes` of the topics in infra/topics/topics.json (a test keeps them equal), and the
 * broker's default `message.max.bytes` for every other topic. Matched on the name's end, so
 * namespaced test copies (`t1a2b3c4d.ipasn.dlq`) get the same limits.
 */
export const TOPIC_BYTE_LIMITS = {
  /** Agency ingress topics: room for a 64 KiB event, its key and headers, and for an oversized one to be dead-lettered. */
  ingress: 131_072,
  /** ipasn.dlq: above the largest dead letter an ingress record at the ingress limit can give. */
  dlq: 262_144,
  /** Kafka's default `message.max.bytes` (1 MiB + 12), in force where a topic sets nothing. */
  broker: 1_048_588,
} as const;

const INGRESS_TOPIC = /(?:^|\.)ipasn\.ingress\.[^.]+$/u;
const DLQ_TOPIC = /(?:^|\.)ipasn\.dlq$/u;

/** The byte limit of one record batch on `topic` (its `max.message.bytes`). */
export function topicByteLimit(topic: string): number {
  if (INGRESS_TOPIC.test(topic)) return TOPIC_BYTE_LIMITS.ingress;
  if (DLQ_TOPIC.test(topic)) return TOPIC_BYTE_LIMITS.dlq;
  return TOPIC_BYTE_LIMITS.broker;
}

export interface BatchProducerOptions {
  /** Idempotent producer (acks=-1, one request in flight); default true. */
  idempotent?: boolean;
  /** A transactional id makes the producer transactional (exactly-once consume-transform-produce). */
  transactionalId?: string;
  compression?: 'none' | 'gzip';
  transactionTimeout?: number;
  /** Record-batch byte limit per topic (its `max.message.bytes`); default `topicByteLimit`. */
  maxBatchBytes?: number | ((topic: string) => number);
}

/** A record that cannot be sent at all: alone it is over its topic's limit. Not retriable. */
export class RecordTooLargeError extends IpasnError {
  override name = 'RecordTooLargeError';
  constructor(
    readonly topic: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    // Sizes and the topic only: keys and values may hold personal data.
    super('KAFKA_RECORD_TOO_LARGE', `a record of ${bytes} batch bytes for ${topic} is over the topic's limit of ${limit} (max.message.bytes): nothing was sent`, {
      retriable: false,
    });
  }
}

/** Kafka's v2 record batch header: base offset, length, leader epoch, magic, CRC, attributes, last offset delta, two timestamps, producer id and epoch, base sequence, count. */
export const RECORD_BATCH_OVERHEAD = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;

/** Bytes of a zigzag varint (Kafka's varint and varlong). */
function varintBytes(n: number): number {
  let z = n >= 0 ? 2 * n : -2 * n - 1;
  let size = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    size++;
  }
  return size;
}

function lengthPrefixed(v: Buffer | string | null): number {
  if (v === null) return varintBytes(-1);
  const n = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
  return varintBytes(n) + n;
}

/**
 * Exact bytes of one record in a v2 batch, uncompressed, as kafkajs writes it: no per-message
 * timestamps (kafkajs stamps a whole batch with one time, so every timestamp delta is 0) and this
 * record's offset delta within its batch.
 */
export function recordBytes(m: Pick<OutMessage, 'key' | 'value' | 'headers'>, offsetDelta = 0): number {
  const headers = Object.entries(m.headers ?? {});
  let body = 1 + varintBytes(0) + varintBytes(offsetDelta) + lengthPrefixed(m.key) + lengthPrefixed(m.value) + varintBytes(headers.length);
  for (const [k, v] of headers) body += lengthPrefixed(k) + lengthPrefixed(v);
  return varintBytes(body) + body;
}

/**
 * gzip can make incompressible data a little larger: its header and trailer, and deflate's 5 bytes
 * per stored block (at most 16 KiB each, zlib's default). Added to the uncompressed size.
 */
function gzipSlack(bytes: number): number {
  return 18 + 5 * Math.ceil(bytes / 16_384);
}

/**
 * The requests to send `messages` in: a list of per-topic groups where each topic's part is at most
 * its limit in batch bytes (so every partition's batch is too), in order; request i carries the i-th
 * part of every topic. Throws RecordTooLargeError when one record alone exceeds its topic's limit.
 */
export function planRequests(messages: readonly OutMessage[], limitOf: (topic: string) => number, compression: 'none' | 'gzip' = 'none'): { topic: string; messages: OutMessage[] }[][] {
  const size = (records: number) => (compression === 'gzip' ? records + gzipSlack(records) : records);
  const parts = new Map<string, OutMessage[][]>();
  const used = new Map<string, number>();
  for (const m of messages) {
    const limit = limitOf(m.topic);
    const alone = RECORD_BATCH_OVERHEAD + size(recordBytes(m, 0));
    if (alone > limit) throw new RecordTooLargeError(m.topic, alone, limit);
    let chunks = parts.get(m.topic);
    if (!chunks) parts.set(m.topic, (chunks = [[]]));
    let current = chunks[chunks.length - 1]!;
    let records = used.get(m.topic) ?? 0;
    let bytes = recordBytes(m, current.length);
    if (current.length > 0 && RECORD_BATCH_OVERHEAD + size(records + bytes) > limit) {
      chunks.push((current = []));
      records = 0;
      bytes = recordBytes(m, 0);
    }
    current.push(m);
    used.set(m.topic, records + bytes);
  }
  const requests: { topic: string; messages: OutMessage[] }[][] = [];
  for (const [topic, chunks] of parts) {
    chunks.forEach((chunk, i) => (requests[i] ??= []).push({ topic, messages: chunk }));
  }
  return requests;
}

function toKafkajs(group: { topic: string; messages: OutMessage[] }): { topic: string; messages: Message[] } {
  return {
    topic: group.topic,
    messages: group.messages.map((m) => {
      const msg: Message = { key: m.key, value: m.value };
      if (m.headers) msg.headers = m.headers;
      if (m.partition !== undefined) msg.partition = m.partition;
      return msg;
    }),
  };
}

type Limits = (topic: string) => number;

function limitsOf(option: BatchProducerOptions['maxBatchBytes']): Limits {
  if (option === undefined) return topicByteLimit;
  if (typeof option === 'number') return () => option;
  return option;
}

/** Sends `messages` request by request (in order: a partition's records never overtake each other). */
async function sendPlanned(
  send: (topicMessages: { topic: string; messages: Message[] }[]) => Promise<unknown>,
  messages: readonly OutMessage[],
  limits: Limits,
  compression: 'none' | 'gzip',
): Promise<void> {
  // Planned in full before the first send: a record that is too large fails the call before anything goes out.
  for (const request of planRequests(messages, limits, compression)) await send(request.map(toKafkajs));
}

export class BatchProducer {
  readonly #producer: Producer;
  readonly #compression: CompressionTypes;
  readonly #gzip: boolean;
  readonly #limits: Limits;
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
    this.#gzip = options.compression === 'gzip';
    this.#compression = this.#gzip ? CompressionTypes.GZIP : CompressionTypes.None;
    this.#limits = limitsOf(options.maxBatchBytes);
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    await this.#producer.connect();
    this.#connected = true;
  }

  /**
   * Sends every message (acks=-1) in requests within the topics' byte limits; resolves when the
   * broker has them all. RecordTooLargeError, before anything is sent, when one record alone is over
   * its topic's limit.
   */
  async send(messages: readonly OutMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await sendPlanned((topicMessages) => this.#producer.sendBatch({ acks: -1, compression: this.#compression, topicMessages }), messages, this.#limits, this.#gzip ? 'gzip' : 'none');
  }

  /** Begins a transaction (transactional producers only). */
  async transaction(): Promise<ProducerTransaction> {
    return new ProducerTransaction(await this.#producer.transaction(), this.#compression, this.#limits);
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
  readonly #limits: Limits;

  /** @internal */
  constructor(tx: Transaction, compression: CompressionTypes, limits: Limits) {
    this.#tx = tx;
    this.#compression = compression;
    this.#limits = limits;
  }

  /** As `BatchProducer.send`, inside the transaction: every request of one call commits or aborts together. */
  async send(messages: readonly OutMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const gzip = this.#compression === CompressionTypes.GZIP;
    await sendPlanned((topicMessages) => this.#tx.sendBatch({ acks: -1, compression: this.#compression, topicMessages }), messages, this.#limits, gzip ? 'gzip' : 'none');
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
