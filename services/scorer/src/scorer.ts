/**
 * The scorer's I/O around the pure core (@ipasn/scoring) and the shared chunk apply
 * (@ipasn/profiles): decode a chunk of `ipasn.events`, apply it to the stored states, dead-letter
 * ownership rejects, emit score events, set timers. With per-partition transactional producers
 * (the service), a chunk's dead letters, score events and input offsets commit in one Kafka
 * transaction, after the states are written: a crash in between aborts it, and the replay re-emits
 * the same score events (same versions) and the same dead letters (the states remember what their
 * events decided), so every reject is on `ipasn.dlq` exactly once (design.md, "Testing").
 */
import type { IsoDate } from '@ipasn/contracts';
import type { BatchProducer, ChunkContext, InMessage, OutMessage, TransactionalProducers } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';
import { canonicalEventMessage, decodeCanonicalEvents, deadLetterMessage, deadLetterOf, scoreEventMessages, type TopicNames } from '@ipasn/pipeline';
import { applyEventChunk, StateConflictError, type StateStore } from '@ipasn/profiles';
import type { KeyedTimers } from '@ipasn/queue';
import type { RuleSet } from '@ipasn/rules';
import {
  expireDue,
  outboxRejects,
  rescore,
  scoringContext,
  timerDue,
  type EmployeeState,
  type EventInput,
  type HoldEvent,
  type HoldLimits,
  type ScorerReject,
  type ScoringContext,
} from '@ipasn/scoring';
import type { SchemaRegistry, ScoreEvent } from '@ipasn/serde';
import { injectFrom, tracingEnabled } from '@ipasn/tracing';
import type { ScorerMetrics } from './metrics.js';

export interface ScorerDeps {
  topics: TopicNames;
  /**
   * Removes the normalizer's dedupe marks of events the scorer rejects (NOT_OWNER, UNKNOWN_RECORD, TOO_MANY_RECORDS):
   * "a rejected event leaves no mark" (events.md), so it can be redriven once the transfer is applied.
   */
  forgetMarks?: (events: readonly EventInput['event'][]) => Promise<void>;
  registry: SchemaRegistry;
  store: StateStore;
  /** Time-driven work (timers, rule-set rescores), and chunks when `transactions` is absent. */
  producer: BatchProducer;
  /**
   * Per-partition transactional producers and the consumer group whose offsets each chunk's
   * transaction commits (the consumer then commits nothing itself). Absent in tests that drive
   * `handleChunk` without a consumer group: chunks then go through `producer`.
   */
  transactions?: { producers: TransactionalProducers; groupId: string } | undefined;
  /**
   * Called once a chunk's states are written and its messages sent, before its transaction commits
   * the input offset `nextOffset`: records in Redis the offset its state reflects (@ipasn/redis
   * AppliedOffsets via EpochGuard.beforeCommit; docs/reliability.md, "Redis that comes back behind").
   * A throw aborts the transaction.
   */
  beforeCommit?: ((topic: string, partition: number, nextOffset: string) => Promise<void>) | undefined;
  /**
   * Per-employee timers: time-driven rescoring and the end of holds. Null only in tests that need
   * neither (a pinned evaluation date still needs them to expire held events).
   */
  timers: KeyedTimers | null;
  ruleSets: readonly RuleSet[];
  metrics: ScorerMetrics;
  logger: Logger;
  /** Epoch ms; injected so tests can move time without touching the global clock. */
  clock: () => number;
  /** SCORING_AS_OF: a fixed evaluation date. */
  asOf?: IsoDate | undefined;
  /** SCORER_MAX_RECORDS (default 1,000): a new record beyond this many per employee is TOO_MANY_RECORDS. */
  maxRecords?: number | undefined;
  /** SCORER_HOLD_MAX and SCORER_HOLD_HOURS (default 100 events, 24 h). */
  hold?: HoldLimits | undefined;
}

const MAX_TICK_ATTEMPTS = 8;

/** Where a chunk's messages go: the chunk's transaction, or a plain producer. */
interface Sink {
  send(messages: readonly OutMessage[]): Promise<void>;
}

export function createScorer(deps: ScorerDeps) {
  const log = deps.logger.child({ component: 'scorer' });
  const context = (): ScoringContext => scoringContext({ ruleSets: deps.ruleSets, now: deps.clock(), asOf: deps.asOf, maxRecords: deps.maxRecords, hold: deps.hold });

  /** `sourceOf(nip)`: the ipasn.events record whose trace a score continues (tracing on only). */
  function scoreMessages(scores: readonly ScoreEvent[], sourceOf?: ReadonlyMap<string, InMessage>): OutMessage[] {
    return scores.flatMap((s) => {
      const messages = scoreEventMessages(deps.topics, deps.registry, s);
      if (sourceOf) for (const m of messages) injectFrom(sourceOf.get(s.nip), m);
      return messages;
    });
  }

  /**
   * A reject's dead letter. A held event is not in the chunk at hand: its `ipasn.events` record is
   * re-encoded from the stored event (the same canonical Avro) with its own coordinates.
   */
  function rejectMessage(r: ScorerReject, inChunk: ReadonlyMap<number, InMessage> | null, rejectedAt: number): OutMessage {
    const e = r.input.event;
    const message = (!r.released && inChunk?.get(r.input.offset)) || {
      key: Buffer.from(e.nip),
      value: canonicalEventMessage(deps.topics, deps.registry, e).value,
      offset: String(r.input.offset),
      timestamp: String(r.input.ingestedAt),
    };
    const dead = deadLetterMessage(
      deps.topics,
      deps.registry,
      deadLetterOf({ topic: deps.topics.events, partition: r.input.partition, message, event: e }, { reason: r.reason, message: r.message, stage: 'scorer', rejectedAt }),
    );
    injectFrom(message, dead);
    return dead;
  }

  /** Dead-letters rejects and clears their dedupe marks (a rejected event leaves none). */
  async function sendRejects(sink: Sink, rejects: readonly ScorerReject[], inChunk: ReadonlyMap<number, InMessage> | null, rejectedAt: number): Promise<void> {
    if (rejects.length === 0) return;
    await sink.send(rejects.map((r) => rejectMessage(r, inChunk, rejectedAt)));
    if (deps.forgetMarks) await deps.forgetMarks(rejects.map((r) => r.input.event));
  }

  function countRejects(rejects: readonly ScorerReject[]): void {
    for (const r of rejects) {
      deps.metrics.rejected.inc({ agency: r.input.event.agencyCode, reason: r.reason });
      // Coordinates and reason only: the message names record ids, which agencies choose.
      log.debug({ partition: r.input.partition, offset: r.input.offset, reason: r.reason, agency: r.input.event.agencyCode, released: r.released }, 'rejected');
    }
  }

  function countHolds(holds: readonly HoldEvent[]): void {
    for (const h of holds) deps.metrics.holds.inc({ outcome: h.kind, agency: h.agencyCode });
  }

  /** One chunk of one `ipasn.events` partition: in one transaction of that partition's producer when the service gives them. */
  async function handleChunk(messages: InMessage[], ctx: ChunkContext): Promise<void> {
    const last = messages[messages.length - 1];
    if (!last) return;
    if (!deps.transactions) return processChunk(messages, ctx, deps.producer);
    const { producers, groupId } = deps.transactions;
    // One chunk of a partition at a time, only what no earlier transaction committed; a commit whose
    // answer was lost is checked, never replayed blindly (packages/kafka TransactionalProducers.commitChunk).
    const next = (BigInt(last.offset) + 1n).toString();
    const outcome = await producers.commitChunk(groupId, ctx.topic, ctx.partition, messages, async (tx, fresh) => {
      await processChunk([...fresh], ctx, tx);
      await deps.beforeCommit?.(ctx.topic, ctx.partition, next);
    });
    if (outcome === 'committed-unacknowledged') log.warn({ partition: ctx.partition, offset: last.offset }, 'the commit failed but had taken effect: the chunk is not replayed');
  }

  async function processChunk(messages: InMessage[], ctx: ChunkContext, sink: Sink): Promise<void> {
    const timer = deps.metrics.chunkSeconds.startTimer();
    const now = deps.clock();
    const { inputs, undecodable } = decodeCanonicalEvents(deps.registry, messages, ctx.partition);
    const at = new Map(inputs.map((i) => [i.offset, i.message]));
    // Tracing on: each score continues the trace of its employee's last event in the chunk.
    const byNip = tracingEnabled() ? new Map(inputs.map((i) => [i.event.nip, i.message])) : undefined;
    // Only the normalizer writes ipasn.events, so an undecodable record is a bug or a foreign writer: keep it.
    await sink.send(
      undecodable.map((u) => {
        const dead = deadLetterMessage(deps.topics, deps.registry, deadLetterOf({ topic: ctx.topic, partition: ctx.partition, message: u.message }, { reason: 'MALFORMED', message: `not a canonical event: ${u.error}`, stage: 'scorer', rejectedAt: now }));
        injectFrom(u.message, dead);
        return dead;
      }),
    );
    if (undecodable.length > 0) deps.metrics.rejected.inc({ agency: 'unknown', reason: 'MALFORMED' }, undecodable.length);

    await applyEventChunk(deps.store, inputs, context, {
      // After the write: the written states remember the rejects their events decided, so a replay
      // (the transaction aborted, or a crash before the send) sends them again, and only them.
      afterWrite: async ({ result, conflicts, inputs: attempted }) => {
        await sendRejects(
          sink,
          result.rejects.filter((r) => !conflicts.has(r.input.event.nip)),
          at,
          now,
        );
        const scores = result.scores.filter((s) => !conflicts.has(s.nip));
        await sink.send(scoreMessages(scores, byNip));
        if (deps.timers) await deps.timers.schedule(result.timers.filter((t) => !conflicts.has(t.key)));
        const done = attempted.filter((i) => !conflicts.has(i.event.nip));
        const replayed = done.filter((i) => !result.states.has(i.event.nip)).length;
        deps.metrics.applied.inc(done.length - replayed);
        deps.metrics.replayed.inc(replayed);
        countRejects(result.rejects.filter((r) => !conflicts.has(r.input.event.nip)));
        countHolds(result.holds.filter((h) => !conflicts.has(h.nip)));
        if (scores.length > 0) deps.metrics.scores.inc({ cause: 'EVENT' }, scores.length);
        if (conflicts.size > 0) deps.metrics.conflicts.inc(conflicts.size);
      },
    });
    timer();
  }

  /**
   * A due timer (CLOCK): expire the held events whose hold ended (written first, into the state's
   * outbox, then dead-lettered and cleared: a crash in between re-sends, never loses), then, when a
   * time-driven score change is due, rescore the employee by time alone and emit, even though no
   * event arrived. A rule-set rescore (RESCORE) does the same for the given rule sets only and leaves
   * the timer. `agency` skips employees counted under another agency. Returns whether anything was
   * emitted.
   */
  async function handleTick(nip: string, kind: 'CLOCK' | 'RESCORE' = 'CLOCK', only?: { ruleSets?: readonly RuleSet[]; agency?: string }): Promise<boolean> {
    for (let attempt = 1; attempt <= MAX_TICK_ATTEMPTS; attempt++) {
      const loaded = (await deps.store.load([nip])).get(nip);
      if (!loaded?.state) return false;
      const ctx = context();
      const flushed = await flushHolds(nip, loaded.state, loaded.w, kind === 'CLOCK' ? ctx : null);
      if (flushed === null) {
        deps.metrics.conflicts.inc();
        continue;
      }
      const { state, w, expired } = flushed;
      if (kind === 'CLOCK') {
        // Only the end of a hold was due (or nothing changes by time here): no new version.
        const scoreDue = ctx.timeDriven && (!expired || (state.dueAt !== null && state.dueAt <= ctx.computedAt));
        if (!scoreDue) {
          if (deps.timers) await deps.timers.schedule([{ key: nip, dueAt: timerDue(state, ctx.hold) }]);
          return false;
        }
      }
      if (only?.agency !== undefined && state.profile.agencyCode !== only.agency) return false;
      const r = rescore(state, kind, only?.ruleSets ? { ...ctx, ruleSets: only.ruleSets } : ctx);
      if (!r) return false;
      if (kind === 'RESCORE') r.state.dueAt = state.dueAt;
      const conflicts = await deps.store.write([{ nip, state: r.state, w }]);
      if (conflicts.length > 0) {
        deps.metrics.conflicts.inc();
        continue;
      }
      await deps.producer.send(scoreMessages(r.scores));
      if (r.scores.length > 0) deps.metrics.scores.inc({ cause: kind }, r.scores.length);
      if (deps.timers && kind === 'CLOCK') await deps.timers.schedule([{ key: nip, dueAt: timerDue(r.state, ctx.hold) }]);
      return r.scores.length > 0;
    }
    log.warn({ attempts: MAX_TICK_ATTEMPTS }, 'rescore kept conflicting');
    throw new StateConflictError('rescore kept conflicting', [nip], true);
  }

  /**
   * Expires what is due (with `ctx`; null: nothing) into the outbox and writes it, then sends the
   * outbox and writes it cleared. Returns the state and write counter after, or null on a lost race.
   */
  async function flushHolds(nip: string, loaded: EmployeeState, w: string, ctx: ScoringContext | null): Promise<{ state: EmployeeState; w: string; expired: boolean } | null> {
    let state = loaded;
    let counter = w;
    const due = ctx ? expireDue(state, ctx.computedAt, ctx.hold) : null;
    if (due) {
      if ((await deps.store.write([{ nip, state: due.state, w: counter }])).length > 0) return null;
      countHolds(due.holds);
      state = due.state;
      counter = String(Number(counter) + 1);
    }
    if (state.outbox.length > 0) {
      const rejects = outboxRejects(state);
      await sendRejects(deps.producer, rejects, null, deps.clock());
      const cleared = { ...state, outbox: [] };
      if ((await deps.store.write([{ nip, state: cleared, w: counter }])).length > 0) return null;
      countRejects(rejects);
      state = cleared;
      counter = String(Number(counter) + 1);
    }
    return { state, w: counter, expired: due !== null };
  }

  return { handleChunk, handleTick };
}
export type Scorer = ReturnType<typeof createScorer>;
