/**
 * BatchProducer splits sends by bytes (design.md, Security "Bounded input"): one request never
 * carries more than a topic's `max.message.bytes` per topic, so no batch is refused; a single record
 * over the limit is a clear error before anything is sent. The size arithmetic is checked against
 * kafkajs's own encoder, and the limits against the real broker.
 */
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  applyTopics,
  BatchProducer,
  collectRange,
  planRequests,
  readTopicFile,
  RECORD_BATCH_OVERHEAD,
  recordBytes,
  RecordTooLargeError,
  TOPIC_BYTE_LIMITS,
  topicByteLimit,
  withAdmin,
  type OutMessage,
} from '../src/index.js';
import { test } from './fixtures.js';

// kafkajs's own record and batch encoders: an independent check of the exact sizes.
const require = createRequire(import.meta.url);
type Encoded = { size(): number };
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: { offsetDelta: number; timestampDelta: number; key: unknown; value: unknown; headers?: unknown }) => Encoded;
const { RecordBatch: kafkajsBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (b: { records: Encoded[]; lastOffsetDelta: number }) => Promise<Encoded> };

async function encodedBatchBytes(messages: readonly OutMessage[]): Promise<number> {
  const records = messages.map((m, i) => kafkajsRecord({ offsetDelta: i, timestampDelta: 0, key: m.key, value: m.value, headers: m.headers ?? {} }));
  return (await kafkajsBatch({ records, lastOffsetDelta: records.length - 1 })).size();
}

const msg = (topic: string, valueBytes: number, key: string | null = '198501012010011001', headers?: Record<string, string>): OutMessage => ({
  topic,
  key,
  value: Buffer.alloc(valueBytes, 0x61),
  ...(headers ? { headers } : {}),
});

/** A record whose batch alone is exactly `batchBytes` (value length solved for, varints included). */
function recordOfBatchBytes(topic: string, batchBytes: number, key = '198501012010011001'): OutMessage {
  let n = batchBytes - RECORD_BATCH_OVERHEAD;
  while (RECORD_BATCH_OVERHEAD + recordBytes(msg(topic, n, key)) > batchBytes) n--;
  const m = msg(topic, n, key);
  expect(RECORD_BATCH_OVERHEAD + recordBytes(m)).toBe(batchBytes);
  return m;
}

describe('record and batch sizes', () => {
  it.each([
    ['empty value, null key', msg('t', 0, null)],
    ['small', msg('t', 10)],
    ['value length at a varint boundary (63/64)', msg('t', 63)],
    ['value length 8191/8192', msg('t', 8192)],
    ['near 64 KiB', msg('t', 65_530)],
    ['headers, string key', msg('t', 300, 'k', { ce_id: 'x/1/2', ipasn_reason: 'MALFORMED', ce_time: new Date(0).toISOString() })],
    ['null value', { topic: 't', key: 'k', value: null }],
  ] as const)('recordBytes is exactly what kafkajs encodes: %s', async (_name, m) => {
    expect(RECORD_BATCH_OVERHEAD + recordBytes(m)).toBe(await encodedBatchBytes([m]));
  });

  it('a batch of many records is exactly the overhead plus each record at its offset delta', async () => {
    const messages = Array.from({ length: 300 }, (_, i) => msg('t', (i * 37) % 500, i % 3 === 0 ? null : `k${i}`));
    const planned = RECORD_BATCH_OVERHEAD + messages.reduce((n, m, i) => n + recordBytes(m, i), 0);
    expect(planned).toBe(await encodedBatchBytes(messages));
  });
});

describe('planRequests (splitting by bytes)', () => {
  const limit = 10_000;

  it('keeps everything in one request while it fits', () => {
    const messages = Array.from({ length: 20 }, () => msg('a', 100));
    expect(planRequests(messages, () => limit)).toEqual([[{ topic: 'a', messages }]]);
  });

  it('splits a topic into parts of at most its limit, every message once and in order', async () => {
    const messages = Array.from({ length: 200 }, (_, i) => msg('a', 150 + (i % 7) * 40, `k${i % 5}`));
    const requests = planRequests(messages, () => limit);
    expect(requests.length).toBeGreaterThan(1);
    const sent = requests.flatMap((r) => r.flatMap((g) => g.messages));
    expect(sent).toEqual(messages);
    for (const r of requests) {
      expect(r).toHaveLength(1);
      expect(await encodedBatchBytes(r[0]!.messages)).toBeLessThanOrEqual(limit);
    }
    // Parts are filled: the next message would not have fitted into the previous part.
    for (let i = 1; i < requests.length; i++) {
      const prev = requests[i - 1]![0]!.messages;
      expect(await encodedBatchBytes([...prev, requests[i]![0]!.messages[0]!])).toBeGreaterThan(limit);
    }
  });

  it('applies each topic its own limit; request i carries the i-th part of every topic', async () => {
    const limits: Record<string, number> = { small: 2_000, large: 50_000 };
    const messages = Array.from({ length: 60 }, (_, i) => msg(i % 2 === 0 ? 'small' : 'large', 200));
    const requests = planRequests(messages, (t) => limits[t]!);
    for (const r of requests) {
      expect(new Set(r.map((g) => g.topic)).size).toBe(r.length);
      for (const g of r) expect(await encodedBatchBytes(g.messages)).toBeLessThanOrEqual(limits[g.topic]!);
    }
    expect(requests[0]!.map((g) => g.topic)).toEqual(['small', 'large']);
    expect(requests.slice(1).every((r) => r.every((g) => g.topic === 'small'))).toBe(true);
    for (const t of ['small', 'large']) {
      expect(requests.flatMap((r) => r.filter((g) => g.topic === t).flatMap((g) => g.messages))).toEqual(messages.filter((m) => m.topic === t));
    }
  });

  it('accepts a record whose batch is exactly the limit, and refuses one byte more with a clear error', () => {
    const at = recordOfBatchBytes('a', limit);
    expect(planRequests([at], () => limit)).toEqual([[{ topic: 'a', messages: [at] }]]);
    const over = recordOfBatchBytes('a', limit + 1);
    let err: unknown;
    try {
      planRequests([msg('a', 10), over], () => limit);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RecordTooLargeError);
    expect(err).toMatchObject({ code: 'KAFKA_RECORD_TOO_LARGE', retriable: false, topic: 'a', bytes: limit + 1, limit });
    // Sizes and topic only: the message never holds the key or the value.
    expect((err as Error).message).not.toContain('198501012010011001');
  });

  it('leaves room for gzip growing incompressible data', () => {
    const at = recordOfBatchBytes('a', limit);
    expect(() => planRequests([at], () => limit, 'gzip')).toThrow(RecordTooLargeError);
    expect(planRequests([msg('a', 9_000)], () => limit, 'gzip')).toHaveLength(1);
  });
});

describe('topic limits', () => {
  it('match max.message.bytes in infra/topics/topics.json, namespaced or not', async () => {
    const file = await readTopicFile();
    expect(Number(file.ingress.config['max.message.bytes'])).toBe(TOPIC_BYTE_LIMITS.ingress);
    const dlq = file.topics.find((t) => t.name === 'ipasn.dlq');
    expect(Number(dlq?.config['max.message.bytes'])).toBe(TOPIC_BYTE_LIMITS.dlq);
    // Ingress below the DLQ (design.md): a reject always fits where it goes.
    expect(TOPIC_BYTE_LIMITS.ingress).toBeLessThan(TOPIC_BYTE_LIMITS.dlq);
    for (const t of file.topics.filter((t) => t.name !== 'ipasn.dlq')) {
      expect(t.config['max.message.bytes'], `${t.name} sets no limit of its own (the broker's applies)`).toBeUndefined();
      expect(topicByteLimit(t.name)).toBe(TOPIC_BYTE_LIMITS.broker);
    }
    expect(topicByteLimit('ipasn.ingress.3004')).toBe(TOPIC_BYTE_LIMITS.ingress);
    expect(topicByteLimit('t1a2b3c4d.ipasn.ingress.3004')).toBe(TOPIC_BYTE_LIMITS.ingress);
    expect(topicByteLimit('t1a2b3c4d.ipasn.dlq')).toBe(TOPIC_BYTE_LIMITS.dlq);
    expect(topicByteLimit('t1a2b3c4d.ipasn.events')).toBe(TOPIC_BYTE_LIMITS.broker);
  });
});

describe('BatchProducer on the real broker', () => {
  const LIMIT = 20_000;

  async function limitedTopic(kafka: Parameters<typeof applyTopics>[0]): Promise<string> {
    const name = `test-${randomUUID()}`;
    await applyTopics(kafka, [{ name, partitions: 1, config: { 'max.message.bytes': String(LIMIT) } }]);
    return name;
  }

  async function count(kafka: Parameters<typeof applyTopics>[0], topic: string): Promise<number> {
    const offsets = await withAdmin(kafka, (admin) => admin.topicOffsets(topic));
    return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  }

  test('sends a record at max.message.bytes, refuses one byte more before sending, and splits a send far over the limit', async ({ kafka, onTestFinished }) => {
    const topic = await limitedTopic(kafka);
    onTestFinished(() => withAdmin(kafka, (admin) => admin.deleteTopics([topic])));
    const producer = new BatchProducer(kafka, { maxBatchBytes: LIMIT });
    await producer.connect();
    onTestFinished(() => producer.close());

    const at = recordOfBatchBytes(topic, LIMIT);
    await producer.send([at]);
    expect(await count(kafka, topic)).toBe(1);

    await expect(producer.send([msg(topic, 10), recordOfBatchBytes(topic, LIMIT + 1)])).rejects.toBeInstanceOf(RecordTooLargeError);
    expect(await count(kafka, topic), 'nothing of a refused call was sent').toBe(1);

    // 50 records of ~3 KB on one key (one partition): 150 KB, 7.5 times the limit.
    const many = Array.from({ length: 50 }, (_, i) => ({ ...msg(topic, 3_000), headers: { i: String(i) } }));
    await producer.send(many);
    const [read] = await collectRange(kafka, [{ topic, partition: 0, from: 1, to: 51 }], { timeoutMs: 30_000 });
    expect(read?.messages.map((m) => m.headers?.['i']?.toString())).toEqual(many.map((_, i) => String(i)));
  });

  test('the broker really refuses a batch over the limit: without the split the same send fails', async ({ kafka, onTestFinished }) => {
    const topic = await limitedTopic(kafka);
    onTestFinished(() => withAdmin(kafka, (admin) => admin.deleteTopics([topic])));
    const unsplit = new BatchProducer(kafka, { maxBatchBytes: 10 * LIMIT, idempotent: false });
    await unsplit.connect();
    onTestFinished(() => unsplit.close());
    await expect(unsplit.send(Array.from({ length: 10 }, () => msg(topic, 3_000)))).rejects.toThrow(/larger than the max message size/u);
    await expect(unsplit.send([recordOfBatchBytes(topic, LIMIT + 1)])).rejects.toThrow(/larger than the max message size/u);
    await unsplit.send([recordOfBatchBytes(topic, LIMIT)]);
    expect(await count(kafka, topic)).toBe(1);
  });

  test('a transaction sends a split chunk and commits it whole', async ({ kafka, onTestFinished }) => {
    const topic = await limitedTopic(kafka);
    onTestFinished(() => withAdmin(kafka, (admin) => admin.deleteTopics([topic])));
    const producer = new BatchProducer(kafka, { transactionalId: `test-${randomUUID()}`, maxBatchBytes: LIMIT });
    await producer.connect();
    onTestFinished(() => producer.close());
    const tx = await producer.transaction();
    await tx.send(Array.from({ length: 40 }, () => msg(topic, 2_500)));
    await tx.commit();
    // 40 records and the commit marker. The coordinator writes the marker after EndTxn answers, and
    // until then the end offset read here (the last stable one) stays before the open transaction.
    await vi.waitFor(async () => expect(await count(kafka, topic)).toBe(41), { timeout: 30_000, interval: 100 });
    const [read] = await collectRange(kafka, [{ topic, partition: 0, from: 0, to: 40 }], { timeoutMs: 30_000 });
    expect(read?.messages).toHaveLength(40);
  });
});
