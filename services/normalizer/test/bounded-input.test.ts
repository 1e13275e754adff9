/**
 * Bounded input (design.md, Security; events.md "Rejects"), regression for the poison pill of
 * issue 20: one oversized or near-64 KiB ingress record could make a DLQ batch exceed the topic's
 * limit, abort the transaction and replay for ever. Here, on the real broker with the topic limits
 * of infra/topics/topics.json, one record at the ingress topic's max.message.bytes and 50 near-64
 * KiB rejects on one key (so one partition, one chunk) all reach ipasn.dlq — whole up to 64 KiB,
 * cut beyond with the exact length and SHA-256 — and the good events after them on the same
 * partition get through: nothing stalls.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BatchProducer, RECORD_BATCH_OVERHEAD, recordBytes, TOPIC_BYTE_LIMITS, type OutMessage } from '@ipasn/kafka';
import { createTopics, decoders, metricSum, readAll, startService, testKafka, testNamespace, waitForDrain } from '@ipasn/e2e';

const NIP = '198501012010011001';
const HOUR = 3_600_000;

function event(id: string, type: string, data: Record<string, unknown>): Record<string, unknown> {
  return { specversion: '1.0', id, source: '/agencies/3004', type, subject: NIP, time: new Date(Date.now() - HOUR).toISOString(), data };
}

/** An upsert whose JSON is exactly `bytes` long, its name padded (over 200 characters: SCHEMA_INVALID). */
function upsertOfBytes(id: string, bytes: number): Buffer {
  const base = JSON.stringify(event(id, 'ipasn.employee.upserted', { name: '', employmentType: 'PNS', jobGroup: 'PELAKSANA' }));
  const json = JSON.stringify(event(id, 'ipasn.employee.upserted', { name: 'n'.repeat(bytes - Buffer.byteLength(base)), employmentType: 'PNS', jobGroup: 'PELAKSANA' }));
  expect(Buffer.byteLength(json)).toBe(bytes);
  return Buffer.from(json);
}

describe('normalizer: bounded input', () => {
  it('dead-letters a record at the ingress limit and 50 near-64 KiB rejects on one key without stalling the partition', async () => {
    const ns = testNamespace();
    const topics = await createTopics(ns, ['3004']);
    const ingress = topics.ingress('3004');
    const svc = await startService('normalizer', { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns });
    await svc.waitReady();

    // The largest record the ingress topic takes: its batch is exactly max.message.bytes.
    let size = TOPIC_BYTE_LIMITS.ingress - RECORD_BATCH_OVERHEAD;
    const atLimit = (n: number): OutMessage => ({ topic: ingress, key: NIP, value: Buffer.alloc(n, 0x7b) });
    while (RECORD_BATCH_OVERHEAD + recordBytes(atLimit(size)) > TOPIC_BYTE_LIMITS.ingress) size--;
    const huge = atLimit(size);
    expect(RECORD_BATCH_OVERHEAD + recordBytes(huge)).toBe(TOPIC_BYTE_LIMITS.ingress);

    // 50 rejects near 64 KiB: 25 of exactly 65536 bytes (SCHEMA_INVALID, kept whole) and 25 of
    // 65537 (MALFORMED, cut), alternating, then good events on the same key.
    const near: OutMessage[] = Array.from({ length: 50 }, (_, i) => ({ topic: ingress, key: NIP, value: upsertOfBytes(`big-${i}`, 65_536 + (i % 2)) }));
    const good: OutMessage[] = [
      { topic: ingress, key: NIP, value: Buffer.from(JSON.stringify(event('up-1', 'ipasn.employee.upserted', { name: 'Sulastri', employmentType: 'PNS', jobGroup: 'PELAKSANA' }))) },
      { topic: ingress, key: NIP, value: Buffer.from(JSON.stringify(event('trn-1', 'ipasn.training.recorded', { recordId: 'T-1', kind: 'TECHNICAL', hours: 24, completedOn: '2026-01-10' }))) },
    ];
    const producer = new BatchProducer(testKafka());
    await producer.connect();
    try {
      await producer.send([huge, ...near, ...good]);
    } finally {
      await producer.close();
    }

    await waitForDrain(`${ns}ipasn-normalizer`, [ingress], 120_000);
    const sent = await readAll(ingress, { decode: decoders.raw });
    expect(new Set(sent.map((r) => r.partition)).size, 'one key: one partition').toBe(1);
    const dlq = await readAll(topics.dlq, { decode: decoders.deadLetter });
    const events = await readAll(topics.events, { decode: decoders.canonicalEvent });

    expect(events.map((e) => e.value.id)).toEqual(['up-1', 'trn-1']);
    expect(dlq).toHaveLength(51);
    const byOffset = new Map(sent.map((r) => [r.offset, r.raw!]));
    for (const d of dlq) {
      const dl = d.value;
      const original = byOffset.get(String(dl.sourceOffset))!;
      expect(original, `source offset ${dl.sourceOffset}`).toBeDefined();
      if (original.length > 65_536) {
        expect(dl.reason).toBe('MALFORMED');
        expect(dl.originalValue.length).toBe(65_536);
        expect(Buffer.compare(dl.originalValue, original.subarray(0, 65_536))).toBe(0);
        expect(dl.originalLength).toBe(original.length);
        expect(dl.originalSha256?.toString('hex')).toBe(createHash('sha256').update(original).digest('hex'));
      } else {
        expect(dl.reason).toBe('SCHEMA_INVALID');
        expect(Buffer.compare(dl.originalValue, original)).toBe(0);
        expect(dl.originalLength).toBeNull();
        expect(dl.originalSha256).toBeNull();
      }
      expect(d.key?.toString()).toBe(NIP);
    }
    expect(dlq.filter((d) => d.value.originalLength !== null).map((d) => d.value.originalLength)).toContain(huge.value!.length);

    const metrics = await svc.metrics();
    expect(metricSum(metrics, 'ipasn_normalizer_events_rejected_total')).toBe(51);
    expect(metricSum(metrics, 'ipasn_normalizer_events_accepted_total')).toBe(2);
    expect(await svc.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
