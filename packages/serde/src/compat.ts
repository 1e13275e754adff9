/**
 * The compatibility gate: the newest version of a subject must read data written with every older
 * version (BACKWARD_TRANSITIVE), because `ipasn.events` keeps messages of every version forever and
 * consumers decode everything into the newest schema. Checked structurally (avsc's resolver) and on
 * random values of each older version.
 */
import { avroType, type AvroResolver, type AvroType } from './avro.js';

export interface CompatFailure {
  subject: string;
  readerVersion: number;
  writerVersion: number;
  /** Names the field path when one is to blame (`ScoreEvent.jobTitle: added without a default`). */
  message: string;
}

interface AvroField {
  name: string;
  type: AvroType;
  aliases: string[];
  defaultValue(): unknown;
}

function recordFields(type: AvroType): AvroField[] | undefined {
  return type.typeName === 'record' ? (type as unknown as { fields: AvroField[] }).fields : undefined;
}

function shortName(type: AvroType): string {
  const name = type.name ?? type.typeName;
  return name.slice(name.lastIndexOf('.') + 1);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Why `reader` cannot read data written with `writer`, one message per offending field path. */
export function explainIncompatibility(reader: AvroType, writer: AvroType, path = shortName(reader)): string[] {
  const readerFields = recordFields(reader);
  const writerFields = recordFields(writer);
  if (!readerFields || !writerFields) {
    try {
      reader.createResolver(writer);
      return [];
    } catch (e) {
      return [`${path}: ${errorMessage(e)}`];
    }
  }
  const problems: string[] = [];
  for (const field of readerFields) {
    const fieldPath = `${path}.${field.name}`;
    const written = writerFields.find((w) => w.name === field.name || field.aliases.includes(w.name));
    if (!written) {
      if (field.defaultValue() === undefined) problems.push(`${fieldPath}: added without a default`);
      continue;
    }
    try {
      field.type.createResolver(written.type);
    } catch (e) {
      const inner = explainIncompatibility(field.type, written.type, fieldPath);
      problems.push(...(inner.length > 0 ? inner : [`${fieldPath}: ${errorMessage(e)}`]));
    }
  }
  if (problems.length === 0) {
    // The fields agree, so the records themselves do not (a rename without an alias).
    try {
      reader.createResolver(writer);
    } catch (e) {
      problems.push(`${path}: ${errorMessage(e)}`);
    }
  }
  return problems;
}

export interface VersionedSchema {
  version: number;
  schema: unknown;
}

/**
 * Checks that the newest of `versions` reads every older one: a resolver must exist, and `samples`
 * random values of each older version must decode into valid values of the newest. Returns the
 * failures (empty when compatible).
 */
export function checkBackwardTransitive(subject: string, versions: readonly VersionedSchema[], samples = 200): CompatFailure[] {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const newest = sorted.at(-1);
  if (!newest) return [];
  const reader = avroType(newest.schema, `${subject} v${newest.version}`);
  const failures: CompatFailure[] = [];
  for (const older of sorted.slice(0, -1)) {
    const writer = avroType(older.schema, `${subject} v${older.version}`);
    const fail = (message: string): void => {
      failures.push({ subject, readerVersion: newest.version, writerVersion: older.version, message });
    };
    let resolver: AvroResolver;
    try {
      resolver = reader.createResolver(writer);
    } catch (e) {
      const problems = explainIncompatibility(reader, writer);
      for (const message of problems.length > 0 ? problems : [errorMessage(e)]) fail(message);
      continue;
    }
    for (let i = 0; i < samples; i++) {
      const written: unknown = writer.random();
      try {
        const read: unknown = reader.fromBuffer(writer.toBuffer(written), resolver);
        if (!reader.isValid(read)) fail(`a random v${older.version} value decodes to an invalid v${newest.version} value`);
      } catch (e) {
        fail(`a random v${older.version} value cannot be read: ${errorMessage(e)}`);
      }
      if (failures.length > 0) break;
    }
  }
  return failures;
}
