/**
 * Dead letters are bounded (events.md "Rejects"; design.md Security "Bounded input"): the original
 * value is kept whole up to 64 KiB, else its first 65536 bytes with the whole value's length and
 * SHA-256; and the largest dead letter an ingress record at the ingress topic's limit can give still
 * fits ipasn.dlq's max.message.bytes.
 */
import { describe, expect, it } from 'vitest';
import { RECORD_BATCH_OVERHEAD, readTopicFile, recordBytes, topicByteLimit } from '@ipasn/kafka';
import { SchemaRegistry, type DeadLetter } from '@ipasn/serde';
import { boundDeadLetter, deadLetterMessage, deadLetterOf, MAX_EVENT_ATTRIBUTE_CHARS, MAX_ORIGINAL_BYTES, MAX_REJECT_MESSAGE_CHARS, topicNames, type DeadLetterInput } from '../src/index.js';

const registry = SchemaRegistry.load();
const topics = topicNames('');
const NIP = '198501012010011001';

const rejectOf = (value: Buffer | null, key: Buffer | null = Buffer.from(NIP)): DeadLetter =>
  deadLetterOf(
    { topic: 'ipasn.ingress.3004', partition: 1, message: { key, value, offset: '42' }, event: { id: null, source: null, type: null, agencyCode: '3004' } },
    { reason: 'MALFORMED', message: 'the event is over 65536 bytes (64 KiB)', stage: 'normalizer', rejectedAt: 1_750_000_000_000 },
  );

/** Deterministic bytes, not all alike, so a wrong slice or digest shows. */
const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

describe('deadLetterOf: the original value, cut at 64 KiB', () => {
  it.each([0, 1, 1000, MAX_ORIGINAL_BYTES - 1, MAX_ORIGINAL_BYTES])('keeps %i bytes whole, with no length or digest', (n) => {
    const value = pattern(n);
    const dl = rejectOf(value);
    expect(Buffer.compare(dl.originalValue, value)).toBe(0);
    expect(dl.originalLength).toBeNull();
    expect(dl.originalSha256).toBeNull();
  });

  it('a missing value is kept as zero bytes, not cut', () => {
    expect(rejectOf(null)).toMatchObject({ originalValue: Buffer.alloc(0), originalLength: null, originalSha256: null });
  });

  // Digests computed outside Node (Python's hashlib) over the same bytes.
  it.each([
    ['65537 bytes of "x", one over', Buffer.alloc(65_537, 'x'), '1abe08ebecf1c18cab71f6fe28aaddf20268f85bad78bb9a72f88ca47c874662'],
    ['200000 patterned bytes', pattern(200_000), 'e24bc62381f1224fbbb74688663f8f9743b9680b193edd666835e97b06e730eb'],
    // 3-byte characters: byte 65536 falls inside one. Bytes are cut, not characters.
    ['30000 "€" (90000 bytes of UTF-8)', Buffer.from('€'.repeat(30_000), 'utf8'), 'fa0dd74e6490283a068ef42a4801ba17d322bea482f707ac45b79f97f6efbe84'],
  ] as const)('cuts %s to its first 65536 bytes, with the whole length and SHA-256', (_name, value, sha256) => {
    const dl = rejectOf(value);
    expect(dl.originalValue.length).toBe(MAX_ORIGINAL_BYTES);
    expect(Buffer.compare(dl.originalValue, value.subarray(0, MAX_ORIGINAL_BYTES))).toBe(0);
    expect(dl.originalLength).toBe(value.length);
    expect(dl.originalSha256?.toString('hex')).toBe(sha256);
    // What the topic holds decodes to the same.
    const decoded = registry.decodeAs('DeadLetter', deadLetterMessage(topics, registry, dl).value!).value;
    expect(decoded).toEqual(dl);
  });

  it('a cut in the middle of a UTF-8 character keeps the partial bytes as they were', () => {
    const dl = rejectOf(Buffer.from('€'.repeat(30_000), 'utf8'));
    // 65536 = 3 × 21845 + 1: the last kept byte is the first byte (E2) of a "€".
    expect(dl.originalValue.subarray(-2).toString('hex')).toBe('ace2');
  });

  it('cuts a key over 64 KiB the same way and says so in the message; a NIP key is kept', () => {
    expect(rejectOf(Buffer.from('{}'), Buffer.from(NIP)).originalKey?.toString()).toBe(NIP);
    const whole = rejectOf(Buffer.from('{}'), Buffer.alloc(MAX_ORIGINAL_BYTES, 'k'));
    expect(whole.originalKey?.length).toBe(MAX_ORIGINAL_BYTES);
    expect(whole.message).not.toMatch(/key was/u);
    const cut = rejectOf(Buffer.from('{}'), Buffer.alloc(MAX_ORIGINAL_BYTES + 1, 'k'));
    expect(cut.originalKey?.length).toBe(MAX_ORIGINAL_BYTES);
    expect(cut.message).toMatch(/the key was 65537 bytes: only its first 65536 are kept/u);
    expect(deadLetterMessage(topics, registry, cut).key?.length).toBe(MAX_ORIGINAL_BYTES);
  });

  it('cuts an overlong message, never inside a surrogate pair', () => {
    const long = `${'a'.repeat(MAX_REJECT_MESSAGE_CHARS - 2)}😀😀`;
    const dl = boundDeadLetter({ ...rejectOf(Buffer.from('{}')), message: long });
    expect(dl.message.length).toBeLessThanOrEqual(MAX_REJECT_MESSAGE_CHARS);
    expect(dl.message.endsWith('…')).toBe(true);
    expect(dl.message).not.toMatch(/[\uD800-\uDBFF]…$/u);
    const exact = 'm'.repeat(MAX_REJECT_MESSAGE_CHARS);
    expect(boundDeadLetter({ ...rejectOf(Buffer.from('{}')), message: exact }).message).toBe(exact);
  });

  it('cuts an overlong event id, source or type at 1024 characters; valid ones pass whole', () => {
    const base = rejectOf(Buffer.from('{}'));
    const valid = { ...base, eventId: 'e'.repeat(128), eventSource: '/agencies/3004', eventType: 'ipasn.training.recorded' };
    expect(boundDeadLetter(valid)).toEqual(valid);
    const exact = 'x'.repeat(MAX_EVENT_ATTRIBUTE_CHARS);
    expect(boundDeadLetter({ ...base, eventId: exact }).eventId).toBe(exact);
    const cut = boundDeadLetter({ ...base, eventId: `${exact}y`, eventSource: 's'.repeat(5000), eventType: 't'.repeat(1025) });
    for (const v of [cut.eventId, cut.eventSource, cut.eventType]) {
      expect(v).toHaveLength(MAX_EVENT_ATTRIBUTE_CHARS);
      expect(v?.endsWith('…')).toBe(true);
    }
  });

  it('is idempotent: bounding a bounded dead letter changes nothing', () => {
    const once = rejectOf(pattern(100_000), Buffer.alloc(70_000, 'k'));
    expect(boundDeadLetter(once)).toEqual(once);
  });

  it('deadLetterMessage bounds a hand-built dead letter too (any writer)', () => {
    const input: DeadLetterInput = { ...rejectOf(Buffer.from('{}')), originalValue: pattern(70_000) };
    delete input.originalLength;
    delete input.originalSha256;
    const written = registry.decodeAs('DeadLetter', deadLetterMessage(topics, registry, input).value!).value;
    expect(written.originalValue.length).toBe(MAX_ORIGINAL_BYTES);
    expect(written.originalLength).toBe(70_000);
  });
});

describe('the largest dead letter fits ipasn.dlq', () => {
  it('for an ingress record at the ingress limit, whatever its split between key and value', async () => {
    const file = await readTopicFile();
    const ingressLimit = Number(file.ingress.config['max.message.bytes']);
    const dlqLimit = Number(file.topics.find((t) => t.name === 'ipasn.dlq')?.config['max.message.bytes']);
    expect(ingressLimit).toBeLessThan(dlqLimit);
    expect(topicByteLimit(topics.dlq)).toBe(dlqLimit);
    const longTopic = `${'p'.repeat(249 - 'ipasn.ingress.3004'.length)}ipasn.ingress.3004`;
    // Every string at its longest at once: id, source and type (cut at 1024 characters) and the
    // message (4096) all of 3-byte UTF-8; topic names of 249 characters; the key and the value
    // split every way the ingress limit allows (each cut at 64 KiB). Without the cuts this is over.
    let worst = 0;
    for (const keyBytes of [18, 60_000, MAX_ORIGINAL_BYTES, ingressLimit - 100]) {
      const valueBytes = Math.max(0, ingressLimit - RECORD_BATCH_OVERHEAD - keyBytes - 20);
      const dl = deadLetterOf(
        { topic: longTopic, partition: 2 ** 31 - 1, message: { key: Buffer.alloc(keyBytes, 'k'), value: Buffer.alloc(valueBytes, 'v'), offset: String(2 ** 53 - 2) }, event: { id: '€'.repeat(MAX_ORIGINAL_BYTES), source: '€'.repeat(MAX_ORIGINAL_BYTES), type: '€'.repeat(MAX_ORIGINAL_BYTES), agencyCode: '3004' } },
        { reason: 'TOO_MANY_RECORDS', message: '€'.repeat(10_000), stage: 'normalizer', rejectedAt: Date.UTC(9999, 11, 31, 23, 59, 59, 999) },
      );
      const m = deadLetterMessage(topics, registry, dl);
      worst = Math.max(worst, RECORD_BATCH_OVERHEAD + recordBytes(m));
    }
    expect(worst).toBeLessThanOrEqual(dlqLimit);
  });
});
