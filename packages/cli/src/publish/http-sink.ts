/**
 * `ipasn publish --http URL`: the second transport. Instead of a Kafka producer, each agency's
 * events go to the HTTP gateway (services/gateway, docs/gateway.md) as CloudEvents batches
 * (`application/cloudevents-batch+json`), with that agency's API token. The gateway answers only
 * after the broker stored the events (acks=all). A 503 or 429 is retried after its Retry-After with
 * the same events (the normalizer drops the copies a retry can make); events the gateway rejects
 * (only possible with --send-invalid: the CLI runs the same checks first) are counted; the gateway
 * stores them for the normalizer to dead-letter, as over Kafka. An event whose source is another
 * agency is refused (403) and not stored: a token speaks for one agency only.
 */
import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { OutMessage } from '@ipasn/kafka';
import type { TopicNames } from '@ipasn/pipeline';
import { IoError } from '../errors.js';
import type { MessageSink } from './sender.js';

export interface HttpSinkOptions {
  /** The gateway's base URL (`https://host:port`). */
  url: string;
  topics: TopicNames;
  /** A folder of `agency-<code>.token` files (one token per agency), or one token for every event. */
  tokens: { dir: string } | { token: string };
  /** PEM of a CA to trust besides the system's (the local CA of `npm run up`). */
  ca?: string;
  /** Events per request (the gateway's GATEWAY_MAX_BATCH_EVENTS, 1000 by default). */
  maxEvents?: number;
  /** Attempts of one request through 503/429 answers before giving up. */
  maxAttempts?: number;
  /** Waits between attempts (injected in tests). */
  sleep?: (ms: number) => Promise<void>;
}

const MAX_REQUEST_BYTES = 3_500_000;
const BATCH = 'application/cloudevents-batch+json';
const STRUCTURED = 'application/cloudevents+json';
const SOURCE = /^\s*\/agencies\/([^/\s]+)\s*$/u;

/** Whether an event can share a batch: it is JSON and its source is not another agency's. */
function batchable(m: OutMessage, code: string): boolean {
  if (m.value === null) return false;
  try {
    const parsed = JSON.parse(m.value.toString('utf8')) as unknown;
    const source = typeof parsed === 'object' && parsed !== null ? (parsed as { source?: unknown }).source : undefined;
    const agency = typeof source === 'string' ? SOURCE.exec(source)?.[1] : undefined;
    return agency === undefined || agency.toUpperCase() === code.toUpperCase();
  } catch {
    return false;
  }
}

interface Answer {
  status: number;
  retryAfterS: number | null;
  body: string;
}

export class HttpSink implements MessageSink {
  readonly #url: URL;
  readonly #agent: HttpAgent | HttpsAgent;
  readonly #tokens = new Map<string, Promise<string>>();
  /** Events the gateway answered as rejected, by reason. */
  readonly rejected = new Map<string, number>();
  /** HTTP requests made (retries included). */
  requests = 0;

  constructor(private readonly o: HttpSinkOptions) {
    this.#url = new URL('/v1/events', o.url);
    if (this.#url.protocol !== 'http:' && this.#url.protocol !== 'https:') throw new IoError(`--http ${o.url}: expected an http:// or https:// URL`);
    this.#agent = this.#url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, ...(o.ca !== undefined ? { ca: o.ca } : {}) }) : new HttpAgent({ keepAlive: true });
  }

  get rejectedTotal(): number {
    return [...this.rejected.values()].reduce((a, b) => a + b, 0);
  }

  async send(messages: readonly OutMessage[]): Promise<void> {
    const byAgency = new Map<string, OutMessage[]>();
    for (const m of messages) {
      const code = this.o.topics.ingressPattern.exec(m.topic)?.[1];
      if (code === undefined) throw new IoError(`${m.topic} is not an ingress topic`);
      const list = byAgency.get(code) ?? [];
      list.push(m);
      byAgency.set(code, list);
    }
    // Agencies in parallel; one agency's requests in order (its events keep their order).
    await Promise.all(
      [...byAgency].map(async ([code, list]) => {
        // --send-invalid: an event that is not JSON, or names another agency, would make the whole
        // batch a 400 or a 403; it goes alone, in structured mode, and its refusal is counted.
        const alone = list.filter((m) => !batchable(m, code));
        const batched = alone.length === 0 ? list : list.filter((m) => batchable(m, code));
        for (const chunk of chunks(batched, this.o.maxEvents ?? 1000)) await this.#post(code, chunk, BATCH);
        for (const m of alone) await this.#post(code, [m], STRUCTURED);
      }),
    );
  }

  close(): Promise<void> {
    this.#agent.destroy();
    return Promise.resolve();
  }

  async #post(code: string, messages: readonly OutMessage[], type: typeof BATCH | typeof STRUCTURED): Promise<void> {
    const values = messages.map((m) => m.value ?? Buffer.alloc(0));
    const body = type === STRUCTURED ? values[0]! : Buffer.concat([Buffer.from('['), ...values.flatMap((v, i) => (i === 0 ? [v] : [Buffer.from(','), v])), Buffer.from(']')]);
    const token = await this.#token(code);
    const attempts = this.o.maxAttempts ?? 30;
    for (let attempt = 1; ; attempt++) {
      const answer = await this.#request(body, token, type);
      this.requests += 1;
      if (answer.status === 202 || answer.status === 207 || (type === STRUCTURED && answer.status === 422)) {
        if (answer.status !== 202) this.#countRejects(answer.body);
        return;
      }
      if (type === STRUCTURED && answer.status === 403) {
        this.rejected.set('AGENCY_MISMATCH', (this.rejected.get('AGENCY_MISMATCH') ?? 0) + 1);
        return;
      }
      if ((answer.status === 503 || answer.status === 429) && attempt < attempts) {
        await (this.o.sleep ?? sleep)((answer.retryAfterS ?? 1) * 1000);
        continue;
      }
      throw new IoError(`the gateway answered ${answer.status} for agency ${code}'s events: ${messageOf(answer.body)}`);
    }
  }

  #countRejects(body: string): void {
    const parsed = JSON.parse(body) as { results?: { status: string; reason?: string }[] };
    for (const r of parsed.results ?? []) if (r.status === 'rejected') this.rejected.set(r.reason ?? '?', (this.rejected.get(r.reason ?? '?') ?? 0) + 1);
  }

  #token(code: string): Promise<string> {
    const t = this.o.tokens;
    if ('token' in t) return Promise.resolve(t.token);
    let p = this.#tokens.get(code);
    if (p === undefined) {
      const file = join(t.dir, `agency-${code}.token`);
      p = readFile(file, 'utf8').then(
        (s) => s.trim(),
        (err: unknown) => {
          throw new IoError(`no gateway token for agency ${code}: cannot read ${file} (${(err as Error).message}); issue one with infra/scripts/gateway-tokens.sh issue ${code}`, { cause: err });
        },
      );
      this.#tokens.set(code, p);
    }
    return p;
  }

  #request(body: Buffer, token: string, type: string): Promise<Answer> {
    const request = this.#url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Answer>((resolve, reject) => {
      const req = request(
        this.#url,
        { method: 'POST', agent: this.#agent, headers: { authorization: `Bearer ${token}`, 'content-type': type, 'content-length': body.length } },
        (res: IncomingMessage) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => {
            const retry = Number(res.headers['retry-after']);
            resolve({ status: res.statusCode ?? 0, retryAfterS: Number.isFinite(retry) && retry >= 0 ? retry : null, body: Buffer.concat(parts).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err) => reject(new IoError(`cannot reach the gateway at ${this.#url.origin}: ${err.message}`, { cause: err })));
      req.end(body);
    });
  }
}

/** Runs of at most `max` messages and ~3.5 MB (the gateway's body limit is 4 MiB by default). */
function* chunks(list: readonly OutMessage[], max: number): Generator<OutMessage[]> {
  let current: OutMessage[] = [];
  let bytes = 2;
  for (const m of list) {
    const size = (m.value?.length ?? 4) + 1;
    if (current.length > 0 && (current.length >= max || bytes + size > MAX_REQUEST_BYTES)) {
      yield current;
      current = [];
      bytes = 2;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) yield current;
}

function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
