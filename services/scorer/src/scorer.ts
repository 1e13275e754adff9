/**
 * The scorer's I/O around the pure core (@ipasn/scoring): decode a chunk of `ipasn.events`, load
 * the touched states in one round trip, apply, dead-letter ownership rejects, write back
 * (compare-and-set), emit score events, set timers. Score events are produced before the consumer
 * commits the chunk's offsets; a replay re-emits them with the same versions.
 */
import type { IsoDate } from '@ipasn/contracts';
import type { BatchProducer, ChunkContext, KafkaMessage, OutMessage } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';
import { deadLetterMessage, scoreEventMessages, type TopicNames } from '@ipasn/pipeline';
import type { KeyedTimers } from '@ipasn/queue';
import type { RuleSet } from '@ipasn/rules';
import { applyChunk, jakartaDate, rescore, type EventInput, type ScoringContext } from '@ipasn/scoring';
import { fromAvroCanonicalEvent, type DeadLetter, type SchemaRegistry, type ScoreEvent } from '@ipasn/serde';
import type { ScorerMetrics } from './metrics.js';
import type { StateStore } from './store.js';

export interface ScorerDeps {
  topics: TopicNames;
  /**
   * Removes the normalizer's dedupe marks of events the scorer rejects (NOT_OWNER, UNKNOWN_RECORD):
   * "a rejected event leaves no mark" (events.md), so it can be redriven once the transfer is applied.
   */
  forgetMarks?: (events: readonly EventInput['event'][]) => Promise<void>;
  groupId: string;
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
}

const MAX_ATTEMPTS = 8;

export function scoringContext(deps: ScorerDeps): ScoringContext {
  const computedAt = deps.clock();
  return {
    asOf: deps.asOf ?? jakartaDate(computedAt),
    ruleSets: deps.ruleSets,
    computedAt,
    timeDriven: deps.asOf === undefined,
  };
}

function deadLetter(input: { topic: string; partition: number; offset: string; key: Buffer | null; value: Buffer }, reason: DeadLetter['reason'], message: string, now: number, event?: EventInput['event']): DeadLetter {
  return {
    originalValue: input.value,
    originalKey: input.key,
    reason,
    message,
    stage: 'scorer',
    sourceTopic: input.topic,
    sourcePartition: input.partition,
    sourceOffset: Number(input.offset),
    eventId: event?.id ?? null,
    eventSource: event?.source ?? null,
    eventType: event?.type ?? null,
    agencyCode: event?.agencyCode ?? null,
    rejectedAt: now,
  };
}

export function createScorer(deps: ScorerDeps) {
  const log = deps.logger.child({ component: 'scorer' });

  function scoreMessages(scores: readonly ScoreEvent[]): OutMessage[] {
    return scores.flatMap((s) => scoreEventMessages(deps.topics, deps.registry, s));
  }

  async function handleChunk(messages: KafkaMessage[], ctx: ChunkContext): Promise<void> {
    const timer = deps.metrics.chunkSeconds.startTimer();
    const now = deps.clock();
    const inputs: EventInput[] = [];
    const raw = new Map<string, KafkaMessage>();
    const undecodable: OutMessage[] = [];
    for (const m of messages) {
      const value = m.value ?? Buffer.alloc(0);
      try {
        const event = fromAvroCanonicalEvent(deps.registry.decodeAs('CanonicalEvent', value).value);
        inputs.push({ event, partition: ctx.partition, offset: Number(m.offset) });
        raw.set(m.offset, m);
      } catch (err) {
        // Only the normalizer writes ipasn.events, so this is a bug or a foreign writer: keep it.
        const msg = `not a canonical event: ${err instanceof Error ? err.message : String(err)}`;
        undecodable.push(deadLetterMessage(deps.topics, deps.registry, deadLetter({ topic: ctx.topic, partition: ctx.partition, offset: m.offset, key: m.key ?? null, value }, 'MALFORMED', msg, now)));
        deps.metrics.rejected.inc({ reason: 'MALFORMED' });
      }
    }
    await deps.producer.send(undecodable);

    let pending = inputs;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`profile writes kept conflicting for ${pending.length} events`);
      const sctx = scoringContext(deps);
      const loaded = await deps.store.load(pending.map((i) => i.event.nip));
      const result = applyChunk(new Map([...loaded].map(([nip, l]) => [nip, l.state])), pending, sctx);

      // Rejects go out before the write: a crash in between re-sends them, never loses them.
      await deps.producer.send(
        result.rejects.map((r) => {
          const m = raw.get(String(r.input.offset))!;
          return deadLetterMessage(deps.topics, deps.registry, deadLetter({ topic: ctx.topic, partition: ctx.partition, offset: m.offset, key: m.key ?? null, value: m.value ?? Buffer.alloc(0) }, r.reason, r.message, now, r.input.event));
        }),
      );
      if (deps.forgetMarks && result.rejects.length > 0) await deps.forgetMarks(result.rejects.map((r) => r.input.event));
      const conflicts = new Set(
        await deps.store.write([...result.states].map(([nip, state]) => ({ nip, state, w: loaded.get(nip)?.w ?? '0' }))),
      );
      const scores = result.scores.filter((s) => !conflicts.has(s.nip));
      await deps.producer.send(scoreMessages(scores));
      if (deps.timers) await deps.timers.schedule(result.timers.filter((t) => !conflicts.has(t.key)));

      const done = pending.filter((i) => !conflicts.has(i.event.nip));
      const replayed = done.filter((i) => !result.states.has(i.event.nip)).length;
      deps.metrics.applied.inc(done.length - replayed);
      deps.metrics.replayed.inc(replayed);
      for (const r of result.rejects) if (!conflicts.has(r.input.event.nip)) deps.metrics.rejected.inc({ reason: r.reason });
      if (scores.length > 0) deps.metrics.scores.inc({ cause: 'EVENT' }, scores.length);
      if (conflicts.size > 0) deps.metrics.conflicts.inc(conflicts.size);
      pending = pending.filter((i) => conflicts.has(i.event.nip));
    }
    const last = messages[messages.length - 1];
    if (last) {
      const lag = Number(BigInt(ctx.highWatermark) - BigInt(last.offset) - 1n);
      deps.metrics.lag.set({ group: deps.groupId, topic: ctx.topic, partition: String(ctx.partition) }, Math.max(0, lag));
    }
    timer();
  }

  /**
   * A due timer (CLOCK): rescore the employee by time alone and emit, even though no event arrived.
   * A rule-set rescore (RESCORE) does the same for the given rule sets only and leaves the timer.
   * `agency` skips employees counted under another agency. Returns whether anything was emitted.
   */
  async function handleTick(nip: string, kind: 'CLOCK' | 'RESCORE' = 'CLOCK', only?: { ruleSets?: readonly RuleSet[]; agency?: string }): Promise<boolean> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const loaded = (await deps.store.load([nip])).get(nip);
      if (!loaded?.state) return false;
      if (only?.agency !== undefined && loaded.state.profile.agencyCode !== only.agency) return false;
      const ctx = scoringContext(deps);
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
    log.warn({ attempts: MAX_ATTEMPTS }, 'rescore kept conflicting');
    throw new Error('rescore kept conflicting');
  }

  return { handleChunk, handleTick };
}
export type Scorer = ReturnType<typeof createScorer>;
