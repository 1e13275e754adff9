/**
 * Crashing a service at the worst moment for exactly-once: inside a transaction that has already
 * written records to an output topic but not committed them. Killing at random moments rarely
 * lands there (a transactional chunk spends most of its time before its records reach the broker:
 * in the client's encoding and the produce round trip), so a crash test that wants that case
 * arranges it:
 *
 * a read_uncommitted consumer tails the output topic; the moment it receives records, the service
 * is frozen (SIGSTOP, a few milliseconds after the broker appended them) and the topic's last
 * stable offsets are read: if a received record lies at or beyond its partition's last stable
 * offset, its transaction is still open, and the frozen process is exactly where a crash must
 * leave those records aborted. Otherwise the service is thawed (SIGCONT) and the tail waits for
 * the next records. The caller then SIGKILLs the frozen service (`kill('SIGKILL')`).
 */
import { randomUUID } from 'node:crypto';
import { BatchConsumer, withAdmin, type KafkaClient } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { sleep, testKafka } from './env.js';
import { topicOffsets } from './read.js';
import type { ServiceHandle } from './service.js';

export interface FreezeResult {
  /** True when the service is frozen inside an open transaction (kill it); false: running, not caught in time. */
  frozen: boolean;
  /** Partitions of the topic holding the open transaction's records. */
  partitions: number[];
  /** How many times it was frozen and thawed before (the commit had already happened). */
  attempts: number;
}

/** Freezes `service` inside an open transaction that has written to `topic` (see the module comment). */
export async function freezeInsideTransaction(service: ServiceHandle, topic: string, options: { timeoutMs?: number; kafka?: KafkaClient } = {}): Promise<FreezeResult> {
  const kafka = options.kafka ?? testKafka();
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const groupId = `${topic}.tail-${randomUUID().slice(0, 8)}`;
  let armed = false;
  let seen: { partition: number; offset: bigint }[] = [];
  let trigger: (() => void) | undefined;
  let attempts = 0;
  let stopped = false;
  // Armed only once the tail has joined and completed a fetch from the end: awaited, not slept.
  let fetchedOnce: () => void = () => undefined;
  const fetched = new Promise<void>((resolve) => (fetchedOnce = resolve));
  // A new group starts at the latest offsets: only records written from now on are seen.
  const consumer = new BatchConsumer({
    kafka,
    groupId,
    topics: [topic],
    fromBeginning: false,
    readUncommitted: true,
    commit: 'none',
    maxWaitMs: 500,
    sessionTimeout: 10_000,
    logger: silentLogger(),
    onFetch: () => fetchedOnce(),
    onFatal: () => undefined,
    handler: async (messages, ctx) => {
      const last = messages[messages.length - 1];
      if (!armed || !last) return;
      armed = false;
      stopped = service.signal('SIGSTOP'); // first: every millisecond here is a chance for the commit
      seen = [{ partition: ctx.partition, offset: BigInt(last.offset) }];
      trigger?.();
      await Promise.resolve();
    },
  });
  try {
    await consumer.start();
    await Promise.race([fetched, sleep(Math.max(0, deadline - Date.now()))]);
    while (Date.now() < deadline && service.running) {
      const fired = new Promise<void>((resolve) => (trigger = resolve));
      armed = true;
      const timedOut = await Promise.race([fired.then(() => false), sleep(Math.max(0, deadline - Date.now())).then(() => true)]);
      if (timedOut) break;
      attempts += 1;
      const stable = new Map((await topicOffsets(topic, kafka)).map((r) => [r.partition, BigInt(r.end)]));
      const open = seen.filter((s) => s.offset >= (stable.get(s.partition) ?? 0n)).map((s) => s.partition);
      if (open.length > 0) return { frozen: true, partitions: open, attempts };
      service.signal('SIGCONT');
      stopped = false;
    }
    armed = false;
    if (stopped) service.signal('SIGCONT');
    return { frozen: false, partitions: [], attempts };
  } finally {
    armed = false;
    await consumer.stop().catch(() => undefined);
    await withAdmin(kafka, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  }
}
