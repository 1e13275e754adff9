/**
 * What both arms share, so that the only difference between them is the client: the settings of
 * the run, the records, the transform, the chunking rule and the clock.
 */
import { randomBytes } from 'node:crypto';

export interface Settings {
  brokers: string[];
  records: number;
  recordBytes: number;
  partitions: number;
  outPartitions: number;
  /** Messages per handler call, and per transaction in the transactional arm (normalizer default). */
  chunkSize: number;
  rounds: number;
  clients: ClientName[];
  /**
   * First retry delay of the transactional producers, ms (kafkajs initialRetryTime, platformatic
   * retryDelay). 100 is the project's client-wide kafkajs setting.
   */
  txRetryMs: number;
  /** Give up on one measurement after this long (a stuck client must not hang the run). */
  runTimeoutMs: number;
}

export const CLIENT_NAMES = ['kafkajs', 'platformatic', 'platformatic-kip848'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];
export type Mode = 'consume' | 'ctp';

export interface RunInput {
  settings: Settings;
  inTopic: string;
  outTopic: string;
  groupId: string;
  /** Prefix of the transactional ids of this run (unique per run, so no run fences another). */
  txPrefix: string;
}

export interface RunResult {
  records: number;
  /** First record in hand → last chunk done (committed). */
  steadyMs: number;
  /** Client created → last chunk done: includes connecting and joining the group. */
  totalMs: number;
  chunks: number;
  /** Requests of the transactional producers answered with an error and retried. */
  txRetries: number;
}

export type Arm = (mode: Mode, input: RunInput) => Promise<RunResult>;

/** A chunk of one partition, as the project's ChunkHandler sees it. */
export interface Chunk {
  topic: string;
  partition: number;
  /** key and value of each record, in offset order. */
  keys: (Buffer | null)[];
  values: (Buffer | null)[];
  /** Offset of the last record, as a bigint. */
  lastOffset: bigint;
}

/**
 * The "transform" of the consume-transform-produce arm: parse the JSON event and write it back
 * with one field added. The normalizer does far more (zod, dedupe in Redis, Avro); this keeps the
 * CPU per record small and identical for both clients, so the difference measured is the client's.
 */
export function transform(value: Buffer | null, at: string): Buffer | null {
  if (value === null) return null;
  const event = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
  event['normalizedAt'] = at;
  return Buffer.from(JSON.stringify(event));
}

const AGENCIES = ['3004', '6422', '6406', '1101', '3171', '5103', '7371', '9101', '1207', '3578', '6471'];
const TYPES = ['ipasn.employee.upserted', 'ipasn.training.recorded', 'ipasn.appraisal.recorded', 'ipasn.education.recorded'];

/**
 * N ingress-like CloudEvents JSON records, keyed by an 18-digit NIP. Their mean size is
 * `meanBytes` (the padding field varies ±25 % around what the fixed fields leave), like
 * `ipasn generate`'s output (mean ≈ 320–324 bytes).
 */
export function* records(n: number, meanBytes: number): Generator<{ key: Buffer; value: Buffer }> {
  const salt = randomBytes(4).toString('hex');
  for (let i = 0; i < n; i++) {
    const nip = `19${String(700000000000000 + ((i * 7919) % 99999999999)).padStart(16, '0')}`;
    const base = {
      specversion: '1.0',
      id: `${salt}-${i}`,
      source: `/agencies/${AGENCIES[i % AGENCIES.length] ?? '3004'}`,
      type: TYPES[i % TYPES.length] ?? TYPES[0],
      subject: nip,
      time: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
      data: { name: '', employmentType: 'PNS', unitName: 'Dinas Pendidikan' },
    };
    const fixed = Buffer.byteLength(JSON.stringify(base));
    const spread = Math.round(meanBytes * 0.25);
    const target = meanBytes - spread + ((i * 37) % (2 * spread + 1));
    base.data.name = 'x'.repeat(Math.max(1, target - fixed));
    yield { key: Buffer.from(nip), value: Buffer.from(JSON.stringify(base)) };
  }
}

export function now(): number {
  return performance.now();
}

/** `p`, or a rejection naming what was seen so far once `timeoutMs` has passed. */
export async function withTimeout<T>(p: Promise<T>, timeoutMs: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what()}`)), timeoutMs);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The median; NaN for no values (a client whose every run failed). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
