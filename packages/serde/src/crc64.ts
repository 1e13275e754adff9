/**
 * CRC-64-AVRO, the Rabin fingerprint of the Avro specification ("Schema Fingerprints"), used by
 * single-object encoding. avsc only offers MD5/SHA fingerprints and no maintained npm package
 * implements this one, so it lives here: the spec's reference algorithm on two uint32 halves
 * (BigInt per byte would be ~50x slower), checked against Avro Java in the tests.
 */

const EMPTY_HI = 0xc15d213a;
const EMPTY_LO = 0xa4d7a795;

// FP_TABLE of the spec, split into high and low 32-bit halves.
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let j = 0; j < 8; j++) {
    // fp = (fp >>> 1) ^ (EMPTY & -(fp & 1))
    const mask = -(lo & 1) >>> 0;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    lo = (lo ^ (EMPTY_LO & mask)) >>> 0;
    hi = (hi ^ (EMPTY_HI & mask)) >>> 0;
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}

/** The CRC-64-AVRO fingerprint of `bytes`, as an unsigned 64-bit integer. */
export function crc64Avro(bytes: Uint8Array): bigint {
  let hi = EMPTY_HI;
  let lo = EMPTY_LO;
  for (const byte of bytes) {
    // fp = (fp >>> 8) ^ FP_TABLE[(fp ^ b) & 0xff]
    const index = (lo ^ byte) & 0xff;
    lo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
    hi = hi >>> 8;
    lo = (lo ^ TABLE_LO[index]!) >>> 0;
    hi = (hi ^ TABLE_HI[index]!) >>> 0;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** A fingerprint as 16 hex digits, most significant first: how Java prints it with `%016x`. */
export function fingerprintHex(fingerprint: bigint): string {
  return fingerprint.toString(16).padStart(16, '0');
}

/** The 8 bytes of a fingerprint as single-object encoding writes them: little-endian. */
export function fingerprintBytes(fingerprint: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(fingerprint);
  return bytes;
}
