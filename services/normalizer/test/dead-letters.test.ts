/**
 * The normalizer as it runs in production (a child process on the real Kafka and Redis): every
 * reject reason it decides ends on ipasn.dlq with its reason, the original bytes and the source
 * coordinates (fields and headers); duplicates are dropped and counted; the ops endpoints answer;
 * the log holds no NIP and no name.
 */
import { describe, expect, it } from 'vitest';
import {
  createTopics,
  decoders,
  metricSum,
  publishLines,
  readAll,
  startService,
  testNamespace,
  waitForDrain,
  type ReadRecord,
} from '@ipasn/e2e';

const HOUR = 3_600_000;
const NIP_A = '198501012010011001';
const NIP_B = '199002142015032002';
const NAME_A = 'Sulastri Wirawan Purbaningrum';
const NAME_B = 'Bonifasius Lumbantobing Hasibuan';

interface Case {
  /** What the normalizer must decide. */
  expect: 'ACCEPTED' | 'DUPLICATE' | 'MALFORMED' | 'UNSUPPORTED_TYPE' | 'SCHEMA_INVALID' | 'INVALID_NIP' | 'UNKNOWN_AGENCY' | 'AGENCY_MISMATCH' | 'FUTURE_DATED';
  /** The ingress topic's agency. */
  topic: string;
  line: string;
}

function event(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: 'evt-1',
    source: '/agencies/3004',
    type: 'ipasn.training.recorded',
    subject: NIP_A,
    time: new Date(Date.now() - HOUR).toISOString(),
    data: { recordId: 'DKL-3004-0001', kind: 'TECHNICAL', hours: 24, completedOn: '2026-01-10', name: 'Pelatihan Arsip Digital' },
    ...fields,
  };
}

function cases(): Case[] {
  const upsert = event({ id: 'up-a', type: 'ipasn.employee.upserted', data: { name: NAME_A, employmentType: 'PNS', jobGroup: 'PELAKSANA' } });
  const schemaInvalid = JSON.stringify(event({ id: 'bad-hours', data: { recordId: 'DKL-3004-0002', kind: 'TECHNICAL', hours: -8, completedOn: '2026-01-10' } }));
  return [
    { expect: 'ACCEPTED', topic: '3004', line: JSON.stringify(upsert) },
    { expect: 'ACCEPTED', topic: '3004', line: JSON.stringify(event({ id: 'trn-a' })) },
    // The same (source, id) again, re-serialized with a later time: the first copy wins.
    { expect: 'DUPLICATE', topic: '3004', line: JSON.stringify({ ...upsert, time: new Date(Date.now() - HOUR / 2).toISOString() }) },
    // Cut off mid-write, with a NIP and a name inside: the log must not repeat them.
    { expect: 'MALFORMED', topic: '3004', line: `{"specversion":"1.0","id":"cut","subject":"${NIP_B}","data":{"name":"${NAME_B}"` },
    { expect: 'MALFORMED', topic: '3015', line: '[1,2,3]' },
    { expect: 'UNSUPPORTED_TYPE', topic: '3004', line: JSON.stringify(event({ id: 'award', type: 'ipasn.award.recorded' })) },
    { expect: 'SCHEMA_INVALID', topic: '3004', line: schemaInvalid },
    // A reject leaves no dedupe mark: the same bytes again are dead-lettered again.
    { expect: 'SCHEMA_INVALID', topic: '3004', line: schemaInvalid },
    { expect: 'INVALID_NIP', topic: '3004', line: JSON.stringify(event({ id: 'month-13', subject: '198513012010011001' })) },
    { expect: 'UNKNOWN_AGENCY', topic: '3004', line: JSON.stringify(event({ id: 'nobody', source: '/agencies/9999' })) },
    { expect: 'AGENCY_MISMATCH', topic: '3004', line: JSON.stringify(event({ id: 'stray', source: '/agencies/3015', subject: NIP_B })) },
    { expect: 'FUTURE_DATED', topic: '3015', line: JSON.stringify(event({ id: 'tomorrow+2', source: '/agencies/3015', subject: NIP_B, time: new Date(Date.now() + 72 * HOUR).toISOString() })) },
  ];
}

const coordsOf = (r: ReadRecord<unknown>): string => `${r.topic}/${r.partition}/${r.offset}`;

describe('normalizer: dead letters, duplicates, ops endpoints, logs', () => {
  it('dead-letters each reason with the original bytes and source coordinates, drops and counts duplicates, logs no NIP or name', async () => {
    const ns = testNamespace();
    const topics = await createTopics(ns, ['3004', '3015']);
    // debug: the most a log can say, still without personal data
    const svc = await startService('normalizer', { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, LOG_LEVEL: 'debug' });
    await svc.waitReady();

    expect(await svc.get('/healthz')).toMatchObject({ status: 200 });
    const ready = await svc.get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, failing: [] });

    const all = cases();
    const published = await publishLines(
      all.map((c) => c.line),
      { prefix: ns, routeAgency: (l) => all[l.number - 1]?.topic },
    );
    expect(published.sent).toBe(all.length);
    const ingressTopics = [topics.ingress('3004'), topics.ingress('3015')];
    await waitForDrain(`${ns}ipasn-normalizer`, ingressTopics, 60_000);

    // Where each line landed on ingress: bytes → coordinates (a line sent twice has two).
    const ingress = (await Promise.all(ingressTopics.map((t) => readAll(t, { decode: decoders.raw })))).flat();
    expect(ingress).toHaveLength(all.length);
    const dlq = await readAll(topics.dlq, { decode: decoders.deadLetter });
    const events = await readAll(topics.events, { decode: decoders.canonicalEvent });

    const rejects = all.filter((c) => c.expect !== 'ACCEPTED' && c.expect !== 'DUPLICATE');
    expect(dlq).toHaveLength(rejects.length);
    const unmatched = new Map(ingress.map((r) => [coordsOf(r), r]));
    for (const d of dlq) {
      const dl = d.value;
      const source = unmatched.get(`${dl.sourceTopic}/${dl.sourcePartition}/${dl.sourceOffset}`);
      expect(source, `DLQ record ${coordsOf(d)} names a source that is not on ingress or is named twice`).toBeDefined();
      unmatched.delete(`${dl.sourceTopic}/${dl.sourcePartition}/${dl.sourceOffset}`);
      // The original bytes, byte for byte, and the original key.
      expect(Buffer.compare(dl.originalValue, source!.raw!)).toBe(0);
      expect(dl.originalKey?.toString()).toBe(source!.key?.toString());
      expect(d.key?.toString()).toBe(source!.key?.toString());
      const intended = all.filter((c) => c.line === source!.raw!.toString('utf8'));
      expect(intended.map((c) => c.expect)).toContain(dl.reason);
      expect(dl.stage).toBe('normalizer');
      expect(dl.message.length).toBeGreaterThan(0);
      expect(dl.agencyCode).toBe(source!.topic.slice(-4));
      // The coordinates and the reason also as headers, for tools that do not decode Avro.
      expect(d.headers).toMatchObject({
        ipasn_reason: dl.reason,
        ipasn_stage: 'normalizer',
        ipasn_source_topic: source!.topic,
        ipasn_source_partition: String(source!.partition),
        ipasn_source_offset: source!.offset,
        ce_type: 'ipasn.event.rejected',
      });
    }
    const byReason = (list: readonly string[]) => list.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {});
    expect(byReason(dlq.map((d) => d.value.reason))).toEqual(byReason(rejects.map((c) => c.expect)));

    // Accepted: canonical Avro keyed by NIP; the duplicate is not there and not dead-lettered.
    expect(events.map((e) => [e.value.id, e.key?.toString()]).sort()).toEqual([
      ['trn-a', NIP_A],
      ['up-a', NIP_A],
    ]);
    expect(events.find((e) => e.value.id === 'up-a')?.headers).toMatchObject({ ce_id: 'up-a', ce_source: '/agencies/3004', ce_type: 'ipasn.employee.upserted' });

    const metrics = await svc.metrics();
    expect(metricSum(metrics, 'ipasn_normalizer_duplicates_total')).toBe(1);
    expect(metricSum(metrics, 'ipasn_normalizer_events_accepted_total')).toBe(2);
    expect(metricSum(metrics, 'ipasn_normalizer_events_rejected_total')).toBe(rejects.length);
    expect(metricSum(metrics, 'ipasn_normalizer_events_rejected_total', { reason: 'SCHEMA_INVALID' })).toBe(2);
    expect(metricSum(metrics, 'ipasn_normalizer_events_rejected_total', { agency: '3015', reason: 'FUTURE_DATED' })).toBe(1);

    // A graceful stop exits 0; then the whole log is checked for personal data.
    expect(await svc.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    const log = svc.logs();
    expect(log).toContain('normalizer started');
    for (const secret of [...published.keys, NIP_A, NIP_B, '198513012010011001', NAME_A, NAME_B, 'Sulastri', 'Lumbantobing']) {
      expect(log.includes(secret), `the log holds "${secret}"`).toBe(false);
    }
  });
});
