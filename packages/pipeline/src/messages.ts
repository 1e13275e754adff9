/**
 * Kafka messages the services produce, with CloudEvents binary-mode headers on every one, so that
 * generic tools can route and trace them.
 */
import type { CanonicalEvent, RejectReason, RejectStage } from '@ipasn/contracts';
import type { InMessage, OutMessage } from '@ipasn/kafka';
import { CE_TYPES, ceHeaders, fromAvroCanonicalEvent, toAvroCanonicalEvent, type DeadLetter, type SchemaRegistry, type ScoreEvent } from '@ipasn/serde';
import type { TopicNames } from './topics.js';

/** A canonical event for `ipasn.events`, keyed by NIP; the CloudEvent keeps the agency's id and source. */
export function canonicalEventMessage(topics: TopicNames, registry: SchemaRegistry, event: CanonicalEvent): OutMessage {
  return {
    topic: topics.events,
    key: event.nip,
    value: registry.encode('CanonicalEvent', toAvroCanonicalEvent(event)),
    headers: { ...ceHeaders({ id: event.id, source: event.source, type: event.type, time: event.time }) },
  };
}

/** Where a rejected message was read, and what is known of the event it carried. */
export interface RejectedInput {
  topic: string;
  partition: number;
  message: Pick<InMessage, 'key' | 'value' | 'offset'>;
  event?: { id: string | null; source: string | null; type: string | null; agencyCode: string | null } | undefined;
}

/** The DeadLetter record of a rejected input: the one place a reject becomes a record. */
export function deadLetterOf(input: RejectedInput, reject: { reason: RejectReason; message: string; stage: RejectStage; rejectedAt: number }): DeadLetter {
  const e = input.event;
  return {
    originalValue: input.message.value ?? Buffer.alloc(0),
    originalKey: input.message.key ?? null,
    reason: reject.reason,
    message: reject.message,
    stage: reject.stage,
    sourceTopic: input.topic,
    sourcePartition: input.partition,
    sourceOffset: Number(input.message.offset),
    eventId: e?.id ?? null,
    eventSource: e?.source ?? null,
    eventType: e?.type ?? null,
    agencyCode: e?.agencyCode ?? null,
    rejectedAt: reject.rejectedAt,
  };
}

/** A dead letter for `ipasn.dlq`, keyed by the original key; coordinates also as headers. */
export function deadLetterMessage(topics: TopicNames, registry: SchemaRegistry, dl: DeadLetter): OutMessage {
  const coords = `${dl.sourceTopic}/${dl.sourcePartition}/${dl.sourceOffset}`;
  return {
    topic: topics.dlq,
    key: dl.originalKey,
    value: registry.encode('DeadLetter', dl),
    headers: {
      ...ceHeaders({
        id: coords,
        source: `/ipasn/${dl.stage}`,
        type: CE_TYPES.deadLetter,
        time: new Date(dl.rejectedAt).toISOString(),
      }),
      ipasn_reason: dl.reason,
      ipasn_stage: dl.stage,
      ipasn_source_topic: dl.sourceTopic,
      ipasn_source_partition: String(dl.sourcePartition),
      ipasn_source_offset: String(dl.sourceOffset),
    },
  };
}

/** A score event for `ipasn.scores` (key NIP) and its twin for the compacted `ipasn.scores.latest`. */
export function scoreEventMessages(topics: TopicNames, registry: SchemaRegistry, score: ScoreEvent): [OutMessage, OutMessage] {
  const value = registry.encode('ScoreEvent', score);
  const headers = {
    ...ceHeaders({
      id: `${score.nip}:${score.ruleSet}:${score.version}`,
      source: '/ipasn/scorer',
      type: CE_TYPES.score,
      time: new Date(score.computedAt).toISOString(),
    }),
  };
  return [
    { topic: topics.scores, key: score.nip, value, headers },
    { topic: topics.scoresLatest, key: `${score.nip}:${score.ruleSet}`, value, headers },
  ];
}

/** Decoded `ipasn.events` messages: the inputs of the scoring core, and what did not decode. */
export interface DecodedEvents {
  inputs: { event: CanonicalEvent; partition: number; offset: number; message: InMessage }[];
  undecodable: { message: InMessage; error: string }[];
}

/** Decodes a chunk of one `ipasn.events` partition (Avro single-object encoding). */
export function decodeCanonicalEvents(registry: SchemaRegistry, messages: readonly InMessage[], partition: number): DecodedEvents {
  const out: DecodedEvents = { inputs: [], undecodable: [] };
  for (const m of messages) {
    try {
      const event = fromAvroCanonicalEvent(registry.decodeAs('CanonicalEvent', m.value ?? Buffer.alloc(0)).value);
      out.inputs.push({ event, partition, offset: Number(m.offset), message: m });
    } catch (err) {
      out.undecodable.push({ message: m, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
