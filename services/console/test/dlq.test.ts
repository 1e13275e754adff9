/**
 * The DLQ view and redrive against the real normalizer (a child process) on private topics: rejects
 * are read back from the end by offsets, decoded, filtered and paged; a redrive re-publishes the
 * original bytes with the original key to the ingress topic, where the normalizer sees them again.
 */
import { describe, expect } from 'vitest';
import type { CanonicalEvent } from '@ipasn/contracts';
import { BatchProducer } from '@ipasn/kafka';
import { deadLetterMessage } from '@ipasn/pipeline';
import { SchemaRegistry, toAvroCanonicalEvent } from '@ipasn/serde';
import { KafkaReader, type ConsoleHandle, type DlqItem, type DlqPage, type RedriveRecord, type RedriveResult } from '../src/index.js';
import { createTopics, getJson, postJson, startService, startTestConsole, test, testAuth, until, type TestAuth } from './fixtures.js';

const NIP = '198501012010011001';
const upsert = (source: string, id: string, data: Record<string, unknown>) =>
  JSON.stringify({ specversion: '1.0', id, source, type: 'ipasn.employee.upserted', subject: NIP, time: '2025-01-02T08:00:00+07:00', data });

type Page = DlqPage & { items: (DlqItem & { redrive: RedriveRecord | null })[] };

describe('DLQ view and redrive (real normalizer, Kafka, Redis)', () => {
  let c: ConsoleHandle;
  let stopNormalizer: () => Promise<void>;
  let auth: TestAuth;
  let OPERATOR: string;
  const sent = new Map<string, string>();

  test.beforeAll(async ({ ns, kafka, tmp }) => {
    auth = await testAuth();
    OPERATOR = auth.users.operator.name;
    await createTopics(kafka, ns, ['3004', '6171']);
    const producer = new BatchProducer(kafka);
    await producer.connect();
    const in3004 = ns.topics.ingress('3004');
    const messages = [
      { topic: in3004, key: NIP, value: upsert('/agencies/3004', 'ok-1', { name: 'Ani', employmentType: 'PNS', jobGroup: 'PELAKSANA' }) },
      { topic: in3004, key: '198501012010011002', value: 'this is {not json' },
      { topic: in3004, key: NIP, value: upsert('/agencies/3004', 'bad-type', { name: 'Ani', employmentType: 'HONORER', jobGroup: 'PELAKSANA' }) },
      { topic: in3004, key: NIP, value: upsert('/agencies/6171', 'mismatch', { name: 'Ani', employmentType: 'PNS', jobGroup: 'PELAKSANA' }) },
      { topic: ns.topics.ingress('6171'), key: '123', value: JSON.stringify({ specversion: '1.0', id: 'nip', source: '/agencies/6171', type: 'ipasn.employee.upserted', subject: '123', time: '2025-01-02T08:00:00+07:00', data: { name: 'X', employmentType: 'PNS', jobGroup: 'PELAKSANA' } }) },
    ];
    for (const m of messages) sent.set(m.value, m.key);
    // One partition per agency keeps the expected offsets simple.
    await producer.send(messages.map((m) => ({ ...m, value: Buffer.from(m.value), partition: 0 })));
    await producer.close();
    ({ stop: stopNormalizer } = await startService('normalizer', ns, tmp));
    c = await startTestConsole(ns);
    await until('4 rejects on the DLQ', async () => ((await getJson<Page>(c, '/api/dlq')).body.items.length >= 4 ? true : undefined), 60_000);
  });
  test.afterAll(async () => {
    await c?.close();
    await stopNormalizer?.();
  });

  test('lists the rejects newest first, decoded: reason, message, agency, source coordinates, original text', async ({ ns }) => {
    const { status, body } = await getJson<Page>(c, '/api/dlq');
    expect(status).toBe(200);
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((i) => i.reason).sort()).toEqual(['AGENCY_MISMATCH', 'INVALID_NIP', 'MALFORMED', 'SCHEMA_INVALID']);
    const times = body.items.map((i) => i.rejectedAt);
    expect([...times].sort().reverse()).toEqual(times);
    for (const i of body.items) {
      expect(sent.get(i.original)).toBe(i.key);
      expect(i.originalFormat).toBe('json');
      expect(i.stage).toBe('normalizer');
      expect(i.message.length).toBeGreaterThan(0);
      expect(i.source.partition).toBe(0);
    }
    const malformed = body.items.find((i) => i.reason === 'MALFORMED')!;
    expect(malformed).toMatchObject({ agencyCode: '3004', source: { topic: ns.topics.ingress('3004'), partition: 0, offset: 1 }, original: 'this is {not json', redrive: null });
    expect(body.items.find((i) => i.reason === 'INVALID_NIP')).toMatchObject({ agencyCode: '6171', eventId: 'nip', source: { topic: ns.topics.ingress('6171'), offset: 0 } });
  });

  test('filters by reason and agency; pages backwards through a cursor, each reject once', async () => {
    expect((await getJson<Page>(c, '/api/dlq?reason=MALFORMED')).body.items.map((i) => i.reason)).toEqual(['MALFORMED']);
    expect((await getJson<Page>(c, '/api/dlq?agency=6171')).body.items.map((i) => i.reason)).toEqual(['INVALID_NIP']);
    expect((await getJson<Page>(c, '/api/dlq?agency=3004&reason=INVALID_NIP')).body.items).toEqual([]);
    expect((await getJson(c, '/api/dlq?reason=NOPE')).status).toBe(400);
    expect((await getJson(c, '/api/dlq?cursor=garbage')).status).toBe(400);
    const seen: string[] = [];
    let cursor: string | null = '';
    for (let i = 0; i < 10 && cursor !== null; i++) {
      const page: Page = (await getJson<Page>(c, `/api/dlq?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).body;
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
    }
    expect(cursor).toBeNull();
    const all = (await getJson<Page>(c, '/api/dlq')).body.items.map((i) => i.id);
    expect(seen).toEqual(all);
  });

  test('redrive re-publishes the original bytes and key to the ingress topic and records who, when and which', async ({ ns, kafka }) => {
    const before = (await getJson<Page>(c, '/api/dlq?reason=MALFORMED')).body.items[0]!;
    // The record names the signed-in operator: never a proxy header or a body field.
    const res = await postJson<{ results: RedriveResult[] }>(c, '/api/dlq/redrive', { ids: [before.id, '0-99999'], operator: 'mallory', note: 'after the fix' }, 'operator', { 'x-forwarded-user': 'mallory', 'x-auth-request-user': 'mallory' });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { id: before.id, status: 'redriven', target: ns.topics.ingress('3004'), reason: 'MALFORMED' },
      { id: '0-99999', status: 'not-found', target: null, reason: null },
    ]);
    // The ingress topic now holds the same bytes and key at a new offset…
    const reader = new KafkaReader(kafka, `${ns.topicPrefix}test-reader-`);
    const [read] = await reader.read([{ topic: ns.topics.ingress('3004'), partition: 0, from: 4, to: 5 }]);
    expect(read?.messages[0]?.value?.toString()).toBe('this is {not json');
    expect(read?.messages[0]?.key?.toString()).toBe(before.key);
    // …which the normalizer reads and rejects again, from its new coordinates.
    const again = await until('the redriven message rejected again', async () => {
      const items = (await getJson<Page>(c, '/api/dlq?reason=MALFORMED')).body.items;
      return items.length === 2 ? items : undefined;
    });
    expect(again[0]).toMatchObject({ source: { offset: 4 }, original: before.original, redrive: null });
    expect(again[1]).toMatchObject({ id: before.id, redrive: { by: OPERATOR, note: 'after the fix', target: ns.topics.ingress('3004') } });

    const log = await getJson<{ redrives: RedriveRecord[] }>(c, '/api/dlq/redrives');
    expect(log.body.redrives).toHaveLength(1);
    expect(log.body.redrives[0]).toMatchObject({ id: before.id, by: OPERATOR, reason: 'MALFORMED', agencyCode: '3004' });

    // A script's operator token redrives as the token's name.
    const twice = await postJson<{ results: RedriveResult[] }>(c, '/api/dlq/redrive', { ids: [before.id] }, { token: 'operator' });
    expect(twice.body.results[0]).toMatchObject({ status: 'already-redriven', previous: { by: OPERATOR } });
    const forced = await postJson<{ results: RedriveResult[] }>(c, '/api/dlq/redrive', { ids: [before.id], force: true }, { token: 'operator' });
    expect(forced.body.results[0]?.status).toBe('redriven');
    expect((await getJson<{ redrives: RedriveRecord[] }>(c, '/api/dlq/redrives')).body.redrives.map((r) => r.by)).toEqual([auth.tokens.operator.name, OPERATOR]);
  });

  test('a scorer reject (canonical Avro event) is shown decoded and redriven to ipasn.events', async ({ ns, kafka }) => {
    const registry = SchemaRegistry.load();
    const event = { id: 'e-7', source: '/agencies/3004', agencyCode: '3004', type: 'ipasn.record.retracted', nip: NIP, time: '2025-01-03T01:00:00.000Z', data: { recordId: 'gone' } } as CanonicalEvent;
    const value = registry.encode('CanonicalEvent', toAvroCanonicalEvent(event));
    const producer = new BatchProducer(kafka);
    await producer.connect();
    await producer.send([
      deadLetterMessage(ns.topics, registry, {
        originalValue: value,
        originalKey: Buffer.from(NIP),
        reason: 'UNKNOWN_RECORD',
        message: 'data.recordId: no record gone',
        stage: 'scorer',
        sourceTopic: ns.topics.events,
        sourcePartition: 5,
        sourceOffset: 41,
        eventId: 'e-7',
        eventSource: '/agencies/3004',
        eventType: 'ipasn.record.retracted',
        agencyCode: '3004',
        rejectedAt: Date.now(),
      }),
    ]);
    await producer.close();
    const item = await until('the scorer reject', async () => (await getJson<Page>(c, '/api/dlq?reason=UNKNOWN_RECORD')).body.items[0]);
    expect(item).toMatchObject({ stage: 'scorer', originalFormat: 'avro', agencyCode: '3004', source: { topic: ns.topics.events, partition: 5, offset: 41 } });
    expect(JSON.parse(item.original)).toMatchObject({ id: 'e-7', nip: NIP, type: 'ipasn.record.retracted' });
    const res = await postJson<{ results: RedriveResult[] }>(c, '/api/dlq/redrive', { ids: [item.id] });
    expect(res.body.results[0]).toMatchObject({ status: 'redriven', target: ns.topics.events });
    const reader = new KafkaReader(kafka, `${ns.topicPrefix}test-reader-`);
    const offsets = await reader.offsets(ns.topics.events);
    const withData = offsets.filter((o) => o.high > o.low);
    const reads = await reader.read(withData.map((o) => ({ topic: ns.topics.events, partition: o.partition, from: o.low, to: o.high })));
    const copies = reads.flatMap((r) => r.messages).filter((m) => m.value?.equals(value));
    expect(copies).toHaveLength(1);
    expect(copies[0]?.key?.toString()).toBe(NIP);
  });

  test('a reject cut to 64 KiB is shown as cut and never redriven (its bytes are not the event)', async ({ ns, kafka }) => {
    const registry = SchemaRegistry.load();
    const original = Buffer.from(`{"id":"big","pad":"${'x'.repeat(70_000)}"}`);
    const producer = new BatchProducer(kafka);
    await producer.connect();
    await producer.send([
      deadLetterMessage(ns.topics, registry, {
        originalValue: original,
        originalKey: Buffer.from(NIP),
        reason: 'SCHEMA_INVALID',
        message: 'pad: unknown field',
        stage: 'normalizer',
        sourceTopic: ns.topics.ingress('3004'),
        sourcePartition: 0,
        sourceOffset: 77,
        eventId: null,
        eventSource: null,
        eventType: null,
        agencyCode: '3004',
        rejectedAt: Date.now(),
      }),
    ]);
    await producer.close();
    const item = await until('the cut reject', async () => (await getJson<Page>(c, '/api/dlq?reason=SCHEMA_INVALID')).body.items.find((i) => i.source.offset === 77));
    expect(item).toMatchObject({ originalBytes: 65_536, originalLength: original.length });
    const res = await postJson<{ results: RedriveResult[] }>(c, '/api/dlq/redrive', { ids: [item.id] });
    expect(res.body.results[0]).toMatchObject({ id: item.id, status: 'truncated', target: null, reason: 'SCHEMA_INVALID' });
    expect((await getJson<{ redrives: RedriveRecord[] }>(c, '/api/dlq/redrives')).body.redrives.filter((r) => r.id === item.id)).toEqual([]);
  });

  test('the normalizer’s freshness counters and its consumer group show up in /api/freshness', async ({ ns }) => {
    let last: unknown;
    const f = await until('normalizer caught up', async () => {
      const body = (last = await getJson<{ agencies: { code: string; lastHour: { accepted: number; rejected: number }; lastAcceptedAt: string | null }[]; lag: { groups: { service: string; groupId: string; totalLag: number }[] } }>(c, '/api/freshness')).body;
      const n = body.lag.groups.find((g) => g.service === 'normalizer');
      return n && n.totalLag === 0 ? body : undefined;
    }, 30_000, () => (last as { body: { lag: unknown } }).body.lag);
    expect(f.lag.groups.find((g) => g.service === 'normalizer')?.groupId).toBe(ns.normalizerGroup);
    const a = f.agencies.find((x) => x.code === '3004')!;
    expect(a.lastHour.accepted).toBe(1);
    expect(a.lastHour.rejected).toBeGreaterThanOrEqual(3);
    expect(a.lastAcceptedAt).not.toBeNull();
    expect(f.agencies.find((x) => x.code === '6171')?.lastHour.rejected).toBe(1);
  });
});
