import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc64Avro, fingerprintHex } from '../src/index.js';

/** The spec's reference algorithm, literally, in BigInt: slow and obviously right. */
function referenceCrc64(bytes: Uint8Array): bigint {
  const EMPTY = 0xc15d213aa4d7a795n;
  const MASK = 0xffffffffffffffffn;
  const table: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & (-(fp & 1n) & MASK));
    table.push(fp);
  }
  let fp = EMPTY;
  for (const b of bytes) fp = (fp >> 8n) ^ table[Number((fp ^ BigInt(b)) & 0xffn)]!;
  return fp;
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const signed = (fp: bigint): bigint => BigInt.asIntN(64, fp);

describe('crc64Avro', () => {
  // Avro's share/test/data/schema-tests.txt publishes these as Java's signed longs.
  it.each([
    ['"null"', 7195948357588979594n],
    ['"boolean"', -6970731678124411036n],
    ['"int"', 8247732601305521295n],
    ['"long"', -3434872931120570953n],
    ['"float"', 5583340709985441680n],
    ['"double"', -8181574048448539266n],
    ['"bytes"', 5746618253357095269n],
    ['"string"', -8142146995180207161n],
    ['[]', -1241056759729112623n],
    ['{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  ])('fingerprints the canonical form %s as Avro does', (form, expected) => {
    expect(signed(crc64Avro(text(form)))).toBe(expected);
  });

  it('is EMPTY for no bytes', () => {
    expect(fingerprintHex(crc64Avro(new Uint8Array()))).toBe('c15d213aa4d7a795');
  });

  it('prints like Java %016x, zero-padded', () => {
    expect(fingerprintHex(crc64Avro(text('"int"')))).toBe('7275d51a3f395c8f');
    expect(fingerprintHex(0xabn)).toBe('00000000000000ab');
  });

  it('agrees with the BigInt reference algorithm on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => crc64Avro(bytes) === referenceCrc64(bytes)),
      { numRuns: 300 },
    );
  }, 60_000);
});
