/**
 * `ipasn rebuild`: Redis holds derived state only, so it can be thrown away and rebuilt from Kafka
 * (design.md, "State and correctness"):
 *
 *   1. drop the employee states (`<prefix>emp:*`, found through the StateStore) and every
 *      aggregate key (`<prefix>agg:*`);
 *   2. replay ipasn.events through the scorer's own chunk apply (@ipasn/profiles applyEventChunk:
 *      the same core, key layout and codec), emitting nothing;
 *   3. apply ipasn.scores.latest (compacted: the latest score per NIP and rule set) through the same
 *      Lua script as the projector;
 *      and restore the normalizer's dedupe marks of the replayed events (marks.ts);
 *   4. write a new epoch marker (`<prefix>epoch`, @ipasn/redis epoch.ts) with what was replayed:
 *      a scorer or projector that started before the rebuild sees it changed and stops; one
 *      started after adopts it;
 *   5. verify.
 *
 * The scorer and the projector must be stopped while it runs: a scorer would write states the drop
 * just removed, a projector would apply scores on top of a half-built aggregate. Their consumer
 * group offsets are left alone: whatever they re-read on restart is at or below the rebuilt state
 * (the scorer skips it by position and re-emits it, the projector skips it by version).
 * The scorer's time-driven timers (BullMQ, keyed by NIP) are left alone too: a tick recomputes
 * from the rebuilt state.
 */
import { AggregateStore } from '@ipasn/aggregates';
import { IpasnError } from '@ipasn/errors';
import { readToEnd } from '@ipasn/kafka';
import { decodeCanonicalEvents } from '@ipasn/pipeline';
import { applyEventChunk, StateConflictError, StateStore } from '@ipasn/profiles';
import { writeEpoch, type Epoch, type Redis } from '@ipasn/redis';
import { SHIPPED_RULE_SETS } from '@ipasn/rules';
import { scoringContext } from '@ipasn/scoring';
import { SchemaRegistry, type ScoreEvent } from '@ipasn/serde';
import { withClients, type Clients, type PipelineOptions } from './clients.js';
import { verifyWith, type VerifyResult } from './verify.js';
import { MarkRestore, type MarkedEvent, type MarksResult } from './marks.js';

export type RebuildOptions = PipelineOptions & {
  /** The normalizer's NORMALIZER_DEDUPE_TTL_DAYS: life of a restored dedupe mark (default 8). */
  dedupeTtlDays?: number | undefined;
};

export interface RebuildResult {
  /** True when the final verify found no difference. */
  ok: boolean;
  /** Keys deleted before rebuilding. */
  dropped: { states: number; aggregates: number };
  states: {
    /** ipasn.events messages replayed. */
    events: number;
    /** Employee states written. */
    employees: number;
    /** Events the scorer rejects (NOT_OWNER, UNKNOWN_RECORD): positions advanced, nothing applied. */
    rejected: number;
    undecodable: number;
  };
  aggregates: {
    /** ipasn.scores.latest messages read (compaction may leave older ones next to the latest). */
    scores: number;
    /** Score events that changed an aggregate. */
    applied: number;
    /** Score events superseded by a newer version of the same employee. */
    stale: number;
    /** Score events that cannot be projected, and messages that are not score events. */
    invalid: number;
    undecodable: number;
  };
  /** The normalizer's dedupe marks restored from the replayed events (marks.ts). */
  marks: MarksResult;
  /** The epoch marker written once the state was rebuilt. */
  epoch: Epoch;
  verify: VerifyResult;
}

/** Deletes every stored employee state (the StateStore knows where they are). */
async function dropStates(redis: Redis, states: StateStore): Promise<number> {
  let deleted = 0;
  for await (const nips of states.scan()) deleted += await redis.unlink(...nips.map((nip) => states.key(nip)));
  return deleted;
}

async function rebuildStates(clients: Clients, options: PipelineOptions, registry: SchemaRegistry, store: StateStore, marks: MarkRestore): Promise<RebuildResult['states']> {
  const ruleSets = options.ruleSets ?? SHIPPED_RULE_SETS.all;
  const written = new Set<string>();
  let rejected = 0;
  let undecodable = 0;
  let total = 0;
  let done = 0;
  const { messages } = await readToEnd(clients.kafka, clients.topics.events, {
    groupPrefix: `${clients.topics.prefix}ipasn-rebuild-`,
    chunkSize: options.chunkSize ?? 1000,
    onStart: (t) => {
      total = t;
      options.onProgress?.({ phase: 'rebuild-states', done: 0, total });
    },
    onChunk: async (chunk, _topic, partition) => {
      const decoded = decodeCanonicalEvents(registry, chunk, partition);
      undecodable += decoded.undecodable.length;
      const rejects: MarkedEvent[] = [];
      try {
        // The scorer's context per chunk: a pinned date is not time-driven; a live one is today's.
        await applyEventChunk(store, decoded.inputs, () => scoringContext({ ruleSets, now: Date.now(), asOf: options.asOf, hold: options.hold, maxRecords: options.maxRecords }), {
          // A conflict means a scorer is running: the rebuild would race it.
          onConflict: 'fail',
          afterWrite: ({ result }) => {
            rejected += result.rejects.length;
            for (const r of result.rejects) rejects.push(r.input);
            for (const nip of result.states.keys()) written.add(nip);
            return Promise.resolve();
          },
        });
      } catch (err) {
        if (err instanceof StateConflictError) throw new IpasnError('REBUILD_SCORER_RUNNING', `${err.nips.length} employee states were written by someone else during the rebuild: stop the scorer first`, { cause: err });
        throw err;
      }
      await marks.chunk(decoded.inputs, rejects);
      done += chunk.length;
      options.onProgress?.({ phase: 'rebuild-states', done, total });
    },
  });
  return { events: messages, employees: written.size, rejected, undecodable };
}

async function rebuildAggregates(clients: Clients, options: PipelineOptions, registry: SchemaRegistry, store: AggregateStore): Promise<RebuildResult['aggregates']> {
  const out = { scores: 0, applied: 0, stale: 0, invalid: 0, undecodable: 0 };
  let total = 0;
  await readToEnd(clients.kafka, clients.topics.scoresLatest, {
    groupPrefix: `${clients.topics.prefix}ipasn-rebuild-`,
    chunkSize: options.chunkSize ?? 1000,
    onStart: (t) => {
      total = t;
      options.onProgress?.({ phase: 'rebuild-aggregates', done: 0, total });
    },
    onChunk: async (chunk) => {
      const events: ScoreEvent[] = [];
      for (const m of chunk) {
        // A null value is a compaction tombstone: nothing to apply.
        if (m.value === null) continue;
        try {
          events.push(registry.decodeAs('ScoreEvent', m.value).value);
        } catch {
          out.undecodable++;
        }
      }
      for (const o of await store.apply(events)) {
        if (o.invalid !== null) out.invalid++;
        else if (o.legs.every((l) => l.result === 'stale')) out.stale++;
        else out.applied++;
      }
      out.scores += chunk.length;
      options.onProgress?.({ phase: 'rebuild-aggregates', done: out.scores, total });
    },
  });
  return out;
}

export async function rebuildWith(clients: Clients, options: RebuildOptions): Promise<RebuildResult> {
  const registry = SchemaRegistry.load();
  const store = await AggregateStore.open(clients.redis, clients.redisPrefix);
  const stateStore = await StateStore.open(clients.redis, clients.redisPrefix);
  options.onProgress?.({ phase: 'drop', done: 0, total: 2 });
  const states = await dropStates(clients.redis, stateStore);
  options.onProgress?.({ phase: 'drop', done: 1, total: 2 });
  const aggregates = await store.drop();
  options.onProgress?.({ phase: 'drop', done: 2, total: 2 });
  clients.logger.info({ states, aggregates }, 'rebuild: derived state dropped');

  const markRestore = new MarkRestore(clients.redis, clients.redisPrefix, { ttlDays: options.dedupeTtlDays });
  const rebuiltStates = await rebuildStates(clients, options, registry, stateStore, markRestore);
  clients.logger.info(rebuiltStates, 'rebuild: scorer states rebuilt');
  const marks = await markRestore.finish();
  clients.logger.info(marks, 'rebuild: dedupe marks restored');
  const rebuiltAggregates = await rebuildAggregates(clients, options, registry, store);
  clients.logger.info(rebuiltAggregates, 'rebuild: aggregates rebuilt');
  const epoch = await writeEpoch(clients.redis, clients.redisPrefix, { by: 'rebuild', events: rebuiltStates.events, scores: rebuiltAggregates.scores });
  clients.logger.info({ epoch }, 'rebuild: epoch marker written');
  const verified = await verifyWith(clients, options);
  return { ok: verified.ok, dropped: { states, aggregates }, states: rebuiltStates, aggregates: rebuiltAggregates, marks, epoch, verify: verified };
}

/**
 * Drops and rebuilds the derived Redis state from Kafka, then verifies it. Stop the scorer and the
 * projector first (see the file comment).
 */
export async function rebuild(options: RebuildOptions = {}): Promise<RebuildResult> {
  return withClients(options, (clients) => rebuildWith(clients, options));
}
