/**
 * Publishing ingress NDJSON the way an agency does: each line, byte for byte, to its agency's
 * `ipasn.ingress.<code>` topic, keyed by the NIP (the digits of `subject`).
 *
 * Routing of a line, first match wins:
 * 1. `routeAgency` (a code for every line, or a function of the line);
 * 2. the generator's tag: the `topic` of the line's entry in the `--expect` file. The generator
 *    sends AGENCY_MISMATCH lines to another agency's topic than their `source`, UNKNOWN_AGENCY
 *    lines to the sender's topic (their `source` is unknown), and MALFORMED lines cannot be read at
 *    all: only the tag knows where they go;
 * 3. the agency of the line's `source` (`/agencies/<code>`);
 * 4. `fallbackAgency`; otherwise the line is an error.
 */
import { createReadStream } from 'node:fs';
import { BatchProducer, withAdmin, type KafkaClient, type OutMessage } from '@ipasn/kafka';
import { topicNames } from '@ipasn/pipeline';
import { testKafka } from './env.js';
import { readExpectations, type Expectation } from './generate.js';

export interface NdjsonLine {
  /** 1-based line number in the file (blank lines count). */
  number: number;
  /** The exact bytes of the line, without its newline. */
  bytes: Buffer;
  /** The parsed JSON, or undefined when the line is not JSON. */
  json: unknown;
}

export interface PublishOptions {
  /** The namespace prefix of the topics. */
  prefix: string;
  /** Send every line to this agency's topic, or decide per line (undefined: the next rule). */
  routeAgency?: string | ((line: NdjsonLine) => string | undefined);
  /** The generator's `--expect` file (path) or its entries, for the generator's routing tags. */
  expect?: string | ReadonlyMap<number, Expectation>;
  /** Where lines go that nothing else routes (unreadable lines without a tag). */
  fallbackAgency?: string;
  /** Messages per produce request (also bounded to ~800 KB); default 2000. */
  batchSize?: number;
  kafka?: KafkaClient;
  /** Called after each produce request with the number of lines sent so far. */
  onProgress?: (sent: number) => void;
}

export interface PublishResult {
  /** Lines read (including blank lines, which are not sent). */
  lines: number;
  sent: number;
  byAgency: Record<string, number>;
  /** Every message key sent (NIP digits), e.g. to grep logs for them. */
  keys: Set<string>;
  bytes: number;
  ms: number;
}

const MAX_REQUEST_BYTES = 800_000;

/** Publishes an NDJSON file (see the module comment for routing and keys). */
export async function publishNdjson(file: string, options: PublishOptions): Promise<PublishResult> {
  const expect = typeof options.expect === 'string' ? await readExpectations(options.expect) : options.expect;
  return publishLines(readLines(file), { ...options, ...(expect ? { expect } : {}) });
}

/** Publishes lines given in memory (strings or exact bytes), routed and keyed like `publishNdjson`. */
export async function publishLines(lines: Iterable<string | Buffer> | AsyncIterable<string | Buffer>, options: PublishOptions): Promise<PublishResult> {
  if (typeof options.expect === 'string') throw new Error('publishLines takes expectations as a Map: use readExpectations');
  const expect = options.expect;
  const topics = topicNames(options.prefix);
  const batchSize = options.batchSize ?? 2000;
  const kafka = options.kafka ?? testKafka();
  const producer = new BatchProducer(kafka);
  const result: PublishResult = { lines: 0, sent: 0, byAgency: {}, keys: new Set(), bytes: 0, ms: 0 };
  const t0 = performance.now();
  let batch: OutMessage[] = [];
  let batchBytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await producer.send(batch);
    result.sent += batch.length;
    batch = [];
    batchBytes = 0;
    options.onProgress?.(result.sent);
  };
  // The producer would retry a missing topic for ever (idempotent: unbounded retries): fail instead.
  const existing = new Set<string>();
  const checkTopic = async (topic: string, lineNumber: number): Promise<void> => {
    if (existing.has(topic)) return;
    for (const t of await listTopics(kafka)) existing.add(t);
    if (!existing.has(topic)) throw new Error(`line ${lineNumber} goes to ${topic}, which does not exist (createTopics with that agency code)`);
  };
  await producer.connect();
  try {
    for await (const item of lines) {
      result.lines += 1;
      const bytes = typeof item === 'string' ? Buffer.from(item, 'utf8') : item;
      if (bytes.length === 0) continue;
      const line: NdjsonLine = { number: result.lines, bytes, json: parseJson(bytes) };
      const agency = route(line, options, expect);
      await checkTopic(topics.ingress(agency), line.number);
      const key = nipKey(line);
      if (key !== null) result.keys.add(key);
      if (batchBytes + bytes.length > MAX_REQUEST_BYTES) await flush();
      batch.push({ topic: topics.ingress(agency), key, value: bytes });
      batchBytes += bytes.length + 64;
      result.bytes += bytes.length;
      result.byAgency[agency] = (result.byAgency[agency] ?? 0) + 1;
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    await producer.close();
  }
  result.ms = performance.now() - t0;
  return result;
}

function listTopics(kafka: KafkaClient): Promise<string[]> {
  return withAdmin(kafka, (admin) => admin.listTopics());
}

function route(line: NdjsonLine, options: PublishOptions, expect: ReadonlyMap<number, Expectation> | undefined): string {
  const { routeAgency } = options;
  const forced = typeof routeAgency === 'function' ? routeAgency(line) : routeAgency;
  if (forced !== undefined) return forced;
  const tagged = expect?.get(line.number)?.topic;
  if (tagged !== undefined) return tagged;
  const source = isObject(line.json) ? line.json['source'] : undefined;
  const m = typeof source === 'string' ? /^\/agencies\/([0-9A-Z]{4})$/u.exec(source) : null;
  if (m?.[1]) return m[1];
  if (options.fallbackAgency !== undefined) return options.fallbackAgency;
  throw new Error(`line ${line.number}: no agency to route it to (no tag, no readable source, no fallbackAgency)`);
}

/** The message key: the digits of `subject` (also dug out of unreadable lines), or null. */
export function nipKey(line: { bytes: Buffer; json: unknown }): string | null {
  let subject: unknown = isObject(line.json) ? line.json['subject'] : undefined;
  if (subject === undefined && line.json === undefined) {
    subject = /"subject"\s*:\s*"([^"]*)"/u.exec(line.bytes.toString('utf8'))?.[1];
  }
  if (typeof subject !== 'string' && typeof subject !== 'number') return null;
  const digits = String(subject).replace(/\D/gu, '');
  return digits.length > 0 ? digits : null;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The lines of a file as exact bytes (split on \n only; a \r stays part of its line). */
export async function* readLines(file: string): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    let buf = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let nl: number;
    while ((nl = buf.indexOf(0x0a)) !== -1) {
      yield buf.subarray(0, nl);
      buf = buf.subarray(nl + 1);
    }
    rest = Buffer.from(buf);
  }
  if (rest.length > 0) yield rest;
}
