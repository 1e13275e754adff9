/**
 * `IPASN_TRACES_FILE=<path>`: finished spans appended to a file, one JSON object a line — a
 * debugging aid for a machine without a collector (`jq 'select(.traceId == "…")'` follows one
 * event). Spans of several processes may share a file: each line is written with one append.
 */
import { appendFile } from 'node:fs';
import { ExportResultCode, hrTimeToMicroseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** One line of the file. Times are epoch microseconds. */
export interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** SpanKind as a name: INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER. */
  kind: string;
  service: string;
  startUs: number;
  endUs: number;
  status: { code: number; message?: string };
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

export function spanLine(span: ReadableSpan): SpanLine {
  const ctx = span.spanContext();
  const service = span.resource.attributes['service.name'];
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: KINDS[span.kind] ?? String(span.kind),
    service: typeof service === 'string' ? service : '',
    startUs: hrTimeToMicroseconds(span.startTime),
    endUs: hrTimeToMicroseconds(span.endTime),
    status: span.status.message === undefined ? { code: span.status.code } : { code: span.status.code, message: span.status.message },
    attributes: { ...span.attributes },
    links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
  };
}

export class FileSpanExporter implements SpanExporter {
  #pending: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const text = spans.map((s) => `${JSON.stringify(spanLine(s))}\n`).join('');
    this.#pending = new Promise<void>((resolve) => {
      appendFile(this.path, text, (err) => {
        done(err ? { code: ExportResultCode.FAILED, error: err } : { code: ExportResultCode.SUCCESS });
        resolve();
      });
    });
  }

  forceFlush(): Promise<void> {
    return this.#pending;
  }

  shutdown(): Promise<void> {
    return this.#pending;
  }
}
