/**
 * Starting and stopping the tracer provider of a process, from its environment.
 *
 * Tracing is on when an exporter is configured: `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) → OTLP over HTTP (JSON), `IPASN_TRACES_FILE` → finished spans
 * as JSON lines in that file (a debugging aid), or an exporter handed in (tests). Otherwise nothing is
 * registered: @opentelemetry/api hands out no-op tracers, and this package's helpers return before
 * doing any work (`tracingEnabled()` is false). `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`
 * switch it off whatever else is set.
 *
 * The SDK (@opentelemetry/sdk-trace 3) no longer reads the environment itself: the sampler
 * (`OTEL_TRACES_SAMPLER`, `OTEL_TRACES_SAMPLER_ARG`), the batch processor's limits (`OTEL_BSP_*`)
 * and the service name (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`) are read here. The OTLP
 * exporter reads its own variables (`OTEL_EXPORTER_OTLP_HEADERS`, `…_TIMEOUT`, `…_COMPRESSION`).
 */
import { diag, DiagLogLevel, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { FileSpanExporter } from './file-exporter.js';

type Env = Record<string, string | undefined>;

export interface TracingOptions {
  /** `service.name` unless OTEL_SERVICE_NAME is set (e.g. `ipasn-normalizer`). */
  serviceName: string;
  /** Default process.env. */
  env?: Env;
  /** An exporter of the caller's (tests): tracing is on whatever the environment says. */
  exporter?: SpanExporter;
  /** 'simple' exports each span as it ends (tests); default 'batch'. */
  processor?: 'batch' | 'simple';
  /** Where the SDK's warnings and errors go (a failed export, a bad setting); default nowhere. */
  warn?: (message: string) => void;
}

export interface Tracing {
  /** True when spans are recorded and exported. */
  readonly enabled: boolean;
  /** Where spans go, for a log line: the OTLP endpoint, `file:<path>`, `custom`, or null when off. */
  readonly destination: string | null;
  /** Exports what has ended so far. */
  flush(): Promise<void>;
  /** Flushes and stops; after it the process's helpers are no-ops again. Idempotent. */
  shutdown(): Promise<void>;
}

const TRACER_NAME = '@ipasn/tracing';

/** The process's tracer while tracing is on; undefined when off (the hot paths test this first). */
let active: Tracer | undefined;

/** Whether spans are recorded in this process (startTracing found an exporter). */
export function tracingEnabled(): boolean {
  return active !== undefined;
}

/** @internal the tracer, when on. */
export function activeTracer(): Tracer | undefined {
  return active;
}

const OFF: Tracing = { enabled: false, destination: null, flush: () => Promise.resolve(), shutdown: () => Promise.resolve() };

/**
 * Registers a tracer provider for this process when the environment (or `options.exporter`) asks
 * for one; otherwise returns a handle that does nothing. One provider per process: a second call
 * while one runs returns a handle that does nothing (the first keeps running).
 */
export function startTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  if (active) return OFF;
  const chosen = options.exporter ? { exporter: options.exporter, destination: 'custom' } : exporterFromEnv(env);
  if (!chosen) return OFF;
  const warn = options.warn;
  if (warn) {
    const say = (message: string, ...args: unknown[]): void => warn([message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' '));
    const quiet = (): void => undefined;
    diag.setLogger({ error: say, warn: say, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.WARN);
  }

  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName })
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(env['OTEL_SERVICE_NAME'] ? resourceFromAttributes({ [ATTR_SERVICE_NAME]: env['OTEL_SERVICE_NAME'] }) : null);
  const processor: SpanProcessor =
    options.processor === 'simple'
      ? new SimpleSpanProcessor({ exporter: chosen.exporter })
      : new BatchSpanProcessor({
          exporter: chosen.exporter,
          maxQueueSize: positive(env['OTEL_BSP_MAX_QUEUE_SIZE'], 8192),
          maxExportBatchSize: positive(env['OTEL_BSP_MAX_EXPORT_BATCH_SIZE'], 512),
          scheduledDelayMillis: positive(env['OTEL_BSP_SCHEDULE_DELAY'], 1000),
          exportTimeoutMillis: positive(env['OTEL_BSP_EXPORT_TIMEOUT'], 30_000),
        });
  const provider = new TracerProvider({ resource, sampler: samplerFromEnv(env), spanProcessors: [processor] });
  trace.setGlobalTracerProvider(provider);
  active = provider.getTracer(TRACER_NAME);

  let stopping: Promise<void> | undefined;
  return {
    enabled: true,
    destination: chosen.destination,
    flush: () => provider.forceFlush(),
    shutdown() {
      stopping ??= (async () => {
        active = undefined;
        try {
          await provider.shutdown();
        } catch (err) {
          // Never fails a shutdown: what could not be exported is lost, and said.
          warn?.(`spans not exported at shutdown: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          trace.disable();
          if (warn) diag.disable();
        }
      })();
      return stopping;
    },
  };
}

function exporterFromEnv(env: Env): { exporter: SpanExporter; destination: string } | null {
  if ((env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true') return null;
  const kinds = (env['OTEL_TRACES_EXPORTER'] ?? '').split(',').map((s) => s.trim().toLowerCase());
  if (kinds.includes('none')) return null;
  const file = env['IPASN_TRACES_FILE'];
  if (file) return { exporter: new FileSpanExporter(file), destination: `file:${file}` };
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (endpoint) {
    // The exporter reads OTEL_EXPORTER_OTLP_* from process.env itself; an env handed in is passed explicitly.
    const url = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || `${endpoint.replace(/\/+$/u, '')}/v1/traces`;
    return { exporter: new OTLPTraceExporter({ url }), destination: url };
  }
  return null;
}

/** OTEL_TRACES_SAMPLER as the SDK specification names them; default parentbased_always_on. */
export function samplerFromEnv(env: Env): Sampler {
  const name = (env['OTEL_TRACES_SAMPLER'] ?? 'parentbased_always_on').trim().toLowerCase();
  const arg = Number(env['OTEL_TRACES_SAMPLER_ARG']);
  const ratio = Number.isFinite(arg) && arg >= 0 && arg <= 1 ? arg : 1;
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    default:
      diag.warn(`OTEL_TRACES_SAMPLER=${name} is not supported: parentbased_always_on`);
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function positive(v: string | undefined, fallback: number): number {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isInteger(n) && n > 0 ? n : fallback;
}
