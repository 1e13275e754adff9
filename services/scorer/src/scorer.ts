/**
 * The scorer's I/O around the pure core (@ipasn/scoring) and the shared chunk apply
 * (@ipasn/profiles): decode a chunk of `ipasn.events`, apply it to the stored states, dead-letter
 * ownership rejects, emit score events, set timers. Score events are produced before the consumer
 * commits the chunk's offsets; a replay re-emits them with the same versions.
 */
import type { IsoDate } from '@ipasn/contracts';
import type { BatchProducer, ChunkContext, InMessage, OutMessage } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';
import { decodeCanonicalEvents, deadLetterMessage, deadLetterOf, scoreEventMessages, type TopicNames } from '@ipasn/pipeline';
import { applyEventChunk, StateConflictError, type StateStore } from '@ipasn/profiles';
import type { KeyedTimers } from '@ipasn/queue';
import type { RuleSet } from '@ipasn/rules';
import { rescore, scoringContext, type EventInput, type ScoringContext } from '@ipasn/scoring';
import type { SchemaRegistry, ScoreEvent } from '@ipasn/serde';
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
  producer: BatchProducer;
  /** Null when the evaluation date is pinned (no time-driven rescoring). */
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
}

const MAX_TICK_ATTEMPTS = 8;

export function createScorer(deps: ScorerDeps) {
  const log = deps.logger.child({ component: 'scorer' });
  const context = (): ScoringContext => scoringContext({ ruleSets: deps.ruleSets, now: deps.clock(), asOf: deps.asOf, maxRecords: deps.maxRecords });

  function scoreMessages(scores: readonly ScoreEvent[]): OutMessage[] {
    return scores.flatMap((s) => scoreEventMessages(deps.topics, deps.registry, s));
  }

  async function handleChunk(messages: InMessage[], ctx: ChunkContext): Promise<void> {
    const timer = deps.metrics.chunkSeconds.startTimer();
    const now = deps.clock();
    const { inputs, undecodable } = decodeCanonicalEvents(deps.registry, messages, ctx.partition);
    const at = new Map(inputs.map((i) => [i.offset, i.message]));
    // Only the normalizer writes ipasn.events, so an undecodable record is a bug or a foreign writer: keep it.
    await deps.producer.send(
      undecodable.map((u) =>
        deadLetterMessage(deps.topics, deps.registry, deadLetterOf({ topic: ctx.topic, partition: ctx.partition, message: u.message }, { reason: 'MALFORMED', message: `not a canonical event: ${u.error}`, stage: 'scorer', rejectedAt: now })),
      ),
    );
    if (undecodable.length > 0) deps.metrics.rejected.inc({ agency: 'unknown', reason: 'MALFORMED' }, undecodable.length);

    await applyEventChunk(deps.store, inputs, context, {
      // Rejects go out before the write: a crash in between re-sends them, never loses them.
      beforeWrite: async (result) => {
        await deps.producer.send(
          result.rejects.map((r) =>
            deadLetterMessage(
              deps.topics,
              deps.registry,
              deadLetterOf(
                { topic: ctx.topic, partition: ctx.partition, message: at.get(r.input.offset)!, event: r.input.event },
                { reason: r.reason, message: r.message, stage: 'scorer', rejectedAt: now },
              ),
            ),
          ),
        );
        if (deps.forgetMarks && result.rejects.length > 0) await deps.forgetMarks(result.rejects.map((r) => r.input.event));
      },
      afterWrite: async ({ result, conflicts, inputs: attempted }) => {
        const scores = result.scores.filter((s) => !conflicts.has(s.nip));
        await deps.producer.send(scoreMessages(scores));
        if (deps.timers) await deps.timers.schedule(result.timers.filter((t) => !conflicts.has(t.key)));
        const done = attempted.filter((i) => !conflicts.has(i.event.nip));
        const replayed = done.filter((i) => !result.states.has(i.event.nip)).length;
        deps.metrics.applied.inc(done.length - replayed);
        deps.metrics.replayed.inc(replayed);
        for (const r of result.rejects) {
          if (conflicts.has(r.input.event.nip)) continue;
          deps.metrics.rejected.inc({ agency: r.input.event.agencyCode, reason: r.reason });
          // Coordinates and reason only: the message names record ids, which agencies choose.
          log.debug({ partition: r.input.partition, offset: r.input.offset, reason: r.reason, agency: r.input.event.agencyCode }, 'rejected');
        }
        if (scores.length > 0) deps.metrics.scores.inc({ cause: 'EVENT' }, scores.length);
        if (conflicts.size > 0) deps.metrics.conflicts.inc(conflicts.size);
      },
    });
    timer();
  }

  /**
   * A due timer (CLOCK): rescore the employee by time alone and emit, even though no event arrived.
   * A rule-set rescore (RESCORE) does the same for the given rule sets only and leaves the timer.
   * `agency` skips employees counted under another agency. Returns whether anything was emitted.
   */
  async function handleTick(nip: string, kind: 'CLOCK' | 'RESCORE' = 'CLOCK', only?: { ruleSets?: readonly RuleSet[]; agency?: string }): Promise<boolean> {
    for (let attempt = 1; attempt <= MAX_TICK_ATTEMPTS; attempt++) {
      const loaded = (await deps.store.load([nip])).get(nip);
      if (!loaded?.state) return false;
      if (only?.agency !== undefined && loaded.state.profile.agencyCode !== only.agency) return false;
      const ctx = context();
      const r = rescore(loaded.state, kind, only?.ruleSets ? { ...ctx, ruleSets: only.ruleSets } : ctx);
      if (!r) return false;
      if (kind === 'RESCORE') r.state.dueAt = loaded.state.dueAt;
      const conflicts = await deps.store.write([{ nip, state: r.state, w: loaded.w }]);
      if (conflicts.length > 0) {
        deps.metrics.conflicts.inc();
        continue;
      }
      await deps.producer.send(scoreMessages(r.scores));
      if (r.scores.length > 0) deps.metrics.scores.inc({ cause: kind }, r.scores.length);
      if (deps.timers && kind === 'CLOCK') await deps.timers.schedule([{ key: nip, dueAt: r.dueAt }]);
      return r.scores.length > 0;
    }
    log.warn({ attempts: MAX_TICK_ATTEMPTS }, 'rescore kept conflicting');
    throw new StateConflictError('rescore kept conflicting', [nip], true);
  }

  return { handleChunk, handleTick };
}
export type Scorer = ReturnType<typeof createScorer>;
