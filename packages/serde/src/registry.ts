/**
 * Avro single-object encoding (Avro spec, "Single-object encoding"): `C3 01`, the writer schema's
 * CRC-64-AVRO fingerprint (8 bytes, little-endian), then the binary body. The registry holds every
 * version of every schema in `schemas/`, so it can read anything ever written and always hands out
 * values in the newest version's shape.
 */
import type { AvroCanonicalEvent } from './canonical.js';
import { avroType, canonicalForm, type AvroResolver, type AvroType } from './avro.js';
import { explainIncompatibility } from './compat.js';
import { crc64Avro, fingerprintBytes, fingerprintHex } from './crc64.js';
import { SerdeError } from './errors.js';
import { defaultSchemaDir, readSchemaDir, type SchemaFile } from './schema-files.js';
import type { DeadLetter, ScoreEvent } from './types.js';

export const SUBJECTS = ['CanonicalEvent', 'ScoreEvent', 'DeadLetter'] as const;
export type Subject = (typeof SUBJECTS)[number];

/** What `decodeAs` returns per subject: the shape of the newest schema version. */
export interface SubjectValues {
  CanonicalEvent: AvroCanonicalEvent;
  ScoreEvent: ScoreEvent;
  DeadLetter: DeadLetter;
}

export const NAMESPACE = 'id.go.bkn.ipasn';
export const SINGLE_OBJECT_MARKER = Buffer.from([0xc3, 0x01]);
const HEADER_LENGTH = 10;

export interface SchemaVersion {
  readonly subject: Subject;
  readonly version: number;
  /** Relative to the schema folder: `ipasn.scores/ScoreEvent.v2.avsc`. */
  readonly file: string;
  /** CRC-64-AVRO of the Parsing Canonical Form, as 16 hex digits (Java's `%016x`). */
  readonly fingerprint: string;
  readonly canonicalForm: string;
  readonly type: AvroType;
}

export interface Decoded<T> {
  subject: Subject;
  /** The version the message was written with; `value` has the newest version's shape regardless. */
  version: number;
  value: T;
}

interface Entry extends SchemaVersion {
  /** The 10-byte header written before every body encoded with this version. */
  readonly header: Buffer;
  /** Reads this version's bodies into the newest version; undefined for the newest itself. */
  resolver: AvroResolver | undefined;
}

function isSubject(name: string): name is Subject {
  return (SUBJECTS as readonly string[]).includes(name);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export class SchemaRegistry {
  readonly #bySubject = new Map<Subject, Entry[]>();
  /** Keyed by the header's 8 fingerprint bytes in hex, as they appear on the wire. */
  readonly #byWireFingerprint = new Map<string, Entry>();

  private constructor(files: readonly SchemaFile[]) {
    for (const f of files) {
      if (!isSubject(f.subject)) {
        throw new SerdeError('SCHEMA_DIR_INVALID', `${f.file}: unknown subject ${f.subject} (known: ${SUBJECTS.join(', ')})`);
      }
      const type = avroType(f.schema, f.file);
      if (type.name !== `${NAMESPACE}.${f.subject}`) {
        throw new SerdeError('SCHEMA_DIR_INVALID', `${f.file}: the schema must be the record ${NAMESPACE}.${f.subject}, not ${type.name ?? type.typeName}`);
      }
      const form = canonicalForm(type);
      const fingerprint = crc64Avro(Buffer.from(form, 'utf8'));
      const header = Buffer.concat([SINGLE_OBJECT_MARKER, fingerprintBytes(fingerprint)]);
      const entry: Entry = {
        subject: f.subject,
        version: f.version,
        file: f.file,
        fingerprint: fingerprintHex(fingerprint),
        canonicalForm: form,
        type,
        header,
        resolver: undefined,
      };
      const wire = header.toString('hex', 2);
      const clash = this.#byWireFingerprint.get(wire);
      if (clash) {
        throw new SerdeError('SCHEMA_DIR_INVALID', `${f.file} and ${clash.file} have the same canonical form: a new version must change how data is read`);
      }
      this.#byWireFingerprint.set(wire, entry);
      this.#bySubject.set(f.subject, [...(this.#bySubject.get(f.subject) ?? []), entry]);
    }
    // Built once here rather than on first use, so that an incompatible schema set stops a service
    // at startup instead of dead-lettering every old message.
    for (const entries of this.#bySubject.values()) {
      entries.sort((a, b) => a.version - b.version);
      const newest = entries.at(-1)!;
      for (const older of entries.slice(0, -1)) {
        try {
          older.resolver = newest.type.createResolver(older.type);
        } catch (cause) {
          const why = explainIncompatibility(newest.type, older.type).join('; ');
          throw new SerdeError('SCHEMA_INCOMPATIBLE', `${newest.file} cannot read data written with ${older.file}: ${why}`, { cause });
        }
      }
    }
  }

  /** Every schema version under `dir` (default: the repo's `schemas/`). Synchronous: call at startup. */
  static load(dir: string = defaultSchemaDir()): SchemaRegistry {
    return new SchemaRegistry(readSchemaDir(dir));
  }

  /** A registry of the given files, e.g. schemas built in a test. */
  static fromFiles(files: readonly SchemaFile[]): SchemaRegistry {
    return new SchemaRegistry(files);
  }

  /** The subjects with at least one version, in SUBJECTS order. */
  subjects(): Subject[] {
    return SUBJECTS.filter((s) => this.#bySubject.has(s));
  }

  /** All versions of `subject`, oldest first. */
  versions(subject: Subject): readonly SchemaVersion[] {
    return this.#entries(subject);
  }

  latest(subject: Subject): SchemaVersion {
    return this.#entries(subject).at(-1)!;
  }

  /** The fingerprint (16 hex digits) of `version` of `subject`, by default the newest. */
  fingerprint(subject: Subject, version?: number): string {
    return this.#entry(subject, version).fingerprint;
  }

  /**
   * Single-object encoding of `value` with the newest version of `subject`, or with an older
   * `version`: readers must know a version before anyone writes it, so during a rollout producers
   * keep writing the old one.
   */
  encode(subject: Subject, value: unknown, version?: number): Buffer {
    const entry = this.#entry(subject, version);
    const problems: string[] = [];
    // Paths and types only, never values: these messages get logged and values hold personal data.
    const valid = entry.type.isValid(value, {
      errorHook: (path: string[], got: unknown, type: AvroType) => {
        problems.push(`${path.join('.') || '<root>'} (got ${describe(got)}, expected ${JSON.stringify(type.schema())})`);
      },
    });
    if (!valid) {
      throw new SerdeError('INVALID_VALUE', `not a valid ${subject} v${entry.version}: ${problems.join('; ')}`);
    }
    return Buffer.concat([entry.header, entry.type.toBuffer(value)]);
  }

  /** Reads a single-object message written with any known version, into the newest version. */
  decode<T = unknown>(bytes: Uint8Array): Decoded<T> {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < Math.min(2, buf.length); i++) {
      if (buf[i] !== SINGLE_OBJECT_MARKER[i]) {
        const seen = buf.subarray(0, 2).toString('hex');
        throw new SerdeError('BAD_MARKER', `not Avro single-object encoding: starts with 0x${seen}, expected 0xc301`);
      }
    }
    if (buf.length < HEADER_LENGTH) {
      throw new SerdeError('TRUNCATED', `${buf.length} bytes: shorter than the ${HEADER_LENGTH}-byte single-object header`);
    }
    const entry = this.#byWireFingerprint.get(buf.toString('hex', 2, HEADER_LENGTH));
    if (!entry) {
      const hex = fingerprintHex(buf.readBigUInt64LE(2));
      throw new SerdeError(
        'UNKNOWN_FINGERPRINT',
        `unknown writer schema fingerprint ${hex}: the message was written with a schema this registry does not have (is schemas/ older than the producer?)`,
      );
    }
    const reader = this.#entries(entry.subject).at(-1)!;
    try {
      const value = reader.type.fromBuffer(buf.subarray(HEADER_LENGTH), entry.resolver) as T;
      return { subject: entry.subject, version: entry.version, value };
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      const code = detail === 'truncated buffer' ? 'TRUNCATED' : 'DECODE_FAILED';
      throw new SerdeError(code, `cannot read a ${entry.subject} v${entry.version} body: ${detail}`, { cause });
    }
  }

  /** `decode`, failing with WRONG_SUBJECT unless the message is a `subject`. */
  decodeAs<S extends Subject>(subject: S, bytes: Uint8Array): Decoded<SubjectValues[S]> {
    const decoded = this.decode<SubjectValues[S]>(bytes);
    if (decoded.subject !== subject) {
      throw new SerdeError('WRONG_SUBJECT', `expected a ${subject}, got a ${decoded.subject} (v${decoded.version})`);
    }
    return decoded;
  }

  #entry(subject: Subject, version: number | undefined): Entry {
    const entries = this.#entries(subject);
    const entry = version === undefined ? entries.at(-1) : entries.find((e) => e.version === version);
    if (!entry) throw new SerdeError('UNKNOWN_VERSION', `${subject} has no version ${version}`);
    return entry;
  }

  #entries(subject: Subject): Entry[] {
    const entries = this.#bySubject.get(subject);
    if (!entries) throw new SerdeError('UNKNOWN_SUBJECT', `no schema for ${subject} in this registry`);
    return entries;
  }
}
