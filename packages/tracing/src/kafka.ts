/**
 * W3C trace context in Kafka record headers (`traceparent`, `tracestate`) and the messaging spans
 * of the pipeline (OpenTelemetry messaging semantic conventions, Kafka flavour).
 *
 * Types are structural (a record read has `headers` whose values are Buffer | string | arrays of
 * them, as kafkajs gives them; a record to send has string | Buffer values), so this package needs
 * no Kafka client.
 *
 * Every helper first checks whether tracing is on and returns at once when it is off: no header is
 * read or written, no span or context object is made.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { activeTracer } from './provider.js';
import {
  ATTR_KAFKA_OFFSET,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
  MESSAGING_SYSTEM_VALUE_KAFKA,
} from './semconv.js';

/** Header values of a record read (kafkajs: Buffer, or an array when a header repeats). */
export type InHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;
/** Header values of a record to send. */
export type OutHeaders = Record<string, string | Buffer>;

/** A record read: what the helpers use of it. */
export interface TracedInMessage {
  offset: string;
  headers?: InHeaders | undefined;
}
/** A record to send: its headers are created when missing. */
export interface TracedOutMessage {
  topic: string;
  headers?: OutHeaders | undefined;
  partition?: number | undefined;
}

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

const propagator = new W3CTraceContextPropagator();

const getter: TextMapGetter<InHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const v = carrier[key];
    if (v === undefined) return undefined;
    // A repeated header: the first value (W3C: a second traceparent makes the context invalid; we keep the first).
    const one = Array.isArray(v) ? v[0] : v;
    return one === undefined ? undefined : one.toString();
  },
};

const setter: TextMapSetter<OutHeaders> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/**
 * The trace context carried by a record's headers: ROOT_CONTEXT (no parent) when there is none, or
 * when `traceparent` is malformed (the W3C propagator ignores it, and `tracestate` with it). Works
 * whether tracing is on or not.
 */
export function extractContext(headers: InHeaders | undefined): Context {
  if (!headers || headers[TRACEPARENT] === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, headers, getter);
}

/**
 * Writes the span context of `ctx` into `headers` (`traceparent`, and `tracestate` when there is
 * one). Nothing when `ctx` holds no valid span context.
 */
export function injectContext(ctx: Context, headers: OutHeaders): void {
  propagator.inject(ctx, headers, setter);
}

function baseAttributes(operation: string, topic: string, partition: number | undefined): Attributes {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_KAFKA,
    [ATTR_MESSAGING_OPERATION_TYPE]: operation,
    [ATTR_MESSAGING_OPERATION_NAME]: operation,
    [ATTR_MESSAGING_DESTINATION_NAME]: topic,
  };
  if (partition !== undefined) attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(partition);
  return attributes;
}

/**
 * A PRODUCER span `send <topic>` for one record about to be sent, whose context goes into the
 * record's `traceparent`: the record's creation context, the root of its trace. Returns undefined
 * (and leaves the record alone) when tracing is off. End it once the broker acknowledged the record
 * (`endSpans`).
 */
export function startSendSpan(message: TracedOutMessage, parent: Context = ROOT_CONTEXT): Span | undefined {
  const tracer = activeTracer();
  if (!tracer) return undefined;
  const span = tracer.startSpan(`${MESSAGING_OPERATION_TYPE_VALUE_SEND} ${message.topic}`, { kind: SpanKind.PRODUCER, attributes: baseAttributes(MESSAGING_OPERATION_TYPE_VALUE_SEND, message.topic, message.partition) }, parent);
  injectContext(trace.setSpan(ROOT_CONTEXT, span), (message.headers ??= {}));
  return span;
}

/** Ends spans, marking each as failed when `error` is given. */
export function endSpans(spans: readonly Span[], error?: unknown): void {
  for (const span of spans) {
    if (error !== undefined) markFailed(span, error);
    span.end();
  }
}

function markFailed(span: Span, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  // The error's name and message only: no stack, no record content (messages may quote data).
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${e.name}: ${e.message}`.slice(0, 512) });
  span.setAttribute('error.type', e.name);
}

/** The spans of the records being processed in this process, by record (see `traceChunks`). */
const processing = new WeakMap<object, Span>();

/**
 * The record's CONSUMER span while its chunk is processed (undefined when tracing is off or the
 * record is not in a traced chunk).
 */
export function processSpanOf(message: object): Span | undefined {
  return activeTracer() ? processing.get(message) : undefined;
}

/**
 * Writes the trace context of `source`'s process span into `out`'s headers: a record written
 * because of `source` (its canonical event, dead letter, score event) continues `source`'s trace.
 * No-op when tracing is off or `source` is undefined or not being traced.
 */
export function injectFrom(source: object | undefined, out: TracedOutMessage): void {
  if (!activeTracer() || source === undefined) return;
  const span = processing.get(source);
  if (span) injectContext(trace.setSpan(ROOT_CONTEXT, span), (out.headers ??= {}));
}

/** Sets an attribute on a record's process span (e.g. `ipasn.outcome`); no-op when not traced. */
export function setMessageAttribute(message: object, key: string, value: string | number | boolean): void {
  if (!activeTracer()) return;
  processing.get(message)?.setAttribute(key, value);
}

export interface ChunkTraceOptions {
  /** The consumer group (`messaging.consumer.group.name`). */
  group: string;
}

/** What a chunk handler is given: the records and where they were read. */
export interface ChunkLike {
  topic: string;
  partition: number;
}

/**
 * Wraps a chunk handler so that each record of a chunk has a CONSUMER span `process <topic>`,
 * the child of the context in its headers (the producer's), for as long as the chunk is processed:
 * they start when the handler is called and end when it returns (after the chunk's transaction or
 * commit) — failed, with the error's name and message, when it throws. While they run,
 * `injectFrom(record, out)` continues a record's trace into what is written because of it.
 *
 * One span per record, not one per chunk with links: a trace is then one event's path through the
 * pipeline, which is what an operator follows. The record key (a NIP: personal data) is not
 * recorded. When tracing is off this returns `handler` itself.
 */
export function traceChunks<M extends TracedInMessage, C extends ChunkLike>(handler: (messages: M[], ctx: C) => Promise<void>, options: ChunkTraceOptions): (messages: M[], ctx: C) => Promise<void> {
  if (!activeTracer()) return handler;
  return async (messages, ctx) => {
    const tracer = activeTracer();
    if (!tracer || messages.length === 0) return handler(messages, ctx);
    const startTime = Date.now();
    const name = `${MESSAGING_OPERATION_TYPE_VALUE_PROCESS} ${ctx.topic}`;
    const spans: Span[] = new Array<Span>(messages.length);
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const attributes = baseAttributes(MESSAGING_OPERATION_TYPE_VALUE_PROCESS, ctx.topic, ctx.partition);
      attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = options.group;
      attributes[ATTR_KAFKA_OFFSET] = Number(m.offset);
      const span = tracer.startSpan(name, { kind: SpanKind.CONSUMER, attributes, startTime }, extractContext(m.headers));
      spans[i] = span;
      processing.set(m, span);
    }
    try {
      await handler(messages, ctx);
      endSpans(spans);
    } catch (err) {
      endSpans(spans, err);
      throw err;
    } finally {
      for (const m of messages) processing.delete(m);
    }
  };
}
