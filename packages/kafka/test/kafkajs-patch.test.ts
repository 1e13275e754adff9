/**
 * The read_committed filter of kafkajs 2.2.4, as patched (patches/kafkajs+2.2.4.patch): aborted
 * transactions arrive in the order they were aborted, and a fetch may start after several of them
 * began. Unpatched, both cases let aborted records through as committed.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Message = { offset: string; key: Buffer | null; batchContext: { producerId: string; inTransaction: boolean } };
const filterAbortedMessages = createRequire(import.meta.url)('kafkajs/src/consumer/filterAbortedMessages') as (args: {
  messages: Message[];
  abortedTransactions: { firstOffset: string; producerId: string }[];
}) => Message[];

const data = (offset: number, producerId: string): Message => ({ offset: String(offset), key: Buffer.from('k'), batchContext: { producerId, inTransaction: true } });
const abortMarker = (offset: number, producerId: string): Message => ({ offset: String(offset), key: Buffer.from([0, 0, 0, 0]), batchContext: { producerId, inTransaction: true } });

/** Control records pass this filter (kafkajs drops them later): compare the data records. */
const dataOffsets = (kept: Message[]) => kept.filter((m) => !m.key?.equals(Buffer.from([0, 0, 0, 0]))).map((m) => m.offset);

describe('kafkajs read_committed filter (patched)', () => {
  it('hides transactions listed in abort order rather than start order', () => {
    const messages = [data(10, 'x'), data(11, 'y'), data(12, 'c'), abortMarker(13, 'y'), abortMarker(14, 'x'), data(15, 'c')];
    const kept = filterAbortedMessages({ messages, abortedTransactions: [{ firstOffset: '11', producerId: 'y' }, { firstOffset: '10', producerId: 'x' }] });
    expect(dataOffsets(kept)).toEqual(['12', '15']);
  });

  it('hides every transaction that began before the first fetched message', () => {
    const messages = [data(20, 'y'), data(21, 'x'), abortMarker(22, 'x'), abortMarker(23, 'y'), data(24, 'c')];
    const kept = filterAbortedMessages({ messages, abortedTransactions: [{ firstOffset: '5', producerId: 'x' }, { firstOffset: '6', producerId: 'y' }] });
    expect(dataOffsets(kept)).toEqual(['24']);
  });
});
