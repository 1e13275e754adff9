/**
 * Lag of the pipeline's consumer groups, per partition, in messages (end offset − committed) and
 * in seconds, estimated from the timestamp of the oldest unconsumed message (the one at the
 * committed offset): how long the oldest waiting message has been waiting.
 */
import type { Kafka } from '@ipasn/kafka';
import type { TopicNames } from '@ipasn/pipeline';
import type { WatchedGroup } from './config.js';
import type { KafkaReader, ReadRequest } from './kafka-reader.js';

export interface PartitionLagView {
  topic: string;
  partition: number;
  /** The group's committed offset (the next message it will read), or null when it never committed. */
  committed: number | null;
  end: number;
  lag: number;
  /** Age of the oldest unconsumed message, s; 0 without lag; null when it could not be read. */
  lagSeconds: number | null;
  oldestUnconsumedAt: string | null;
}

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

export async function readGroupLag(kafka: Kafka, reader: KafkaReader, topics: TopicNames, groups: readonly WatchedGroup[], now: number): Promise<GroupLagView[]> {
  const admin = kafka.admin();
  await admin.connect();
  let views: GroupLagView[];
  try {
    const existing = await admin.listTopics();
    const described = await admin.describeGroups(groups.map((g) => g.groupId));
    const wanted = new Set(groups.flatMap((g) => topicsOf(g.service, topics, existing)));
    const ends = new Map(
      await Promise.all([...wanted].map(async (t) => [t, await admin.fetchTopicOffsets(t)] as const)),
    );
    views = await Promise.all(
      groups.map(async (g): Promise<GroupLagView> => {
        const groupTopics = topicsOf(g.service, topics, existing);
        const committed = groupTopics.length === 0 ? [] : await admin.fetchOffsets({ groupId: g.groupId, topics: groupTopics });
        const committedOf = new Map(committed.flatMap((t) => t.partitions.map((p) => [`${t.topic}/${p.partition}`, Number(p.offset)] as const)));
        const partitions = groupTopics.flatMap((topic) =>
          (ends.get(topic) ?? []).map((e): PartitionLagView => {
            const c = committedOf.get(`${topic}/${e.partition}`) ?? -1;
            const end = Number(e.high);
            const from = c < 0 ? Number(e.low) : Math.max(c, Number(e.low));
            const lag = Math.max(0, end - from);
            return { topic, partition: e.partition, committed: c < 0 ? null : c, end, lag, lagSeconds: lag === 0 ? 0 : null, oldestUnconsumedAt: null };
          }),
        );
        const d = described.groups.find((x) => x.groupId === g.groupId);
        return { service: g.service, groupId: g.groupId, state: d?.state ?? 'Unknown', members: d?.members.length ?? 0, topics: groupTopics, totalLag: 0, maxLagSeconds: 0, partitions };
      }),
    );
  } finally {
    await admin.disconnect();
  }

  // One read for every lagging partition: its oldest unconsumed message.
  const lagging = views.flatMap((v) => v.partitions.filter((p) => p.lag > 0));
  const requests: ReadRequest[] = lagging.map((p) => ({ topic: p.topic, partition: p.partition, from: p.end - p.lag, to: p.end, limit: 1 }));
  // Several groups may lag on the same partition from different offsets: read each distinct start.
  const byStart = new Map<string, ReadRequest>();
  for (const r of requests) byStart.set(`${r.topic}/${r.partition}/${r.from}`, r);
  const oldest = new Map<string, number>();
  const distinct = [...byStart.values()];
  // A reader serves one range per partition per call; split calls where starts collide.
  while (distinct.length > 0) {
    const batch: ReadRequest[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < distinct.length; ) {
      const r = distinct[i]!;
      const k = `${r.topic}/${r.partition}`;
      if (seen.has(k)) {
        i++;
        continue;
      }
      seen.add(k);
      batch.push(r);
      distinct.splice(i, 1);
    }
    for (const res of await reader.read(batch)) {
      const m = res.messages[0];
      if (m) oldest.set(`${res.request.topic}/${res.request.partition}/${res.request.from}`, Number(m.timestamp));
    }
  }
  for (const v of views) {
    for (const p of v.partitions) {
      if (p.lag > 0) {
        const ts = oldest.get(`${p.topic}/${p.partition}/${p.end - p.lag}`);
        if (ts !== undefined) {
          p.lagSeconds = Math.max(0, Math.round((now - ts) / 100) / 10);
          p.oldestUnconsumedAt = new Date(ts).toISOString();
        }
      }
    }
    v.totalLag = v.partitions.reduce((a, p) => a + p.lag, 0);
    const secs = v.partitions.map((p) => p.lagSeconds);
    v.maxLagSeconds = secs.some((s) => s === null) && v.totalLag > 0 && secs.every((s) => s === null || s === 0) ? null : Math.max(0, ...secs.map((s) => s ?? 0));
  }
  return views;
}
