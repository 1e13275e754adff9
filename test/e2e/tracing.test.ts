/**
 * Tracing end to end (docs/operations.md, "Tracing"): `ipasn publish` and the normalizer, scorer and
 * projector — each a real process, on real Kafka and Redis — export their spans over OTLP/HTTP
 * (JSON) to a receiver in this test. One ingress event's spans must form one trace across every
 * hop: the CLI's `send` span → the normalizer's `process <ingress>` → the scorer's
 * `process ipasn.events` → the projector's `process ipasn.scores`, each the parent of the next
 * through the `traceparent` header of the record between them. Every record the pipeline wrote on
 * ipasn.events and ipasn.scores, and the dead letter of one event with an invalid NIP (sent with
 * --send-invalid), must carry the trace of a published event. A hop that loses the context fails
 * the test.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { topicNames } from '@ipasn/pipeline';
import {
  cliMain,
  createTopics,
  decoders,
  deleteNamespace,
  generateStream,
  onFinished,
  OTLP_KIND,
  readAll,
  sleep,
  startOtlpReceiver,
  startService,
  testNamespace,
  waitForDrain,
  type ReceivedSpan,
} from '../src/index.js';

const run = promisify(execFile);
const EVENTS = 40;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/u;

/** The process spans of a topic (by the end of its name: topics carry the namespace prefix). */
function processSpans(spans: ReceivedSpan[], service: string, topicEnd: RegExp): ReceivedSpan[] {
  return spans.filter((s) => s.service === service && s.kind === OTLP_KIND.CONSUMER && topicEnd.test(String(s.attributes['messaging.destination.name'])));
}

/** The first chain send → normalizer → scorer → projector in `spans`, each the parent of the next. */
function chain(spans: ReceivedSpan[]): ReceivedSpan[] | undefined {
  const byParent = new Map<string, ReceivedSpan[]>();
  for (const s of spans) if (s.parentSpanId) byParent.set(s.parentSpanId, [...(byParent.get(s.parentSpanId) ?? []), s]);
  const child = (parent: ReceivedSpan, service: string): ReceivedSpan[] => (byParent.get(parent.spanId) ?? []).filter((s) => s.service === service && s.traceId === parent.traceId);
  for (const send of spans.filter((s) => s.service === 'ipasn-cli' && s.kind === OTLP_KIND.PRODUCER)) {
    for (const normalized of child(send, 'ipasn-normalizer')) {
      for (const scored of child(normalized, 'ipasn-scorer')) {
        const projected = child(scored, 'ipasn-projector')[0];
        if (projected) return [send, normalized, scored, projected];
      }
    }
  }
  return undefined;
}

describe('tracing', () => {
  it(
    'one ingress event is one trace across ipasn publish, the normalizer, the scorer and the projector',
    async () => {
      const ns = testNamespace();
      const dir = mkdtempSync(join(tmpdir(), 'ipasn-tracing-'));
      const receiver = await startOtlpReceiver();
      await onFinished(async () => {
        rmSync(dir, { recursive: true, force: true });
        await receiver.close();
        await deleteNamespace(ns);
      });
      const stream = await generateStream({ dir, events: EVENTS, employees: 10, invalid: 0, duplicates: 0, messy: 0 });
      // One more event, with an invalid NIP: the normalizer dead-letters it (INVALID_NIP), in its trace.
      const lines = readFileSync(stream.file, 'utf8').trimEnd().split('\n');
      const invalid = { ...(JSON.parse(lines[0]!) as Record<string, unknown>), id: 'tracing-invalid-nip', subject: 'not-a-nip' };
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, `${[...lines, JSON.stringify(invalid)].join('\n')}\n`);
      const topics = topicNames(ns);
      await createTopics(ns, stream.agencies);
      // A short export delay so spans arrive while the test waits; the services flush at SIGTERM too.
      const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
      const env = { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, LOG_LEVEL: 'warn', ...tracing };
      const services = await Promise.all((['normalizer', 'scorer', 'projector'] as const).map((name) => startService(name, env)));
      await Promise.all(services.map((s) => s.waitReady()));

      await run(process.execPath, [cliMain(), 'publish', '--quiet', '--send-invalid', file], { env: { ...process.env, IPASN_TOPIC_PREFIX: ns, ...tracing } });
      await waitForDrain(`${ns}ipasn-normalizer`, stream.agencies.map((a) => topics.ingress(a)), 60_000);
      await waitForDrain(`${ns}ipasn-scorer`, [topics.events], 60_000);
      await waitForDrain(`${ns}ipasn-projector`, [topics.scores], 60_000);
      // SIGTERM: each service ends its spans and flushes its exporter before it exits.
      await Promise.all(services.map((s) => s.kill('SIGTERM')));
      for (let i = 0; i < 20 && !chain(receiver.spans); i++) await sleep(250);

      const spans = receiver.spans;
      const sends = spans.filter((s) => s.service === 'ipasn-cli' && s.kind === OTLP_KIND.PRODUCER);
      const ingress = processSpans(spans, 'ipasn-normalizer', /\.ipasn\.ingress\.[^.]+$/u);
      const events = processSpans(spans, 'ipasn-scorer', /\.ipasn\.events$/u);
      const scores = processSpans(spans, 'ipasn-projector', /\.ipasn\.scores$/u);
      const counts = { sends: sends.length, ingress: ingress.length, events: events.length, scores: scores.length, requests: receiver.requests };
      // Every published event has its PRODUCER span, and every ingress record was processed in its trace.
      expect(counts).toMatchObject({ sends: EVENTS + 1, ingress: EVENTS + 1 });
      const sendIds = new Set(sends.map((s) => s.spanId));
      expect(ingress.filter((s) => !sendIds.has(s.parentSpanId)), 'normalizer spans without their send span as parent').toEqual([]);
      const ingressIds = new Set(ingress.map((s) => s.spanId));
      expect(events.length).toBeGreaterThan(0);
      expect(events.filter((s) => !ingressIds.has(s.parentSpanId)), 'scorer spans without a normalizer span as parent').toEqual([]);
      const eventIds = new Set(events.map((s) => s.spanId));
      expect(scores.length).toBeGreaterThan(0);
      expect(scores.filter((s) => !eventIds.has(s.parentSpanId)), 'projector spans without a scorer span as parent').toEqual([]);

      // One event, followed: one trace id, each hop the child of the one before.
      const path = chain(spans);
      expect(path, `no complete trace (${JSON.stringify(counts)})`).toBeDefined();
      const [send, normalized, scored, projected] = path!;
      expect(new Set(path!.map((s) => s.traceId)).size).toBe(1);
      expect(send!.name).toMatch(/^send t[0-9a-f]{8}\.ipasn\.ingress\.[0-9A-Za-z]{4}$/u);
      expect(normalized).toMatchObject({ name: `process ${String(normalized!.attributes['messaging.destination.name'])}`, parentSpanId: send!.spanId });
      expect(normalized!.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.consumer.group.name': `${ns}ipasn-normalizer` });
      expect(typeof normalized!.attributes['kafka.offset']).toBe('number');
      expect(normalized!.attributes['messaging.destination.partition.id']).toMatch(/^\d+$/u);
      expect(scored).toMatchObject({ name: `process ${topics.events}`, parentSpanId: normalized!.spanId });
      expect(scored!.attributes).toMatchObject({ 'messaging.consumer.group.name': `${ns}ipasn-scorer` });
      expect(projected).toMatchObject({ name: `process ${topics.scores}`, parentSpanId: scored!.spanId });
      expect(projected!.attributes).toMatchObject({ 'messaging.consumer.group.name': `${ns}ipasn-projector` });

      // On the wire: every record the services wrote carries a published event's trace.
      const traces = new Set(sends.map((s) => s.traceId));
      const dead = await readAll(topics.dlq, { decode: decoders.deadLetter });
      expect(dead.map((d) => d.value.reason)).toEqual(['INVALID_NIP']);
      expect(traces.has(TRACEPARENT.exec(dead[0]!.headers['traceparent'] ?? '')?.[1] ?? ''), 'the dead letter carries its event\'s trace').toBe(true);
      for (const topic of [topics.events, topics.scores]) {
        const records = await readAll(topic, { decode: decoders.raw });
        expect(records.length).toBeGreaterThan(0);
        const untraced = records.filter((r) => !traces.has(TRACEPARENT.exec(r.headers['traceparent'] ?? '')?.[1] ?? ''));
        expect(untraced.map((r) => `${r.partition}/${r.offset}`), `${topic} records without a published event's traceparent`).toEqual([]);
      }
    },
    90_000,
  );
});
