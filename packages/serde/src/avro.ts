/**
 * The one place that turns schema JSON into avsc types, so the registry, the compatibility gate and
 * the tests all read schemas with the same options.
 */
import avro from 'avsc';
import { SerdeError } from './errors.js';

export type AvroType = ReturnType<typeof avro.Type.forSchema>;
export type AvroResolver = ReturnType<AvroType['createResolver']>;
type AvroSchema = Parameters<typeof avro.Type.forSchema>[0];

/**
 * Nullable fields (`["null", T]`) read and write as plain `T | null`; a union of several records
 * (the canonical event's `data`) stays wrapped as `{ "<full.Name>": {...} }`, which is also the
 * Avro JSON encoding. Logical types are not converted: timestamps are epoch-millisecond numbers.
 */
export function avroType(schema: unknown, label: string): AvroType {
  try {
    return avro.Type.forSchema(schema as AvroSchema, { wrapUnions: 'auto' });
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new SerdeError('SCHEMA_DIR_INVALID', `${label}: not a valid Avro schema: ${detail}`, { cause });
  }
}

/** The Parsing Canonical Form of the spec; avsc's `schema()` without options produces exactly it. */
export function canonicalForm(type: AvroType): string {
  return JSON.stringify(type.schema());
}
