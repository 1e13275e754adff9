/**
 * Kafka messages the services produce, with CloudEvents binary-mode headers on every one, so that
 * generic tools can route and trace them.
 */
import { createHash } from 'node:crypto';
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

/**
 * At most this many bytes of a rejected message's value (and key) go into its dead letter
 * (events.md, "Rejects"). Over that only a MALFORMED event can be (the normalizer's limit is the
 * same 64 KiB), so a cut record loses nothing a redrive could use; its length and SHA-256 remain.
 */
export const MAX_ORIGINAL_BYTES = 64 * 1024;

/**
 * A reject message longer than this is cut: messages are built by our code from field paths and
 * short quotes, so this never bites in practice, but it keeps a dead letter's size provable
 * (infra/topics/topics.json's limit on ipasn.dlq is checked against the worst case).
 */
export const MAX_REJECT_MESSAGE_CHARS = 4096;

/**
 * The event's id, source and type as read are cut at this many characters: valid ones are at most
 * 128, and a foreign record on ipasn.events could otherwise carry a megabyte-long id into the DLQ.
 */
export const MAX_EVENT_ATTRIBUTE_CHARS = 1024;

/** What a writer of dead letters gives: a DeadLetter, with the v2 fields optional (null = nothing cut). */
export type DeadLetterInput = Omit<DeadLetter, 'originalLength' | 'originalSha256'> & Partial<Pick<DeadLetter, 'originalLength' | 'originalSha256'>>;

function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let head = text.slice(0, max - 1);
  // Never leave half a surrogate pair: it would be written as U+FFFD.
  if (/[\uD800-\uDBFF]$/u.test(head)) head = head.slice(0, -1);
  return `${head}…`;
}

/**
 * The dead letter as it is written: an original value over 64 KiB keeps its first 65536 bytes (bytes,
 * not characters: where a UTF-8 sequence is split does not matter) and gains `originalLength` and
 * `originalSha256` of the whole; a key over 64 KiB is cut the same way (the message says so); an
 * overlong message, id, source or type is cut (ending in `…`). Idempotent, so a record that is already bounded passes unchanged.
 */
export function boundDeadLetter(dl: DeadLetterInput): DeadLetter {
  let { originalValue, originalKey, message } = dl;
  let originalLength = dl.originalLength ?? null;
  let originalSha256 = dl.originalSha256 ?? null;
  if (originalValue.length > MAX_ORIGINAL_BYTES) {
    originalLength = originalValue.length;
    originalSha256 = createHash('sha256').update(originalValue).digest();
    originalValue = originalValue.subarray(0, MAX_ORIGINAL_BYTES);
  }
  if (originalKey !== null && originalKey.length > MAX_ORIGINAL_BYTES) {
    message = `${message} (the key was ${originalKey.length} bytes: only its first ${MAX_ORIGINAL_BYTES} are kept)`;
    originalKey = originalKey.subarray(0, MAX_ORIGINAL_BYTES);
  }
  const attribute = (v: string | null): string | null => (v === null ? null : cutText(v, MAX_EVENT_ATTRIBUTE_CHARS));
  return {
    ...dl,
    originalValue,
    originalKey,
    message: cutText(message, MAX_REJECT_MESSAGE_CHARS),
    eventId: attribute(dl.eventId),
    eventSource: attribute(dl.eventSource),
    eventType: attribute(dl.eventType),
    originalLength,
    originalSha256,
  };
}

/** The DeadLetter record of a rejected input: the one place a reject becomes a record. */
export function deadLetterOf(input: RejectedInput, reject: { reason: RejectReason; message: string; stage: RejectStage; rejectedAt: number }): DeadLetter {
  const e = input.event;
  return boundDeadLetter({
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
  });
}

/**
 * A dead letter for `ipasn.dlq`, keyed by the original key; coordinates also as headers. Bounded
 * here too (`boundDeadLetter`), whoever built it: no writer can produce a dead letter the topic refuses.
 */
export function deadLetterMessage(topics: TopicNames, registry: SchemaRegistry, input: DeadLetterInput): OutMessage {
  const dl = boundDeadLetter(input);
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
  /** `ingestedAt`: the record's timestamp (epoch ms), the event's ingestion time (events.md holds). */
  inputs: { event: CanonicalEvent; partition: number; offset: number; ingestedAt: number; message: InMessage }[];
  undecodable: { message: InMessage; error: string }[];
}

/** Decodes a chunk of one `ipasn.events` partition (Avro single-object encoding). */
export function decodeCanonicalEvents(registry: SchemaRegistry, messages: readonly InMessage[], partition: number): DecodedEvents {
  const out: DecodedEvents = { inputs: [], undecodable: [] };
  for (const m of messages) {
    try {
      const event = fromAvroCanonicalEvent(registry.decodeAs('CanonicalEvent', m.value ?? Buffer.alloc(0)).value);
      out.inputs.push({ event, partition, offset: Number(m.offset), ingestedAt: Number(m.timestamp), message: m });
    } catch (err) {
      out.undecodable.push({ message: m, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
