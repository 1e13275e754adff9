/**
 * A consumer group's lag per partition: in messages (end offset − committed offset) and, when
 * asked, in seconds — the age of the oldest unconsumed message (the one at the committed offset):
 * how long the oldest waiting message has been waiting.
 */
import { withAdmin } from './admin.js';
import type { KafkaClient } from './client.js';
import { collectRange } from './read.js';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The group's committed offset (the next message it will read), or null when it never committed. */
  committed: number | null;
  end: number;
  lag: number;
  /** Age of the oldest unconsumed message, s (0 without lag); null when not asked or unreadable. */
  lagSeconds: number | null;
  oldestUnconsumedAt: string | null;
}

export interface GroupLagOptions {
  /** Also read the oldest unconsumed message of every lagging partition, and age it against `now` (epoch ms). */
  seconds?: { now: number; groupPrefix?: string };
}

/** Lag of `groupId` on `topics`, sorted by topic and partition. */
export async function groupLag(kafka: KafkaClient, groupId: string, topics: readonly string[], options: GroupLagOptions = {}): Promise<PartitionLag[]> {
  if (topics.length === 0) return [];
  const lags = await withAdmin(kafka, async (admin) => {
    const [ends, committed] = await Promise.all([Promise.all(topics.map(async (t) => [t, await admin.topicOffsets(t)] as const)), admin.groupOffsets(groupId, topics)]);
    const committedOf = new Map(committed.map((c) => [`${c.topic}/${c.partition}`, Number(c.offset)]));
    return ends.flatMap(([topic, offsets]) =>
      offsets.map((e): PartitionLag => {
        const c = committedOf.get(`${topic}/${e.partition}`) ?? -1;
        const end = Number(e.high);
        const from = c < 0 ? Number(e.low) : Math.max(c, Number(e.low));
        const lag = Math.max(0, end - from);
        return { topic, partition: e.partition, committed: c < 0 ? null : c, end, lag, lagSeconds: options.seconds && lag === 0 ? 0 : null, oldestUnconsumedAt: null };
      }),
    );
  });
  lags.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  const seconds = options.seconds;
  const lagging = lags.filter((p) => p.lag > 0);
  if (seconds && lagging.length > 0) {
    const read = await collectRange(
      kafka,
      lagging.map((p) => ({ topic: p.topic, partition: p.partition, from: p.end - p.lag, to: p.end, limit: 1 })),
      { timeoutMs: 10_000, partial: true, stallTimeoutMs: 10_000, ...(seconds.groupPrefix ? { groupPrefix: seconds.groupPrefix } : {}) },
    );
    for (const r of read) {
      const ts = r.messages[0]?.timestamp;
      const p = lagging.find((x) => x.topic === r.request.topic && x.partition === r.request.partition);
      if (p && ts !== undefined) {
        p.lagSeconds = Math.max(0, Math.round((seconds.now - Number(ts)) / 100) / 10);
        p.oldestUnconsumedAt = new Date(Number(ts)).toISOString();
      }
    }
  }
  return lags;
}
