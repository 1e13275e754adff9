/**
 * Every reject exactly once on ipasn.dlq (design.md, "Testing"), through a crash between the
 * state write and the commit: the scorer writes an employee's state, then its chunk's transaction
 * (dead letters, score events, input offsets) fails to commit, as when the process dies there. The
 * replayed chunk finds its events already applied and must send the same dead letters and score
 * events again, once: read_committed, the DLQ holds each reject once and ipasn.scores each version
 * once. Real Kafka (transactions) and Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TransactionalProducers, type BatchProducer } from '@ipasn/kafka';
import { event, startHarness, type Harness } from './fixtures.js';

const NIP = '198001012005011002';

/**
 * Transactional producers whose next commit fails once `crash` is set: 'before' the commit reaches
 * the broker (the transaction is left to abort), or 'after' it took effect (the answer was lost).
 */
class CrashingProducers extends TransactionalProducers {
  crash: 'before' | 'after' | null = null;
  override async forPartition(topic: string, partition: number): Promise<BatchProducer> {
    const real = await super.forPartition(topic, partition);
    return {
      transaction: async () => {
        const tx = await real.transaction();
        return {
          send: tx.send.bind(tx),
          sendOffsets: tx.sendOffsets.bind(tx),
          abort: tx.abort.bind(tx),
          commit: async () => {
            const crash = this.crash;
            this.crash = null;
            if (crash === 'before') throw new Error('crashed before the commit');
            await tx.commit();
            if (crash === 'after') throw new Error('the commit’s answer was lost');
          },
        };
      },
    } as unknown as BatchProducer;
  }
}

describe('scorer transactions (real Kafka and Redis)', () => {
  let h: Harness | undefined;
  let producers: CrashingProducers | undefined;
  afterEach(async () => {
    await producers?.closeAll();
    await h?.close();
  });

  it('a chunk whose commit failed after its states were written is replayed into the same dead letters and score events, once', async () => {
    h = await startHarness();
    const groupId = `${h.ns}ipasn-scorer`;
    producers = new CrashingProducers(h.kafka, groupId);
    const scorer = h.scorerWith(h.ruleSets, { producers, groupId });
    const feed = (events: Parameters<Harness['feed']>[0], from: number) => h!.feed(events, from, undefined, scorer);

    await feed([event('4011', NIP, 'ipasn.employee.upserted', { name: 'Siti', employmentType: 'PNS', jobGroup: 'PELAKSANA' })], 0);
    const chunk = [
      event('4011', NIP, 'ipasn.record.retracted', { recordId: 'nope' }),
      event('4011', NIP, 'ipasn.education.recorded', { recordId: 'a', level: 'S1', graduatedOn: '2010-01-01' }),
      event('4011', NIP, 'ipasn.record.retracted', { recordId: 'gone' }),
    ];
    producers.crash = 'before';
    await expect(feed(chunk, 1)).rejects.toThrow('crashed before the commit');
    // The state was written (version 2): the replay applies nothing again.
    expect((await h.store.load([NIP])).get(NIP)?.state?.version).toBe(2);
    await feed(chunk, 1);
    // A later reject on the same partition (dead letters are keyed by NIP): once it is read, so is everything before it.
    await feed([event('4011', NIP, 'ipasn.record.retracted', { recordId: 'later' })], 4);
    await h.until(() => h!.dlq.some((d) => d.sourceOffset === 4), 60_000);

    expect(h.dlq.map((d) => [d.sourceOffset, d.reason])).toEqual([
      [1, 'UNKNOWN_RECORD'],
      [3, 'UNKNOWN_RECORD'],
      [4, 'UNKNOWN_RECORD'],
    ]);
    await h.until(() => h!.scores.filter((s) => s.version === 2).length >= h!.ruleSets.all.length, 60_000);
    const perVersion = new Map<number, number>();
    for (const s of h.scores) perVersion.set(s.version, (perVersion.get(s.version) ?? 0) + 1);
    // Version 1 (the upsert) and 2 (the education record), one score event per rule set each; the
    // rejects-only chunk at offset 4 re-emits version 2 (same version, same values: idempotent downstream).
    expect(perVersion.get(1)).toBe(h.ruleSets.all.length);
    expect(perVersion.get(2)).toBe(2 * h.ruleSets.all.length);
  }, 120_000);

  it('a chunk whose commit took effect but whose answer was lost is not replayed (its records would be written twice)', async () => {
    h = await startHarness();
    const groupId = `${h.ns}ipasn-scorer`;
    producers = new CrashingProducers(h.kafka, groupId);
    const scorer = h.scorerWith(h.ruleSets, { producers, groupId });
    await h.feed([event('4011', NIP, 'ipasn.employee.upserted', { name: 'Siti', employmentType: 'PNS', jobGroup: 'PELAKSANA' })], 0, undefined, scorer);
    producers.crash = 'after';
    // Resolves: the group's offset shows the commit happened, so the consumer moves on.
    await h.feed([event('4011', NIP, 'ipasn.record.retracted', { recordId: 'nope' })], 1, undefined, scorer);
    expect(producers.crash).toBeNull();
    await h.until(() => h!.dlq.length >= 1, 60_000);
    expect(h.dlq.map((d) => [d.sourceOffset, d.reason])).toEqual([[1, 'UNKNOWN_RECORD']]);
  }, 120_000);
});
