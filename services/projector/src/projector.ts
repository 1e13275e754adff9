/**
 * The projector's chunk handler: decode a chunk of ipasn.scores, apply it to the agency aggregates
 * (one Lua call per agency touched, all in one auto-pipelined round trip), count. The consumer
 * commits the chunk's offsets after this returns; a replay is harmless because every Lua call is
 * idempotent by version.
 */
import type { AggregateStore } from '@ipasn/aggregates';
import type { ChunkContext, InMessage } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';
import type { SchemaRegistry, ScoreEvent } from '@ipasn/serde';
import type { ProjectorMetrics } from './metrics.js';

export interface ProjectorDeps {
  store: AggregateStore;
  registry: SchemaRegistry;
  metrics: ProjectorMetrics;
  logger: Logger;
  /** Epoch ms; injected for tests. */
  clock: () => number;
}

export function createProjector(deps: ProjectorDeps) {
  const log = deps.logger.child({ component: 'projector' });
  const { metrics } = deps;

  /**
   * The operators' history of what this chunk changed (AggregateStore.recordHistory), after the
   * aggregates are written, for every agency and rule set the chunk touched (sampling the present
   * sums is idempotent, so a replay may sample again). It never writes the sums: a failure here is logged and
   * counted, never fails the chunk (the offsets still commit; the next change samples again).
   */
  async function recordHistory(touched: { agencyCode: string; rules: string }[], now: number): Promise<void> {
    if (touched.length === 0) return;
    try {
      await deps.store.recordHistory(touched, now);
    } catch (err) {
      metrics.historyErrors.inc();
      log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'history not recorded');
    }
  }

  async function handleChunk(messages: InMessage[], ctx: ChunkContext): Promise<void> {
    const timer = metrics.chunkSeconds.startTimer();
    const events: ScoreEvent[] = [];
    for (const m of messages) {
      try {
        if (m.value === null) throw new Error('no value');
        events.push(deps.registry.decodeAs('ScoreEvent', m.value).value);
      } catch (err) {
        // Only the scorer writes ipasn.scores: a bug or a foreign writer. Coordinates only, no content.
        metrics.invalid.inc({ reason: 'undecodable' });
        log.error({ topic: ctx.topic, partition: ctx.partition, offset: m.offset, err: { message: err instanceof Error ? err.message : String(err) } }, 'not a score event: skipped');
      }
    }

    const outcomes = await deps.store.apply(events);
    const now = deps.clock();
    const tally = { applied: 0, stale: 0, invalid: 0 };
    const touched: { agencyCode: string; rules: string }[] = [];
    for (const o of outcomes) {
      if (o.invalid !== null) {
        tally.invalid++;
        metrics.invalid.inc({ reason: o.invalid });
        log.error({ partition: ctx.partition, ruleSet: o.event.ruleSet, version: o.event.version, reason: o.invalid }, 'score event cannot be projected: skipped');
        continue;
      }
      let changed = false;
      for (const { leg, result } of o.legs) {
        // Stale ones too: after a crash between apply and history, the replay fills the gap.
        touched.push({ agencyCode: leg.agencyCode, rules: leg.rules });
        if (result === 'stale') {
          tally.stale++;
          metrics.stale.inc({ leg: leg.role });
          continue;
        }
        changed = true;
        tally.applied++;
        metrics.applied.inc({ leg: leg.role, result });
        metrics.agencyLastUpdate.set({ agency: leg.agencyCode }, now / 1000);
      }
      if (changed) metrics.endToEnd.observe(Math.max(0, now - o.event.computedAt) / 1000);
    }
    await recordHistory(touched, now);

    timer();
    // Counts and coordinates only: a score event names an employee (NIP).
    log.debug({ topic: ctx.topic, partition: ctx.partition, messages: messages.length, legs: tally }, 'chunk projected');
  }

  return { handleChunk };
}
export type Projector = ReturnType<typeof createProjector>;
