/**
 * `ipasn rescore`: rescoring every affected employee from the stored profiles, without replaying
 * Kafka, after a rule set's data changed version or an agency's primary rule set changed. A BullMQ
 * flow: one chunk job per batch of stored employees, processed by the running scorers, with
 * retries and progress; a run survives restarts on both sides. The protocol (queue, chunk and
 * summary shapes, how a run is started) lives here; the scorer works the chunks.
 */
import type { RuleSetId } from '@ipasn/contracts';
import type { Logger } from '@ipasn/logger';
import { ChunkedRuns } from '@ipasn/queue';
import type { Redis } from '@ipasn/redis';
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
}
export interface RescoreSummary {
  agency: string | null;
  rules: RuleSetId[];
  employees: number;
  rescored: number;
}

export const RESCORE_QUEUE = 'scorer-rescore';

export interface RescoreChunkResult {
  seen: number;
  rescored: number;
}
export type RescoreRuns = ChunkedRuns<RescoreChunk, RescoreRequest, RescoreChunkResult>;

export function rescoreRuns(connection: Redis, redisPrefix: string, logger: Logger): RescoreRuns {
  return new ChunkedRuns({ connection, prefix: `${redisPrefix}bull`, name: RESCORE_QUEUE, logger });
}

/** Starts a run over every stored employee (the scorer filters by agency while working). */
export async function requestRescore(
  runs: RescoreRuns,
  store: StateStore,
  request: { agency?: string | undefined; rules: RuleSetId[]; chunkSize?: number; now?: Date },
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
  const runId = await runs.start({ agency: request.agency ?? null, rules: request.rules, requestedAt: (request.now ?? new Date()).toISOString() }, chunks);
  return { runId, chunks: chunks.length, employees };
}

/** The summary of a finished run from its chunks' results. */
export function summarizeRescore(results: readonly RescoreChunkResult[], data: RescoreRequest): RescoreSummary {
  return {
    agency: data.agency,
    rules: data.rules,
    employees: results.reduce((a, r) => a + r.seen, 0),
    rescored: results.reduce((a, r) => a + r.rescored, 0),
  };
}
