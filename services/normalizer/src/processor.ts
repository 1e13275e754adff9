/**
 * One chunk of one ingress partition → one Kafka transaction: canonical events to ipasn.events,
 * rejects to ipasn.dlq, and the input offset, committed together (exactly once from ingress offset
 * to output). Duplicates of an accepted (source, id) are dropped and counted.
 */
import type { Agencies } from '@ipasn/contracts';
import type { ChunkContext, InMessage, OutMessage } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';
import { dedupeKey, normalize } from '@ipasn/normalize';
import { canonicalEventMessage, coordinates, deadLetterMessage, deadLetterOf, HOUR_MS, pruneFreshness, recordFreshness, type TopicNames } from '@ipasn/pipeline';
import { EpochChangedError, type DedupeStore, type Redis } from '@ipasn/redis';
import type { SchemaRegistry } from '@ipasn/serde';
import { injectFrom } from '@ipasn/tracing';
import type { NormalizerMetrics } from './metrics.js';
import type { TransactionalProducers } from '@ipasn/kafka';

export interface ProcessorDeps {
  groupId: string;
  topics: TopicNames;
  agencies: () => Agencies;
  registry: SchemaRegistry;
  dedupe: DedupeStore;
  /** Where the per-agency freshness counters go (the console reads them). */
  redis: Redis;
  redisPrefix: string;
  producers: TransactionalProducers;
  metrics: NormalizerMetrics;
  logger: Logger;
  /**
   * The id of the Redis epoch marker the normalizer started with (undefined: marks are written
   * without the check, as in tests without a guard), and what to do when Redis no longer holds it
   * (check the guard: it stops consuming). The chunk then fails retriably, its transaction aborted.
   */
  epoch?: { id: () => string | undefined; onChanged: () => void };
  /** The normalizer's clock: the ingestion time of events.md (injected in tests). */
  now: () => Date;
}

interface Tally {
  accepted: number;
  duplicates: number;
  rejected: Map<string, number>;
}

export function createProcessor(deps: ProcessorDeps) {
  /** The hour each agency's freshness hashes were last pruned in. */
  const pruned = new Map<string, number>();
  return async function processChunk(messages: InMessage[], ctx: ChunkContext): Promise<void> {
    const timer = deps.metrics.batchSeconds.startTimer();
    const { topic, partition } = ctx;
    const topicAgency = deps.topics.ingressPattern.exec(topic)?.[1];
    const ingestionTime = deps.now();
    const agencies = deps.agencies();
    const tally: Tally = { accepted: 0, duplicates: 0, rejected: new Map() };
    // One chunk of a partition at a time, and only the records no earlier transaction committed: a
    // kafkajs consumer that restarted itself may hand over a chunk an old handler is still
    // committing; a commit whose answer was lost is checked, never replayed blindly
    // (packages/kafka TransactionalProducers.commitChunk).
    const outcome = await deps.producers.commitChunk(deps.groupId, topic, partition, messages, async (tx, fresh) => {
      const out: OutMessage[] = [];
      const accepted: { message: OutMessage; key: string; coords: string }[] = [];
      for (const m of fresh) {
        const value = m.value ?? Buffer.alloc(0);
        const result = normalize(value, topicAgency === undefined ? { agencies, ingestionTime } : { agencies, ingestionTime, topicAgency });
        const coords = coordinates(topic, partition, m.offset);
        if (result.ok) {
          const message = canonicalEventMessage(deps.topics, deps.registry, result.event);
          injectFrom(m, message); // the event continues the ingress record's trace (no-op when tracing is off)
          accepted.push({ message, key: dedupeKey(result.event), coords });
          continue;
        }
        tally.rejected.set(result.reason, (tally.rejected.get(result.reason) ?? 0) + 1);
        // Coordinates, reason and field paths only: the message and the raw id may quote agency data.
        deps.logger.debug({ topic, partition, offset: m.offset, reason: result.reason, paths: result.paths }, 'rejected');
        out.push(
          deadLetterMessage(
            deps.topics,
            deps.registry,
            deadLetterOf(
              { topic, partition, message: m, event: { id: result.id, source: result.source, type: result.type, agencyCode: topicAgency ?? null } },
              { reason: result.reason, message: result.message, stage: 'normalizer', rejectedAt: ingestionTime.getTime() },
            ),
          ),
        );
        injectFrom(m, out[out.length - 1]!); // the dead letter continues the record's trace
      }

      // Only events that passed checks 1–7 are deduplicated (events.md): one round trip per chunk.
      // Only while Redis holds the epoch marker: marks lost with it would let duplicates through.
      const epochId = deps.epoch?.id();
      let verdicts;
      try {
        verdicts = await deps.dedupe.mark(
          accepted.map((a) => ({ key: a.key, coordinates: a.coords })),
          epochId === undefined ? undefined : { prefix: deps.redisPrefix, id: epochId },
        );
      } catch (err) {
        if (err instanceof EpochChangedError) deps.epoch?.onChanged();
        throw err;
      }
      accepted.forEach((a, i) => {
        if (verdicts[i] === 'duplicate') tally.duplicates++;
        else {
          tally.accepted++;
          out.push(a.message);
        }
      });
      await tx.send(out);
    });
    if (outcome === 'already-committed') return;
    if (outcome === 'committed-unacknowledged') deps.logger.warn({ topic, partition, offset: messages.at(-1)?.offset }, 'the commit failed but had taken effect: the chunk is not replayed');
    timer();
    record(deps, topicAgency ?? 'unknown', tally, ctx, ingestionTime);
    if (topicAgency === undefined) return;
    // After the commit, nothing may fail the chunk: an error here would make the consumer replay a
    // committed chunk (its records twice). Freshness counters are for operators; a failure is logged.
    try {
      const rejected = [...tally.rejected.values()].reduce((a, b) => a + b, 0);
      const p = deps.redis.pipeline();
      recordFreshness(p, deps.redisPrefix, topicAgency, { accepted: tally.accepted, rejected, duplicates: tally.duplicates }, ingestionTime.getTime());
      await p.exec();
      // About once an hour per agency (per process): old buckets out of the agency's hashes.
      const hour = Math.floor(ingestionTime.getTime() / HOUR_MS);
      if (pruned.get(topicAgency) !== hour) {
        pruned.set(topicAgency, hour);
        await pruneFreshness(deps.redis, deps.redisPrefix, topicAgency, ingestionTime.getTime());
      }
    } catch (err) {
      deps.metrics.freshnessErrors.inc();
      deps.logger.warn({ err, agency: topicAgency }, 'freshness counters not recorded (the chunk is committed)');
    }
  };
}

function record(deps: ProcessorDeps, agency: string, t: Tally, ctx: ChunkContext, now: Date): void {
  const m = deps.metrics;
  if (t.accepted > 0) {
    m.accepted.inc({ agency }, t.accepted);
    m.lastEventTime.set({ agency }, now.getTime() / 1000);
  }
  if (t.duplicates > 0) m.duplicates.inc({ agency }, t.duplicates);
  for (const [reason, n] of t.rejected) m.rejected.inc({ agency, reason }, n);
  deps.logger.debug({ topic: ctx.topic, partition: ctx.partition, accepted: t.accepted, duplicates: t.duplicates, rejected: Object.fromEntries(t.rejected) }, 'chunk committed');
}
