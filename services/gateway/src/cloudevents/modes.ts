/**
 * CloudEvents' HTTP binding (v1.0) → the bytes of each event, exactly as an agency's Kafka producer
 * would send them (events.md: one structured JSON event per message):
 * - structured mode (`application/cloudevents+json`): the body is one event, sent byte for byte;
 * - batched mode (`application/cloudevents-batch+json`): the body is a JSON array of events; each
 *   element's own bytes are cut out of the body (not re-serialized), so what is checked and sent is
 *   what the agency wrote;
 * - binary mode (`ce-*` headers, body = `data` as `application/json`): the attributes from the
 *   headers (percent-decoded) and the body, spliced in unchanged, make one structured event.
 * Whether an event is valid is not decided here: that is `@ipasn/normalize` (ingest.ts).
 */
import { GatewayError } from '../errors.js';

export const STRUCTURED = 'application/cloudevents+json';
export const BATCH = 'application/cloudevents-batch+json';
export const BINARY_DATA = 'application/json';

export type Mode = 'structured' | 'batch' | 'binary';

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export function modeOf(contentType: string | undefined): Mode | null {
  switch (mediaType(contentType)) {
    case STRUCTURED:
      return 'structured';
    case BATCH:
      return 'batch';
    case BINARY_DATA:
      return 'binary';
    default:
      return null;
  }
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function trimmed(body: Buffer, start: number, end: number): Buffer {
  let s = start;
  let e = end;
  while (s < e && SPACE.has(body[s]!)) s++;
  while (e > s && SPACE.has(body[e - 1]!)) e--;
  return body.subarray(s, e);
}

/**
 * The bytes of each element of a JSON array, in order. The body must already be known to be a
 * valid JSON array (the caller parsed it): the scan only tracks strings and nesting. UTF-8
 * continuation bytes are all ≥ 0x80, so they never look like `"`, `\`, `[`, `]`, `{`, `}` or `,`.
 */
export function splitJsonArray(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < body.length && SPACE.has(body[i]!)) i++;
  if (body[i] !== 0x5b) throw new Error('not a JSON array');
  let depth = 0;
  let inString = false;
  let start = i + 1;
  for (; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) {
        const last = trimmed(body, start, i);
        if (last.length > 0) out.push(last);
        return out;
      }
    } else if (c === 0x2c && depth === 1) {
      out.push(trimmed(body, start, i));
      start = i + 1;
    }
  }
  throw new Error('unterminated JSON array');
}

/** The events of a batched-mode body: 400 when it is not a JSON array, 413 over `maxEvents`. */
export function batchEvents(body: Buffer, maxEvents: number): Buffer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new GatewayError('GATEWAY_BAD_REQUEST', `a ${BATCH} body must be a JSON array of events: it is not JSON`);
  }
  if (!Array.isArray(parsed)) throw new GatewayError('GATEWAY_BAD_REQUEST', `a ${BATCH} body must be a JSON array of events`);
  if (parsed.length > maxEvents) throw new GatewayError('GATEWAY_TOO_LARGE', `${parsed.length} events in one batch: at most ${maxEvents} (GATEWAY_MAX_BATCH_EVENTS); split it`);
  const events = splitJsonArray(body);
  if (events.length !== parsed.length) throw new Error(`JSON array split into ${events.length} elements, parsed ${parsed.length}`);
  return events;
}

/** CloudEvents HTTP binding 3.1.3.2: header values are percent-decoded (UTF-8). */
export function percentDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * One binary-mode event as structured JSON bytes: every `ce-<name>` header becomes attribute
 * `<name>`, `datacontenttype` is `application/json`, and `data` is the body as it came. A body that
 * is not JSON is returned alone, so that the normalizer's check 1 names it (MALFORMED).
 */
export function binaryEvent(headers: Record<string, string | string[] | undefined>, body: Buffer): Buffer {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce-') || value === undefined) continue;
    if (Array.isArray(value)) throw new GatewayError('GATEWAY_BAD_REQUEST', `header ${name} is repeated`);
    attributes[name.slice(3)] = percentDecode(value);
  }
  if (attributes['specversion'] === undefined) throw new GatewayError('GATEWAY_BAD_REQUEST', 'binary mode needs the ce-specversion header (and ce-id, ce-source, ce-type, ce-subject, ce-time)');
  const text = body.toString('utf8');
  try {
    JSON.parse(text);
  } catch {
    return body;
  }
  const envelope = JSON.stringify({ ...attributes, datacontenttype: BINARY_DATA });
  // The body is known to be one JSON value: splicing it in cannot add or override attributes.
  return Buffer.from(`${envelope.slice(0, -1)},"data":${text.trim()}}`, 'utf8');
}
