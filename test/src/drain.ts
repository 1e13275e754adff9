/**
 * Waiting until a consumer group has processed everything on its input topics.
 *
 * A group is drained on a partition when its committed offset (the next offset it would read)
 * reaches the partition's end offset — on a topic written without transactions (the ingress
 * topics) that is exact: committed == end (the high watermark). On a transactional topic the end
 * offset kafkajs reports is the last stable offset (read.ts): writes of a transaction still open
 * are not waited for.
 *
 * On a topic written in transactions (ipasn.events, ipasn.scores) it is not: every transaction ends
 * with a commit or abort marker that takes an offset but is never delivered, and aborted records
 * are never delivered either. A transactional consumer commits `last processed + 1` (through
 * `sendOffsets`, inside its own transaction), so when it is done its committed offset stops short
 * of the end: by 1 after a committed transaction, by more after aborted ones (a producer fenced
 * after a crash). "lag ≤ 1" would be wrong both ways (an abort leaves a larger gap; a lag of 1 on a
 * plain topic is a real unread record), and "the last record's offset" cannot be read from the
 * end offsets. So when a partition's committed offset has stopped moving for a while short of the
 * end, the gap [committed, end) is scanned with a read_committed consumer: if it holds no record a
 * reader can see, the partition is drained (a group that never committed is scanned from the low
 * watermark: a partition of nothing but aborted records gives it nothing to commit). The scan runs once per distinct (committed, end) pair.
 * Both offsets are fetched in each poll, end offsets first, so "drained" means "everything written
 * before this poll has been processed".
 */
import { withAdmin, type KafkaClient } from '@ipasn/kafka';
import { testKafka, sleep } from './env.js';
import { scanTopic } from './read.js';

export interface PartitionProgress {
  topic: string;
  partition: number;
  /** The group's committed offset, -1 when it has none. */
  committed: number;
  low: number;
  end: number;
  /** end − max(committed, low): includes transaction markers on transactional topics. */
  lag: number;
  drained: boolean;
}

/** Committed offsets of a group against the end offsets of its topics, one row per partition. */
export async function groupProgress(groupId: string, topics: readonly string[], kafka: KafkaClient = testKafka()): Promise<PartitionProgress[]> {
  return withAdmin(kafka, async (admin) => {
    const ends = await Promise.all(topics.map(async (topic) => ({ topic, offsets: await admin.topicOffsets(topic) })));
    const committed = await admin.groupOffsets(groupId, topics);
    const byKey = new Map(committed.map((c) => [`${c.topic}/${c.partition}`, Number(c.offset)] as const));
    return ends.flatMap(({ topic, offsets }) =>
      offsets
        .map((o) => {
          const c = byKey.get(`${topic}/${o.partition}`) ?? -1;
          const low = Number(o.low);
          const end = Number(o.high);
          return { topic, partition: o.partition, committed: c, low, end, lag: Math.max(0, end - Math.max(c, low)), drained: end <= low || c >= end };
        })
        .sort((a, b) => a.partition - b.partition),
    );
  });
}

export interface DrainOptions {
  kafka?: KafkaClient;
  pollMs?: number;
  /** How long a committed offset must stand still short of the end before its gap is scanned. */
  settleMs?: number;
  /** Called after every poll (progress reports, crash tests). */
  onPoll?: (progress: PartitionProgress[]) => void;
}

/**
 * Resolves when `groupId` has processed everything on every partition of `topics` (see the module
 * comment for transactional topics); rejects after `timeoutMs` with the partitions still behind.
 */
export async function waitForDrain(groupId: string, topics: readonly string[], timeoutMs = 120_000, options: DrainOptions = {}): Promise<PartitionProgress[]> {
  const kafka = options.kafka ?? testKafka();
  const pollMs = options.pollMs ?? 250;
  const settleMs = options.settleMs ?? 1_500;
  const deadline = Date.now() + timeoutMs;
  /** `${topic}/${partition}` → when its (committed, end) pair was first seen, and the pair. */
  const since = new Map<string, { committed: number; end: number; at: number }>();
  /** Gaps already scanned: `${topic}/${partition}@${committed}-${end}` → holds visible records. */
  const scanned = new Map<string, boolean>();
  let progress: PartitionProgress[] = [];
  for (;;) {
    progress = await groupProgress(groupId, topics, kafka);
    const now = Date.now();
    const toScan: PartitionProgress[] = [];
    for (const p of progress) {
      if (p.drained) continue;
      const id = `${p.topic}/${p.partition}`;
      const prev = since.get(id);
      if (!prev || prev.committed !== p.committed || prev.end !== p.end) {
        since.set(id, { committed: p.committed, end: p.end, at: now });
        continue;
      }
      if (now - prev.at < settleMs) continue;
      const gap = `${id}@${p.committed}-${p.end}`;
      const visible = scanned.get(gap);
      if (visible === undefined) toScan.push(p);
      else p.drained = !visible;
    }
    for (const topic of new Set(toScan.map((p) => p.topic))) {
      const rows = toScan.filter((p) => p.topic === topic);
      const seen = new Set<number>();
      await scanTopic(topic, (_m, partition) => seen.add(partition), {
        kafka,
        partitions: rows.map((p) => p.partition),
        from: new Map(rows.map((p) => [p.partition, String(Math.max(p.committed, p.low))])),
        timeoutMs: Math.max(5_000, deadline - Date.now()),
      });
      for (const p of rows) {
        scanned.set(`${p.topic}/${p.partition}@${p.committed}-${p.end}`, seen.has(p.partition));
        p.drained = !seen.has(p.partition);
      }
    }
    options.onPoll?.(progress);
    if (progress.every((p) => p.drained)) return progress;
    if (Date.now() > deadline) {
      const behind = progress.filter((p) => !p.drained).map((p) => `${p.topic}/${p.partition} committed ${p.committed} end ${p.end}`);
      throw new Error(`group ${groupId} not drained after ${timeoutMs} ms: ${behind.join('; ')}`);
    }
    await sleep(pollMs);
  }
}

/** Sum of the group's committed offsets over its topics (progress that survives restarts). */
export function committedTotal(progress: readonly PartitionProgress[]): number {
  return progress.reduce((sum, p) => sum + Math.max(0, p.committed - p.low), 0);
}
