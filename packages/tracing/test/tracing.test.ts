import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import {
  extractContext,
  injectContext,
  injectFrom,
  setMessageAttribute,
  startSendSpan,
  endSpans,
  startTracing,
  traceChunks,
  tracingEnabled,
  type InHeaders,
  type OutHeaders,
  type SpanLine,
  type Tracing,
} from '../src/index.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

let running: Tracing | undefined;
afterEach(async () => {
  await running?.shutdown();
  running = undefined;
});

function on(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  running = startTracing({ serviceName: 'test', exporter, processor: 'simple', env: {} });
  return exporter;
}

describe('trace context in Kafka headers', () => {
  it('round-trips traceparent and tracestate through headers, as strings or Buffers', () => {
    const ctx = extractContext({ traceparent: VALID, tracestate: 'vendor=x,other=y' });
    const sc = trace.getSpanContext(ctx);
    expect(sc).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const out: OutHeaders = {};
    injectContext(ctx, out);
    expect(out).toEqual({ traceparent: VALID, tracestate: 'vendor=x,other=y' });
    // kafkajs hands header values over as Buffers (arrays when a header repeats).
    const back = extractContext({ traceparent: Buffer.from(out['traceparent'] as string), tracestate: [Buffer.from('vendor=x,other=y')] });
    expect(trace.getSpanContext(back)).toMatchObject({ traceId: TRACE_ID, spanId: SPAN_ID });
  });

  it('ignores a malformed or missing traceparent (and its tracestate)', () => {
    const bad: InHeaders[] = [
      {},
      { traceparent: 'garbage', tracestate: 'vendor=x' },
      { traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` }, // all-zero trace id
      { traceparent: `00-${TRACE_ID}-${'0'.repeat(16)}-01` }, // all-zero span id
      { traceparent: `ff-${TRACE_ID}-${SPAN_ID}-01` }, // version ff is forbidden
      { traceparent: `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01` },
      { traceparent: Buffer.from([0xff, 0xfe, 0x00]) },
    ];
    for (const headers of bad) {
      const ctx = extractContext(headers);
      expect(trace.getSpanContext(ctx)).toBeUndefined();
      const out: OutHeaders = {};
      injectContext(ctx, out);
      expect(out).toEqual({});
    }
    expect(extractContext(undefined)).toBe(ROOT_CONTEXT);
  });
});

describe('off: nothing registered, nothing written', () => {
  it('starts nothing without an exporter in the environment', async () => {
    const t = startTracing({ serviceName: 'test', env: {} });
    expect(t.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    const message: { topic: string; headers?: OutHeaders } = { topic: 'ipasn.ingress.X' };
    expect(startSendSpan(message)).toBeUndefined();
    expect(message.headers).toBeUndefined();
    // The handler itself is returned: no wrapper on the hot path.
    const handler = (): Promise<void> => Promise.resolve();
    expect(traceChunks(handler, { group: 'g' })).toBe(handler);
    const out: { topic: string; headers?: OutHeaders } = { topic: 'ipasn.events' };
    injectFrom({ offset: '0', headers: { traceparent: VALID } }, out);
    expect(out.headers).toBeUndefined();
    await t.shutdown();
  });

  it('stays off when OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none say so', () => {
    expect(startTracing({ serviceName: 't', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SDK_DISABLED: 'true' } }).enabled).toBe(false);
    expect(startTracing({ serviceName: 't', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_TRACES_EXPORTER: 'none' } }).enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
  });
});

describe('on: messaging spans across hops', () => {
  it('a send span is the parent of each record process span, whose context goes on', async () => {
    const exporter = on();
    const record: { topic: string; partition: number; headers?: OutHeaders } = { topic: 'ipasn.ingress.ABCD', partition: 2 };
    const send = startSendSpan(record)!;
    endSpans([send]);
    expect(record.headers?.['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/u);

    const read = { offset: '41', headers: { traceparent: Buffer.from(record.headers!['traceparent'] as string) } as InHeaders };
    const other = { offset: '42', headers: {} as InHeaders };
    const written: { topic: string; headers?: OutHeaders } = { topic: 'ipasn.events', headers: { ce_id: 'x' } };
    const handler = traceChunks(
      async (messages: (typeof read)[]) => {
        injectFrom(messages[0], written);
        setMessageAttribute(messages[0]!, 'ipasn.outcome', 'accepted');
        await Promise.resolve();
      },
      { group: 'ipasn-normalizer' },
    );
    await handler([read, other], { topic: 'ipasn.ingress.ABCD', partition: 2 });

    const spans = exporter.getFinishedSpans();
    const sent = spans.find((s) => s.kind === SpanKind.PRODUCER)!;
    expect(sent.name).toBe('send ipasn.ingress.ABCD');
    expect(sent.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': 'ipasn.ingress.ABCD', 'messaging.destination.partition.id': '2' });
    const processed = spans.filter((s) => s.kind === SpanKind.CONSUMER);
    expect(processed.map((s) => s.name)).toEqual(['process ipasn.ingress.ABCD', 'process ipasn.ingress.ABCD']);
    const [first, second] = processed;
    expect(first!.spanContext().traceId).toBe(sent.spanContext().traceId);
    expect(first!.parentSpanContext?.spanId).toBe(sent.spanContext().spanId);
    expect(first!.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'ipasn.ingress.ABCD',
      'messaging.destination.partition.id': '2',
      'messaging.consumer.group.name': 'ipasn-normalizer',
      'kafka.offset': 41,
      'ipasn.outcome': 'accepted',
    });
    // A record without context starts its own trace.
    expect(second!.parentSpanContext).toBeUndefined();
    expect(second!.spanContext().traceId).not.toBe(sent.spanContext().traceId);
    // What was written carries the process span's context, next to its own headers.
    expect(written.headers).toEqual({ ce_id: 'x', traceparent: `00-${sent.spanContext().traceId}-${first!.spanContext().spanId}-01` });
  });

  it('marks every span of a failed chunk as failed and rethrows', async () => {
    const exporter = on();
    const handler = traceChunks(() => Promise.reject(new TypeError('boom')), { group: 'g' });
    await expect(handler([{ offset: '1' }, { offset: '2' }], { topic: 't', partition: 0 })).rejects.toThrow('boom');
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    for (const s of spans) expect(s.status).toMatchObject({ code: 2, message: 'TypeError: boom' });
  });

  it('IPASN_TRACES_FILE writes finished spans as JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracing-'));
    try {
      const file = join(dir, 'spans.jsonl');
      running = startTracing({ serviceName: 'ipasn-test', env: { IPASN_TRACES_FILE: file } });
      expect(running.destination).toBe(`file:${file}`);
      const record: { topic: string; headers?: OutHeaders } = { topic: 'ipasn.scores' };
      endSpans([startSendSpan(record)!]);
      await running.shutdown();
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SpanLine);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ name: 'send ipasn.scores', kind: 'PRODUCER', service: 'ipasn-test', parentSpanId: null });
      expect(record.headers?.['traceparent']).toBe(`00-${lines[0]!.traceId}-${lines[0]!.spanId}-01`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('OTEL_SERVICE_NAME overrides the default service name; OTEL_TRACES_SAMPLER=always_off records nothing but still propagates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracing-'));
    try {
      const file = join(dir, 'spans.jsonl');
      running = startTracing({ serviceName: 'ipasn-test', env: { IPASN_TRACES_FILE: file, OTEL_TRACES_SAMPLER: 'always_off' } });
      const record: { topic: string; headers?: OutHeaders } = { topic: 't' };
      endSpans([startSendSpan(record)!]);
      expect(record.headers?.['traceparent']).toMatch(/-00$/u);
      await running.shutdown();
      running = startTracing({ serviceName: 'ipasn-test', env: { IPASN_TRACES_FILE: file, OTEL_SERVICE_NAME: 'custom' } });
      endSpans([startSendSpan({ topic: 't' })!]);
      await running.shutdown();
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SpanLine);
      expect(lines.map((l) => l.service)).toEqual(['custom']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands the SDK warnings to the caller (a failed export)', async () => {
    const warnings: string[] = [];
    running = startTracing({ serviceName: 't', env: { IPASN_TRACES_FILE: '/nonexistent-dir/spans.jsonl', OTEL_BSP_SCHEDULE_DELAY: '10' }, warn: (m) => warnings.push(m) });
    endSpans([startSendSpan({ topic: 't' })!]);
    // The scheduled export fails; a flush or shutdown would reject to its caller instead.
    for (let i = 0; i < 100 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await running.shutdown().catch(() => undefined);
    expect(warnings.join('\n')).toMatch(/ENOENT/u);
  });
});
