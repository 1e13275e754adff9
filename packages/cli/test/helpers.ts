/** Test helpers: run the built binary, build ingress lines, read its outputs. */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'dist', 'bin', 'ipasn.js');

export const AS_OF = '2025-06-30';
export const NOW = '2025-06-30T10:00:00Z';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function ipasn(args: readonly string[], input?: string | Buffer, env?: Record<string, string>): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: input ?? '',
    ...(env ? { env: { ...process.env, ...env } } : {}),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `ipasn score` pinned to the test clock. */
export function score(extra: readonly string[], input: string | Buffer, env?: Record<string, string>): Run {
  return ipasn(['score', '--as-of', AS_OF, '--now', NOW, ...extra], input, env);
}

export function ndjson<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}

export interface RejectOut {
  line: number;
  id: string | null;
  source: string | null;
  reason: string;
  message: string;
}

export function rejectsOf(stderr: string): RejectOut[] {
  return ndjson<RejectOut & { stats?: unknown }>(stderr).filter((r) => r.stats === undefined);
}

export function statsOf(stderr: string): Record<string, unknown> {
  const last = ndjson<{ stats?: Record<string, unknown> }>(stderr).at(-1);
  if (!last?.stats) throw new Error(`no stats line in: ${stderr.slice(-500)}`);
  return last.stats;
}

/** A valid, distinct PNS NIP for each i < 1000 (birth 1980–1999, TMT at 25, gender 1/2). */
export function nip(i: number): string {
  const y = 1980 + (i % 20);
  const m = String(1 + (i % 12)).padStart(2, '0');
  return `${y}${m}10${y + 25}03${1 + (i % 2)}${String(i).padStart(3, '0')}`;
}

let seq = 0;

export interface LineFields {
  type: string;
  subject: string;
  data: unknown;
  agency?: string;
  id?: string;
  time?: string;
  extra?: Record<string, unknown>;
}

/** One ingress line (CloudEvents structured JSON). */
export function ev(f: LineFields): string {
  seq += 1;
  return JSON.stringify({
    specversion: '1.0',
    id: f.id ?? `test-${seq}`,
    source: `/agencies/${f.agency ?? '4011'}`,
    type: f.type,
    subject: f.subject,
    time: f.time ?? '2025-06-01T09:00:00+07:00',
    ...f.extra,
    data: f.data,
  });
}

export const T = {
  upsert: 'ipasn.employee.upserted',
  education: 'ipasn.education.recorded',
  training: 'ipasn.training.recorded',
  appraisal: 'ipasn.appraisal.recorded',
  discipline: 'ipasn.discipline.recorded',
  retract: 'ipasn.record.retracted',
  transfer: 'ipasn.employee.transferred',
  separate: 'ipasn.employee.separated',
} as const;

export function upsert(subject: string, data: Record<string, unknown> = {}, agency = '4011'): string {
  return ev({
    type: T.upsert,
    subject,
    agency,
    data: { name: 'Siti Rahayu', employmentType: 'PNS', jobGroup: 'PELAKSANA', ...data },
  });
}

export function rec(type: string, subject: string, data: Record<string, unknown>, agency = '4011'): string {
  return ev({ type, subject, agency, data });
}

export function lines(...ls: string[]): string {
  return `${ls.join('\n')}\n`;
}
