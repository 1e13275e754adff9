/**
 * `ipasn rescore`: rescoring every affected employee from the stored profiles, without replaying
 * Kafka, after a rule set's data changed version or an agency's primary rule set changed. A BullMQ
 * flow: one chunk job per batch of stored employees, processed by the running scorers, with
 * retries and progress; a run survives restarts on both sides. The protocol (queue, chunk and
 * summary shapes, how a run is started) lives here; the scorer works the chunks.
 */
import { randomUUID } from 'node:crypto';
import type { RuleSetId } from '@ipasn/contracts';
import type { Logger } from '@ipasn/logger';
import { ChunkedRuns } from '@ipasn/queue';
import type { Redis } from '@ipasn/redis';
import type { RuleSetStatus } from './rule-set-status.js';
import type { StateStore } from './store.js';

export interface RescoreChunk {
  nips: string[];
  agency: string | null;
  rules: RuleSetId[];
}
export interface RescoreRequest {
  agency: string | null;
  rules: RuleSetId[];
  requestedAt: string;
  /** Names the run in the rule-set status (absent in runs started before it existed). */
  token?: string;
}
export interface RescoreSummary {
  agency: string | null;
  rules: RuleSetId[];
  employees: number;
  rescored: number;
  /** id → version the chunks were scored under; null when chunks disagree (scorers with different lists). */
  versions: Record<RuleSetId, string> | null;
}

export const RESCORE_QUEUE = 'scorer-rescore';

export interface RescoreChunkResult {
  seen: number;
  rescored: number;
  /** id → version of each requested rule set in the list of the scorer that worked the chunk. */
  versions?: Record<RuleSetId, string>;
}
export type RescoreRuns = ChunkedRuns<RescoreChunk, RescoreRequest, RescoreChunkResult>;

export function rescoreRuns(connection: Redis, redisPrefix: string, logger: Logger): RescoreRuns {
  return new ChunkedRuns({ connection, prefix: `${redisPrefix}bull`, name: RESCORE_QUEUE, logger });
}

/** Starts a run over every stored employee (the scorer filters by agency while working). */
export async function requestRescore(
  runs: RescoreRuns,
  store: StateStore,
  request: { agency?: string | undefined; rules: RuleSetId[]; chunkSize?: number; now?: Date; status?: RuleSetStatus },
): Promise<{ runId: string; chunks: number; employees: number }> {
  const size = request.chunkSize ?? 500;
  const chunks: RescoreChunk[] = [];
  let employees = 0;
  let current: string[] = [];
  for await (const batch of store.scan(1000)) {
    for (const nip of batch) {
      current.push(nip);
      employees++;
      if (current.length >= size) {
        chunks.push({ nips: current, agency: request.agency ?? null, rules: request.rules });
        current = [];
      }
    }
  }
  if (current.length > 0) chunks.push({ nips: current, agency: request.agency ?? null, rules: request.rules });
  const now = request.now ?? new Date();
  const token = randomUUID();
  // Over every employee, the run computes the rule sets: the console shows them "being computed".
  if (request.status && request.agency === undefined) await request.status.startRun(request.rules, token, now);
  const runId = await runs.start({ agency: request.agency ?? null, rules: request.rules, requestedAt: now.toISOString(), token }, chunks);
  return { runId, chunks: chunks.length, employees };
}

/** The summary of a finished run from its chunks' results. */
export function summarizeRescore(results: readonly RescoreChunkResult[], data: RescoreRequest): RescoreSummary {
  return {
    agency: data.agency,
    rules: data.rules,
    employees: results.reduce((a, r) => a + r.seen, 0),
    rescored: results.reduce((a, r) => a + r.rescored, 0),
    versions: agreedVersions(results),
  };
}

function agreedVersions(results: readonly RescoreChunkResult[]): Record<RuleSetId, string> | null {
  let out: Record<RuleSetId, string> | null = null;
  for (const r of results) {
    if (r.versions === undefined) return null;
    if (out === null) out = r.versions;
    else if (JSON.stringify(Object.entries(out).sort()) !== JSON.stringify(Object.entries(r.versions).sort())) return null;
  }
  return out;
}

/**
 * Closes a finished run in the rule-set status: a run over every employee whose chunks agree on
 * the versions marks those rule sets scored (and no longer computing). `closerVersions`: the list
 * in force of the scorer closing the run (id → version).
 */
export async function recordRescore(status: RuleSetStatus, summary: RescoreSummary, data: RescoreRequest, closerVersions: Readonly<Record<RuleSetId, string>>): Promise<void> {
  if (data.agency !== null || data.token === undefined) return;
  // A run over no stored employee has no chunk to report versions: the closing scorer's list says.
  const versions = summary.versions ?? (summary.employees === 0 ? Object.fromEntries(data.rules.flatMap((id) => (closerVersions[id] === undefined ? [] : [[id, closerVersions[id]]]))) : null);
  if (versions !== null) await status.runCompleted(versions, data.token);
}
