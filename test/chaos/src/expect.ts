/**
 * What the generator declared, as `ipasn publish` sends it. The generator (`ipasn generate
 * --expect`) declares every intended reject and duplicate per line, never asking the validator.
 * `ipasn publish` routes every event to its own `source`'s topic, which is how `ipasn score` reads a
 * file (the generator's `offlineReason`: an event meant for another agency's topic is a valid event
 * of a non-owner there, NOT_OWNER, decided by the scorer); lines publish cannot route (no readable
 * source of a known agency) are never sent and are left out.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { NORMALIZER_REASONS, readExpectations, readLines } from '@ipasn/e2e';

export interface Declared {
  lines: number;
  /** Records ipasn.events must hold: lines passing checks 1–7, minus re-sent copies. */
  events: number;
  duplicates: number;
  /** Dead letters of checks 1–7 per reason (lines that were sent). */
  normalizer: Record<string, number>;
  /** Dead letters the scorer decides (NOT_OWNER, UNKNOWN_RECORD, TOO_MANY_RECORDS) per reason, as `ipasn score` over the file decides them. */
  scorer: Record<string, number>;
  /** Lines ipasn publish could not route (never sent), per reason. */
  unroutable: Record<string, number>;
  /** Original bytes (latin1; `sha256:` for lines over 64 KiB) → the reasons declared for them. */
  rejectBytes: Map<string, Set<string>>;
  /** `source|id` → the scorer reason declared for that line, and its NIP. */
  scorerRejects: Map<string, { reason: string; nip: string }>;
  /** NIPs whose lines all name one source agency (their order is the file's order). */
  singleAgency: Set<string>;
}

const NORMALIZER = new Set<string>(NORMALIZER_REASONS);
const bump = (o: Record<string, number>, k: string): void => void (o[k] = (o[k] ?? 0) + 1);

type Wire = { id?: unknown; source?: unknown; subject?: unknown };
function parseObject(line: Buffer): Wire | null {
  try {
    const v = JSON.parse(line.toString('utf8')) as unknown;
    return v !== null && typeof v === 'object' ? (v) : null;
  } catch {
    return null;
  }
}

export const bytesKey = (line: Buffer): string => (line.length > 65_536 ? `sha256:${createHash('sha256').update(line).digest('hex')}` : line.toString('latin1'));

/** Reads the stream, its --expect file and ipasn publish's --rejects file (JSON lines with `fate`). */
export async function declared(streamFile: string, expectFile: string, publishRejectsFile: string): Promise<Declared> {
  const expectations = await readExpectations(expectFile);
  const unroutableLines = new Map<number, string>();
  for (const row of (await readFile(publishRejectsFile, 'utf8')).split('\n')) {
    if (!row.trim()) continue;
    const r = JSON.parse(row) as { line: number; reason: string; fate: string };
    if (r.fate === 'unroutable') unroutableLines.set(r.line, r.reason);
  }
  const d: Declared = { lines: 0, events: 0, duplicates: 0, normalizer: {}, scorer: {}, unroutable: {}, rejectBytes: new Map(), scorerRejects: new Map(), singleAgency: new Set() };
  const sources = new Map<string, string | null>(); // NIP → its one source, null when several
  let normalizerRejects = 0;
  let n = 0;
  for await (const line of readLines(streamFile)) {
    n += 1;
    const e = expectations.get(n);
    const j = parseObject(line);
    if (j !== null && typeof j.subject === 'string' && typeof j.source === 'string') {
      const nip = j.subject.replace(/[\s.-]/gu, '');
      const prev = sources.get(nip);
      if (prev === undefined) sources.set(nip, j.source);
      else if (prev !== j.source) sources.set(nip, null);
    }
    if (e && 'duplicateOf' in e) {
      d.duplicates += 1;
      continue;
    }
    const reason = e ? (e.offlineReason ?? e.reason) : undefined;
    if (reason === undefined) continue;
    if (NORMALIZER.has(reason)) {
      normalizerRejects += 1;
      const unroutable = unroutableLines.get(n);
      if (unroutable !== undefined) {
        bump(d.unroutable, reason);
        continue;
      }
      bump(d.normalizer, reason);
      const key = bytesKey(line);
      d.rejectBytes.set(key, (d.rejectBytes.get(key) ?? new Set()).add(reason));
    } else {
      bump(d.scorer, reason);
      if (j && typeof j.source === 'string' && typeof j.id === 'string' && typeof j.subject === 'string') {
        d.scorerRejects.set(`${j.source}|${j.id}`, { reason, nip: j.subject.replace(/[\s.-]/gu, '') });
      }
    }
  }
  d.lines = n;
  d.events = n - d.duplicates - normalizerRejects;
  for (const [nip, source] of sources) if (source !== null) d.singleAgency.add(nip);
  return d;
}
