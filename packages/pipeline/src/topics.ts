/**
 * Topic and consumer-group names of design.md, in one place. Every name can carry a namespace
 * prefix (`IPASN_TOPIC_PREFIX`): tests run against private copies of the topics, and one cluster
 * can hold several environments.
 */
export interface TopicNames {
  prefix: string;
  events: string;
  scores: string;
  scoresLatest: string;
  dlq: string;
  ingress(agencyCode: string): string;
  /** Matches an ingress topic of this namespace; group 1 is the agency code. */
  ingressPattern: RegExp;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

export function topicNames(prefix = ''): TopicNames {
  return {
    prefix,
    events: `${prefix}ipasn.events`,
    scores: `${prefix}ipasn.scores`,
    scoresLatest: `${prefix}ipasn.scores.latest`,
    dlq: `${prefix}ipasn.dlq`,
    ingress: (code) => `${prefix}ipasn.ingress.${code}`,
    ingressPattern: new RegExp(`^${escape(prefix)}ipasn\\.ingress\\.([0-9A-Z]{4})$`, 'u'),
  };
}

export const GROUPS = {
  normalizer: 'ipasn-normalizer',
  scorer: 'ipasn-scorer',
  projector: 'ipasn-projector',
} as const;

/** `topic/partition/offset`: where a message was read (dedupe marks, DLQ records). */
export function coordinates(topic: string, partition: number, offset: string): string {
  return `${topic}/${partition}/${offset}`;
}
