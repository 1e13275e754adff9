/**
 * Lag of the pipeline's consumer groups for the console, per partition, in messages and in seconds
 * (@ipasn/kafka's groupLag: the age of the oldest unconsumed message), with each group's state.
 */
import { groupLag, withAdmin, type KafkaClient, type PartitionLag } from '@ipasn/kafka';
import type { TopicNames } from '@ipasn/pipeline';
import type { WatchedGroup } from './config.js';

export type PartitionLagView = Omit<PartitionLag, 'topic'> & { topic: string };

export interface GroupLagView {
  service: WatchedGroup['service'];
  groupId: string;
  /** Kafka's group state (Stable, Empty, Dead, …). */
  state: string;
  members: number;
  topics: string[];
  totalLag: number;
  maxLagSeconds: number | null;
  partitions: PartitionLagView[];
}

/** The topics each service reads. */
export function topicsOf(service: WatchedGroup['service'], topics: TopicNames, existing: readonly string[]): string[] {
  switch (service) {
    case 'normalizer':
      return existing.filter((t) => topics.ingressPattern.test(t)).sort();
    case 'scorer':
      return existing.includes(topics.events) ? [topics.events] : [];
    case 'projector':
      return existing.includes(topics.scores) ? [topics.scores] : [];
  }
}

export async function readGroupLag(kafka: KafkaClient, groupPrefix: string, topics: TopicNames, groups: readonly WatchedGroup[], now: number): Promise<GroupLagView[]> {
  const [existing, described] = await withAdmin(kafka, async (admin) => [await admin.listTopics(), await admin.describeGroups(groups.map((g) => g.groupId))] as const);
  return Promise.all(
    groups.map(async (g): Promise<GroupLagView> => {
      const groupTopics = topicsOf(g.service, topics, existing);
      const partitions = await groupLag(kafka, g.groupId, groupTopics, { seconds: { now, groupPrefix } });
      const d = described.find((x) => x.groupId === g.groupId);
      const totalLag = partitions.reduce((a, p) => a + p.lag, 0);
      const secs = partitions.map((p) => p.lagSeconds);
      // Unknown when some lagging partition's oldest message could not be read and nothing else is known.
      const maxLagSeconds = secs.some((s) => s === null) && totalLag > 0 && secs.every((s) => s === null || s === 0) ? null : Math.max(0, ...secs.map((s) => s ?? 0));
      return { service: g.service, groupId: g.groupId, state: d?.state ?? 'Unknown', members: d?.members ?? 0, topics: groupTopics, totalLag, maxLagSeconds, partitions };
    }),
  );
}
