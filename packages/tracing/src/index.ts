/**
 * @ipasn/tracing: OpenTelemetry tracing for the pipeline — the tracer provider of a process from
 * its environment (off unless an exporter is configured), W3C trace context in Kafka headers, and
 * messaging spans (README.md).
 */
export { startTracing, tracingEnabled, samplerFromEnv, type Tracing, type TracingOptions } from './provider.js';
export {
  endSpans,
  extractContext,
  injectContext,
  injectFrom,
  processSpanOf,
  setMessageAttribute,
  startSendSpan,
  traceChunks,
  TRACEPARENT,
  TRACESTATE,
  type ChunkLike,
  type ChunkTraceOptions,
  type InHeaders,
  type OutHeaders,
  type TracedInMessage,
  type TracedOutMessage,
} from './kafka.js';
export { FileSpanExporter, spanLine, type SpanLine } from './file-exporter.js';
export type { Span } from '@opentelemetry/api';
