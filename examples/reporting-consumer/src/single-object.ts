/**
 * Avro single-object encoding, read with nothing but the published `.avsc` files and avsc.
 *
 * Every value on ipasn.events, ipasn.scores, ipasn.scores.latest and ipasn.dlq is
 *
 *     C3 01 | 8 bytes: CRC-64-AVRO fingerprint of the writer schema, little-endian | Avro binary body
 *
 * (Avro specification, "Single-object encoding"). The fingerprint names the schema version that
 * wrote the message. A reader keeps every published version, finds the writer by fingerprint and
 * resolves the body into the newest version it knows (Avro schema resolution), so one code path
 * reads old and new messages alike.
 *
 * The fingerprint is the Rabin CRC-64 of the schema's Parsing Canonical Form (Avro specification,
 * "Schema Fingerprints"). avsc offers MD5 and SHA-256 fingerprints only, so `crc64Avro` below is
 * the specification's reference algorithm, in BigInt (plenty fast for a few schemas at startup).
 * `loadSchemas` checks every computed fingerprint against `schemas/fingerprints.json` when that
 * file is present, so a mistake here cannot go unnoticed.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import avro from 'avsc';

type AvroType = ReturnType<typeof avro.Type.forSchema>;
type AvroResolver = ReturnType<AvroType['createResolver']>;

export const MARKER = Buffer.from([0xc3, 0x01]);
const HEADER = 10;

// --- CRC-64-AVRO ------------------------------------------------------------------------------
const EMPTY = 0xc15d213aa4d7a795n;
const TABLE: bigint[] = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
  return fp;
});

/** The CRC-64-AVRO fingerprint of `bytes` (for a schema: the UTF-8 of its Parsing Canonical Form). */
export function crc64Avro(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const b of bytes) fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(b)) & 0xffn)]!;
  return fp;
}

/** As Java prints it (`%016x`), and as `fingerprints.json` lists it. */
export const hex = (fp: bigint): string => fp.toString(16).padStart(16, '0');

// --- the schema folder -------------------------------------------------------------------------
export interface SchemaVersion {
  /** `ScoreEvent` (the record name without namespace). */
  subject: string;
  version: number;
  file: string;
  fingerprint: string;
  type: AvroType;
}

const FILE = /^([A-Z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.avsc$/u;

function avscFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? avscFiles(path) : e.name.endsWith('.avsc') ? [path] : [];
  });
}

/**
 * Every `<Subject>.v<N>.avsc` under `dir` (the published `schemas/` folder, copied as it is).
 * Nullable fields read as plain `T | null` (`wrapUnions: 'auto'`); timestamps stay epoch-millisecond
 * numbers (no logical-type conversion).
 */
export function loadSchemas(dir: string): SchemaVersion[] {
  const versions = avscFiles(dir).map((path): SchemaVersion => {
    const file = relative(dir, path).split(/[\\/]/u).join('/');
    const m = FILE.exec(file.slice(file.lastIndexOf('/') + 1));
    if (!m) throw new Error(`${file}: schema files are named <Subject>.v<N>.avsc`);
    const type = avro.Type.forSchema(JSON.parse(readFileSync(path, 'utf8')) as avro.Schema, { wrapUnions: 'auto' });
    // avsc's schema() without options is the Parsing Canonical Form.
    const canonical = JSON.stringify(type.schema());
    return { subject: m[1]!, version: Number(m[2]), file, fingerprint: hex(crc64Avro(Buffer.from(canonical, 'utf8'))), type };
  });
  const lock = join(dir, 'fingerprints.json');
  if (existsSync(lock)) {
    const listed = (JSON.parse(readFileSync(lock, 'utf8')) as { fingerprints: { file: string; fingerprint: string }[] }).fingerprints;
    for (const l of listed) {
      const v = versions.find((x) => x.file === l.file);
      if (v && v.fingerprint !== l.fingerprint) throw new Error(`${l.file}: computed fingerprint ${v.fingerprint}, fingerprints.json says ${l.fingerprint}`);
    }
  }
  return versions.sort((a, b) => (a.subject === b.subject ? a.version - b.version : a.subject < b.subject ? -1 : 1));
}

// --- decoding ----------------------------------------------------------------------------------
export interface Decoded<T> {
  /** The writer's version. */
  version: number;
  /** In the shape of the newest version this reader has. */
  value: T;
}

/** Reads single-object messages of one subject (e.g. `ScoreEvent`) written with any of its versions. */
export class SingleObjectDecoder<T> {
  readonly #reader: AvroType;
  readonly #byFingerprint = new Map<string, { version: number; resolver: AvroResolver | undefined }>();

  constructor(versions: readonly SchemaVersion[], readonly subject: string) {
    const mine = versions.filter((v) => v.subject === subject);
    const newest = mine.at(-1);
    if (!newest) throw new Error(`no ${subject} schema in the schema folder`);
    this.#reader = newest.type;
    for (const v of mine) {
      // Resolution fails here, at startup, if a version cannot be read into the newest one.
      this.#byFingerprint.set(v.fingerprint, { version: v.version, resolver: v === newest ? undefined : newest.type.createResolver(v.type) });
    }
  }

  decode(bytes: Buffer): Decoded<T> {
    if (bytes.length < HEADER || bytes[0] !== MARKER[0] || bytes[1] !== MARKER[1]) throw new Error('not an Avro single-object message (expected C3 01 and a fingerprint)');
    const fingerprint = hex(bytes.readBigUInt64LE(2));
    const writer = this.#byFingerprint.get(fingerprint);
    if (!writer) throw new Error(`unknown writer schema ${fingerprint}: get the newest schemas/ folder (or it is not a ${this.subject})`);
    return { version: writer.version, value: this.#reader.fromBuffer(bytes.subarray(HEADER), writer.resolver) as T };
  }
}
