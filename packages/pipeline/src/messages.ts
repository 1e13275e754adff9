/**
 * Kafka messages the services produce, with CloudEvents binary-mode headers on every one, so that
 * generic tools can route and trace them.
 */
import type { CanonicalEvent } from '@ipasn/contracts';
import type { OutMessage } from '@ipasn/kafka';
import { CE_TYPES, ceHeaders, toAvroCanonicalEvent, type DeadLetter, type SchemaRegistry, type ScoreEvent } from '@ipasn/serde';
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
