/**
 * `ipasn rebuild`: Redis holds derived state only, so it can be thrown away and rebuilt from Kafka
 * (design.md, "State and correctness"):
 *
 *   1. drop the employee states (`<prefix>emp:*`, found through the StateStore) and every
 *      aggregate key (`<prefix>agg:*`);
 *   2. replay ipasn.events through the scorer's own chunk apply (@ipasn/profiles applyEventChunk:
 *      the same core, key layout and codec), emitting nothing, up to the scorer group's committed
 *      offsets (the scorer processes the rest when it starts again, dead letters included; to the
 *      end when the group has none);
 *   3. apply ipasn.scores.latest (compacted: the latest score per NIP and rule set) through the same
 *      Lua script as the projector;
 *      and restore the normalizer's dedupe marks (marks.ts) of every event on ipasn.events: the
 *      replayed ones, then the rest past the scorer's position (the normalizer accepted them all);
 *   4. write the applied offsets (`<prefix>applied`, @ipasn/redis applied.ts): the end offsets of
 *      ipasn.events it replayed to (the states), and of ipasn.scores when it started reading
 *      ipasn.scores.latest (the aggregates: the scorer writes both topics in one transaction), so
 *      that the consumer groups' committed offsets, which a stopped scorer and projector left at or
 *      below them, pass the services' "Redis behind" check;
 *   5. write a new epoch marker (`<prefix>epoch`, @ipasn/redis epoch.ts) with what was replayed:
 *      a scorer or projector that started before the rebuild sees it changed and stops; one
 *      started after adopts it;
 *   6. verify.
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
import { readToEnd, withAdmin, type PartitionOffsets } from '@ipasn/kafka';
import { decodeCanonicalEvents, GROUPS } from '@ipasn/pipeline';
import { applyEventChunk, StateConflictError, StateStore } from '@ipasn/profiles';
import { writeApplied, writeEpoch, type Epoch, type Redis } from '@ipasn/redis';
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
  /**
   * ipasn.events messages past the scorer group's committed offsets, which the rebuild left to the
   * scorer (0 when it had processed everything, or has no offsets).
   */
  pending: number;
  /** The final verify; null when `pending` > 0 (it would compare with events the scorer has not processed yet: run `ipasn verify` once its lag is 0). */
  verify: VerifyResult | null;
}

/** Deletes every stored employee state (the StateStore knows where they are). */
async function dropStates(redis: Redis, states: StateStore): Promise<number> {
  let deleted = 0;
  for await (const nips of states.scan()) deleted += await redis.unlink(...nips.map((nip) => states.key(nip)));
  return deleted;
}

async function rebuildStates(clients: Clients, options: PipelineOptions, registry: SchemaRegistry, store: StateStore, marks: MarkRestore): Promise<RebuildResult['states'] & { ranges: PartitionOffsets[]; pending: number }> {
  const ruleSets = options.ruleSets ?? SHIPPED_RULE_SETS.all;
  const written = new Set<string>();
  let rejected = 0;
  let undecodable = 0;
  let total = 0;
  let done = 0;
  // Up to the scorer group's committed offsets, when it has any: the scorer resumes there and
  // processes the rest itself, dead letters included (a rebuilt state past its position would make
  // it skip those events, and their rejects would never reach ipasn.dlq). A group without committed
  // offsets (no scorer ran yet, or its offsets were deleted): to the end, as the scorer would.
  const group = `${clients.topics.prefix}${GROUPS.scorer}`;
  const committed = (await withAdmin(clients.kafka, (admin) => admin.groupOffsets(group, [clients.topics.events]))).filter((c) => c.topic === clients.topics.events);
  const until = committed.some((c) => BigInt(c.offset) >= 0n) ? new Map(committed.map((c) => [c.partition, BigInt(c.offset) >= 0n ? c.offset : '0'])) : undefined;
  const ends = await withAdmin(clients.kafka, (admin) => admin.topicOffsets(clients.topics.events));
  const { messages, ranges } = await readToEnd(clients.kafka, clients.topics.events, {
    ...(until ? { until } : {}),
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
  // Offsets, not messages (commit markers count): enough to tell whether the scorer has work left.
  const pending = ranges.reduce((n, r) => n + Math.max(0, Number(BigInt(ends.find((e) => e.partition === r.partition)?.high ?? r.high) - BigInt(r.high))), 0);
  return { events: messages, employees: written.size, rejected, undecodable, ranges, pending };
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
  const { ranges: eventRanges, pending, ...rebuiltStates } = await rebuildStates(clients, options, registry, stateStore, markRestore);
  clients.logger.info(rebuiltStates, 'rebuild: scorer states rebuilt');
  // The events past the scorer's position were accepted by the normalizer too: their marks as well
  // (the scorer deletes the mark of one it rejects when it gets there).
  if (pending > 0) {
    await readToEnd(clients.kafka, clients.topics.events, {
      from: new Map(eventRanges.map((r) => [r.partition, r.high])),
      groupPrefix: `${clients.topics.prefix}ipasn-rebuild-`,
      chunkSize: options.chunkSize ?? 1000,
      onChunk: async (chunk, _topic, partition) => {
        await markRestore.chunk(decodeCanonicalEvents(registry, chunk, partition).inputs, []);
      },
    });
  }
  const marks = await markRestore.finish();
  clients.logger.info(marks, 'rebuild: dedupe marks restored');
  // Before ipasn.scores.latest is read: the aggregates reflect at least this much of ipasn.scores.
  const scoreRanges = await withAdmin(clients.kafka, (admin) => admin.topicOffsets(clients.topics.scores));
  const rebuiltAggregates = await rebuildAggregates(clients, options, registry, store);
  clients.logger.info(rebuiltAggregates, 'rebuild: aggregates rebuilt');
  const applied = [
    ...eventRanges.map((r) => ({ topic: clients.topics.events, partition: r.partition, offset: r.high })),
    ...scoreRanges.map((r) => ({ topic: clients.topics.scores, partition: r.partition, offset: r.high })),
  ];
  await writeApplied(clients.redis, clients.redisPrefix, applied);
  clients.logger.info({ applied }, 'rebuild: applied offsets written');
  const epoch = await writeEpoch(clients.redis, clients.redisPrefix, { by: 'rebuild', events: rebuiltStates.events, scores: rebuiltAggregates.scores });
  clients.logger.info({ epoch }, 'rebuild: epoch marker written');
  // With events left to the scorer, a verify now compares with what it has not processed yet.
  const verified = pending > 0 ? null : await verifyWith(clients, options);
  if (!verified) clients.logger.info({ pending }, 'rebuild: verify skipped: the scorer has events to process; run ipasn verify once its lag is 0');
  return { ok: verified?.ok ?? true, dropped: { states, aggregates }, states: rebuiltStates, aggregates: rebuiltAggregates, marks, epoch, pending, verify: verified };
}

/**
 * Drops and rebuilds the derived Redis state from Kafka, then verifies it. Stop the scorer and the
 * projector first (see the file comment).
 */
export async function rebuild(options: RebuildOptions = {}): Promise<RebuildResult> {
  return withClients(options, (clients) => rebuildWith(clients, options));
}
