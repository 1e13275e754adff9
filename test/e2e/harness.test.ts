/**
 * The harness's own checks against the real broker: publishing keeps bytes and routes as documented,
 * readAll is read_committed and stops at the end offsets, waitForDrain sees through transaction
 * markers and aborted records but not through a real unread record.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BatchProducer, withAdmin } from '@ipasn/kafka';
import { createTopics, decoders, publishNdjson, readAll, testKafka, testNamespace, waitForDrain, type Expectation } from '../src/index.js';

describe('testNamespace', () => {
  it('gives unique prefixes that are valid topic and key prefixes', () => {
    const a = testNamespace();
    expect(a).toMatch(/^t[0-9a-f]{8}\.$/u);
    expect(testNamespace()).not.toBe(a);
  });
});

describe('publishNdjson + readAll', () => {
  it('sends each line byte for byte to its agency topic, keyed by the NIP digits, routed by tag, source or fallback', async () => {
    const ns = testNamespace();
    const topics = await createTopics(ns, ['3004', '3015']);
    const dir = mkdtempSync(join(tmpdir(), 'e2e-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const lines = [
      JSON.stringify({ source: '/agencies/3004', subject: '19850101 201001 1 001', id: 'a' }),
      JSON.stringify({ source: '/agencies/3004', subject: '198501012010011002', id: 'b' }), // tagged to 3015
      '{"source":"/agencies/3015","subject":"198501012010011003", cut off',
      'not json at all\r',
      '',
    ];
    const file = join(dir, 'in.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const expect_ = new Map<number, Expectation>([[2, { line: 2, reason: 'AGENCY_MISMATCH', topic: '3015' }]]);
    const result = await publishNdjson(file, { prefix: ns, expect: expect_, fallbackAgency: '3004' });
    // line 3 is unreadable and untagged: the fallback gets it, whatever its text says.
    expect(result).toMatchObject({ lines: 5, sent: 4, byAgency: { '3004': 3, '3015': 1 } });
    expect([...result.keys].sort()).toEqual(['198501012010011001', '198501012010011002', '198501012010011003']);

    const a = await readAll(topics.ingress('3004'), { decode: decoders.utf8 });
    const b = await readAll(topics.ingress('3015'), { decode: decoders.utf8 });
    expect(a.map((r) => r.value).sort()).toEqual([lines[0], lines[2], lines[3]].sort());
    expect(b.map((r) => r.value)).toEqual([lines[1]]);
    expect(a.find((r) => r.value === lines[0])?.key?.toString()).toBe('198501012010011001');
    expect(a.find((r) => r.value === lines[3])?.key).toBeNull();
  });
});

describe('readAll and waitForDrain on a transactional topic', () => {
  it('skip aborted records and markers, and still see a real unread record', async () => {
    const ns = testNamespace();
    const topics = await createTopics(ns, []);
    const kafka = testKafka();
    const producer = new BatchProducer(kafka, { transactionalId: `${ns}harness-tx` });
    await producer.connect();
    const send = async (values: string[], commit: boolean): Promise<void> => {
      const tx = await producer.transaction();
      await tx.send(values.map((v) => ({ topic: topics.dlq, partition: 0, key: 'k', value: Buffer.from(v) })));
      await (commit ? tx.commit() : tx.abort());
    };
    // offsets: 0 1 2 data, 3 commit marker, 4 5 aborted data, 6 abort marker
    await send(['a', 'b', 'c'], true);
    await send(['x', 'y'], false);
    await producer.close();

    const read = await readAll(topics.dlq, { decode: decoders.utf8 });
    expect(read.map((r) => [r.partition, r.offset, r.value])).toEqual([
      [0, '0', 'a'],
      [0, '1', 'b'],
      [0, '2', 'c'],
    ]);

    const done = `${ns}harness-done`;
    const behind = `${ns}harness-behind`;
    await withAdmin(kafka, (admin) =>
      Promise.all([
        // A transactional consumer that processed a, b, c commits 3: four offsets short of the end.
        admin.setGroupOffsets(done, topics.dlq, [{ partition: 0, offset: '3' }]),
        // Committed 2: record c is still unread, however long one waits.
        admin.setGroupOffsets(behind, topics.dlq, [{ partition: 0, offset: '2' }]),
      ]),
    );
    const progress = await waitForDrain(done, [topics.dlq], 20_000, { settleMs: 300 });
    expect(progress.find((p) => p.partition === 0)).toMatchObject({ committed: 3, end: 7, drained: true });
    await expect(waitForDrain(behind, [topics.dlq], 3_000, { settleMs: 300 })).rejects.toThrow(/not drained/u);
  });
});
