/**
 * One chunk of `ipasn.events` applied to the stored employee states — the loop the scorer and
 * `ipasn rebuild` share: load the touched states in one round trip, apply the chunk with the pure
 * core, write back with compare-and-set, and go again for the employees whose state someone else
 * wrote in between (the time-driven rescoring writes the same keys).
 */
import { IpasnError } from '@ipasn/errors';
import { applyChunk, type ChunkResult, type EventInput, type ScoringContext } from '@ipasn/scoring';
import type { StateStore } from './store.js';

export interface ChunkAttempt {
  /** The core's result for the inputs of this attempt. */
  result: ChunkResult;
  /** NIPs whose write lost the race: their events go into the next attempt, nothing of them counts. */
  conflicts: ReadonlySet<string>;
  /** The inputs of this attempt. */
  inputs: readonly EventInput[];
}

export interface ApplyHooks {
  /** Runs after the write with what was written (score events and timers of the employees not in conflict). */
  afterWrite?: (attempt: ChunkAttempt) => Promise<void>;
  /** 'retry' (default) applies conflicting employees again, up to `maxAttempts`; 'fail' throws at the first conflict. */
  onConflict?: 'retry' | 'fail';
  /** Default 8. */
  maxAttempts?: number;
}

export class StateConflictError extends IpasnError {
  override name = 'StateConflictError';
  constructor(
    message: string,
    readonly nips: readonly string[],
    retriable: boolean,
  ) {
    super('STATE_CONFLICT', message, { retriable });
  }
}

/**
 * Applies `inputs` (in `ipasn.events` order) to the stored states. `context` is asked once per
 * attempt (a live scorer evaluates as of the moment it writes).
 */
export async function applyEventChunk(store: StateStore, inputs: readonly EventInput[], context: () => ScoringContext, hooks: ApplyHooks = {}): Promise<void> {
  const maxAttempts = hooks.maxAttempts ?? 8;
  let pending = inputs;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > maxAttempts) {
      // Retriable: the consumer hands the chunk back; the writers it raced against will have moved on.
      throw new StateConflictError(`profile writes kept conflicting for ${pending.length} events`, [...new Set(pending.map((i) => i.event.nip))], true);
    }
    const loaded = await store.load(pending.map((i) => i.event.nip));
    const result = applyChunk(new Map([...loaded].map(([nip, l]) => [nip, l.state])), pending, context());
    const conflicts = new Set(await store.write([...result.states].map(([nip, state]) => ({ nip, state, w: loaded.get(nip)?.w ?? '0' }))));
    if (conflicts.size > 0 && hooks.onConflict === 'fail') {
      throw new StateConflictError(`${conflicts.size} employee states were written by someone else meanwhile`, [...conflicts], false);
    }
    await hooks.afterWrite?.({ result, conflicts, inputs: pending });
    pending = pending.filter((i) => conflicts.has(i.event.nip));
  }
}
