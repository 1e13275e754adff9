/**
 * The checks after the drain, all read with read_committed: ipasn.events (every accepted event
 * exactly once by (source, id), as many as declared), ipasn.dlq (every reject exactly once by its
 * source coordinates, with its declared reason) and ipasn.scores (the latest score of every
 * single-agency employee equals `ipasn score --rules all` over the file).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { decoders, scanTopic } from '@ipasn/e2e';
import { fromAvroCanonicalEvent } from '@ipasn/serde';
import { bytesKey, type Declared } from './expect.js';

export interface EventsCheck {
  records: number;
  /** Distinct (source, id). */
  unique: number;
  declared: number;
  /** (source, id) on ipasn.events more than once. */
  duplicates: string[];
  /** Of those, copies re-admitted after the scorer rejected the first (events.md: a reject leaves no dedupe mark). */
  readmitted: string[];
  /** Records of aborted transactions (read_uncommitted minus read_committed): the faults hit open transactions. */
  aborted: number;
}

export async function checkEvents(topic: string, d: Declared, scorerRejected: Set<string>): Promise<EventsCheck> {
  const per = new Map<string, number>();
  let records = 0;
  await scanTopic(
    topic,
    (m) => {
      const e = decoders.canonicalEvent(m.value ?? null, m);
      const k = `${e.source}|${e.id}`;
      per.set(k, (per.get(k) ?? 0) + 1);
      records += 1;
    },
    { timeoutMs: 30 * 60_000 },
  );
  let uncommitted = 0;
  await scanTopic(topic, () => void (uncommitted += 1), { readUncommitted: true, timeoutMs: 30 * 60_000 });
  const repeated = [...per].filter(([, n]) => n > 1).map(([k]) => k);
  const readmitted = repeated.filter((k) => scorerRejected.has(k));
  return { records, unique: per.size, declared: d.events, duplicates: repeated.filter((k) => !scorerRejected.has(k)), readmitted, aborted: uncommitted - records };
}

export interface DlqCheck {
  records: number;
  /** Dead letters with the same (stage, source topic, partition, offset). */
  duplicates: number;
  normalizer: { actual: Record<string, number>; declared: Record<string, number> };
  scorer: { actual: Record<string, number>; declared: Record<string, number> };
  /** Dead letters whose reason is not the one declared for that line (single-agency employees for the scorer's). */
  wrongReason: string[];
  /** Scorer rejects of employees sent by several agencies that differ from the file's order (events.md: topics are not ordered with each other). */
  orderDependent: number;
  /** Declared scorer rejects of single-agency employees that are not on ipasn.dlq. */
  missing: string[];
  /** `source|id` of every event the scorer rejected. */
  scorerRejected: Set<string>;
}

const bump = (o: Record<string, number>, k: string): void => void (o[k] = (o[k] ?? 0) + 1);

export async function checkDlq(topic: string, d: Declared): Promise<DlqCheck> {
  const coords = new Set<string>();
  const out: DlqCheck = { records: 0, duplicates: 0, normalizer: { actual: {}, declared: d.normalizer }, scorer: { actual: {}, declared: d.scorer }, wrongReason: [], orderDependent: 0, missing: [], scorerRejected: new Set() };
  await scanTopic(
    topic,
    (m) => {
      const dl = decoders.deadLetter(m.value ?? null, m);
      out.records += 1;
      const c = `${dl.stage}|${dl.sourceTopic}|${dl.sourcePartition}|${dl.sourceOffset}`;
      if (coords.has(c)) out.duplicates += 1;
      coords.add(c);
      if (dl.stage === 'normalizer') {
        bump(out.normalizer.actual, dl.reason);
        const key = dl.originalLength === null ? dl.originalValue.toString('latin1') : `sha256:${dl.originalSha256?.toString('hex')}`;
        if (!d.rejectBytes.get(key)?.has(dl.reason)) out.wrongReason.push(`normalizer ${dl.reason} at ${c}: ${dl.originalValue.toString('utf8').slice(0, 100)}`);
        return;
      }
      bump(out.scorer.actual, dl.reason);
      const k = `${dl.eventSource}|${dl.eventId}`;
      out.scorerRejected.add(k);
      const want = d.scorerRejects.get(k);
      if (want?.reason === dl.reason) return;
      const nip = fromAvroCanonicalEvent(decoders.canonicalEvent(dl.originalValue, m)).nip;
      if (d.singleAgency.has(nip)) out.wrongReason.push(`${dl.stage} ${dl.reason} for ${k} (declared: ${want?.reason ?? 'accepted'})`);
      else out.orderDependent += 1;
    },
    { timeoutMs: 30 * 60_000 },
  );
  for (const [k, want] of d.scorerRejects) if (d.singleAgency.has(want.nip) && !out.scorerRejected.has(k)) out.missing.push(`${want.reason} for ${k} not on ipasn.dlq`);
  return out;
}

export { bytesKey };

interface Score {
  agencyCode: string;
  employmentType: string;
  total: number;
  category: string;
  dimensions: Record<string, number>;
  dataGaps: string[];
}

const same = (a: Score, b: Score): boolean =>
  a.agencyCode === b.agencyCode &&
  a.employmentType === b.employmentType &&
  a.total === b.total &&
  a.category === b.category &&
  JSON.stringify(Object.entries(a.dimensions).sort()) === JSON.stringify(Object.entries(b.dimensions).sort()) &&
  JSON.stringify([...a.dataGaps].sort()) === JSON.stringify([...b.dataGaps].sort());

export interface ScoresCheck {
  compared: number;
  mismatches: string[];
}

/** The latest ACTIVE score per (NIP, rule set) on ipasn.scores against `ipasn score --rules all` (its NDJSON output file). */
export async function checkScores(topic: string, offlineFile: string, single: Set<string>): Promise<ScoresCheck> {
  const latest = new Map<string, { version: number; status: string; score: Score }>();
  await scanTopic(
    topic,
    (m) => {
      const s = decoders.scoreEvent(m.value ?? null, m);
      if (!single.has(s.nip)) return;
      const key = `${s.nip}:${s.ruleSet}`;
      const prev = latest.get(key);
      if (prev && prev.version > s.version) return;
      latest.set(key, { version: s.version, status: s.status, score: { agencyCode: s.agencyCode, employmentType: s.employmentType, total: s.total, category: s.category, dimensions: { ...s.dimensions }, dataGaps: s.dataGaps } });
    },
    { timeoutMs: 30 * 60_000 },
  );
  const out: ScoresCheck = { compared: 0, mismatches: [] };
  const seen = new Set<string>();
  const lines = createInterface({ input: createReadStream(offlineFile), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const s = JSON.parse(line) as Score & { nip: string; rules: string };
    if (!single.has(s.nip)) continue;
    const key = `${s.nip}:${s.rules}`;
    seen.add(key);
    out.compared += 1;
    const live = latest.get(key);
    if (!live || live.status !== 'ACTIVE') out.mismatches.push(`${key}: ipasn score ${s.total}, live ${live ? live.status : 'no score'}`);
    else if (!same(live.score, s)) out.mismatches.push(`${key}: ipasn score ${JSON.stringify(s)}, live ${JSON.stringify(live.score)}`);
  }
  for (const [key, live] of latest) if (live.status === 'ACTIVE' && !seen.has(key)) out.mismatches.push(`${key}: live ACTIVE ${live.score.total}, not in ipasn score`);
  return out;
}
