import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkBackwardTransitive, defaultSchemaDir, readSchemaDir, SchemaRegistry, SUBJECTS } from '../src/index.js';

const files = readSchemaDir(defaultSchemaDir());
const registry = SchemaRegistry.load();

interface RecordSchema {
  name: string;
  fields: { name: string; type: unknown; default?: unknown }[];
}

/** The newest schema of `subject` as JSON, with `change` applied to a copy, as version newest + 1. */
function nextVersion(subject: string, change: (s: RecordSchema) => void): { version: number; schema: unknown }[] {
  const versions = files.filter((f) => f.subject === subject);
  const next = structuredClone(versions.at(-1)!.schema) as RecordSchema;
  change(next);
  return [...versions, { version: versions.length + 1, schema: next }];
}

describe('compatibility gate (BACKWARD_TRANSITIVE)', () => {
  it.each([...SUBJECTS])('the newest %s reads data written with every older version', (subject) => {
    expect(checkBackwardTransitive(subject, files.filter((f) => f.subject === subject))).toEqual([]);
  });

  it('exercises real two-version paths: ScoreEvent v2 reads v1, DeadLetter v2 reads v1', () => {
    expect(registry.versions('ScoreEvent').length).toBeGreaterThanOrEqual(2);
    expect(registry.versions('DeadLetter').length).toBeGreaterThanOrEqual(2);
  });

  it('fails when a field is added without a default, naming the field', () => {
    const versions = nextVersion('ScoreEvent', (s) => s.fields.push({ name: 'unitCode', type: 'string' }));
    expect(checkBackwardTransitive('ScoreEvent', versions)).toEqual([
      { subject: 'ScoreEvent', readerVersion: 3, writerVersion: 1, message: 'ScoreEvent.unitCode: added without a default' },
      { subject: 'ScoreEvent', readerVersion: 3, writerVersion: 2, message: 'ScoreEvent.unitCode: added without a default' },
    ]);
  });

  it('passes when the same field has a default', () => {
    const versions = nextVersion('ScoreEvent', (s) => s.fields.push({ name: 'unitCode', type: ['null', 'string'], default: null }));
    expect(checkBackwardTransitive('ScoreEvent', versions)).toEqual([]);
  });

  it('fails when a field changes type, naming the nested field', () => {
    const versions = nextVersion('ScoreEvent', (s) => {
      const dimensions = s.fields.find((f) => f.name === 'dimensions')!.type as RecordSchema;
      dimensions.fields[0]!.type = 'int';
    });
    const failures = checkBackwardTransitive('ScoreEvent', versions);
    expect(failures.map((f) => f.message)).toContain('ScoreEvent.dimensions.kualifikasi: cannot read "double" as "int"');
  });

  it('fails when an enum symbol is removed', () => {
    const versions = nextVersion('DeadLetter', (s) => {
      const stage = s.fields.find((f) => f.name === 'stage')!.type as { symbols: string[] };
      stage.symbols = ['normalizer'];
    });
    // The new version cannot read any older one: one failure per older version.
    const failures = checkBackwardTransitive('DeadLetter', versions);
    expect(failures.map((f) => f.writerVersion)).toEqual(versions.slice(0, -1).map((v) => v.version));
    for (const f of failures) expect(f.message).toMatch(/^DeadLetter\.stage: /u);
  });

  it('allows a type promotion (int → long)', () => {
    const versions = nextVersion('DeadLetter', (s) => {
      s.fields.find((f) => f.name === 'sourcePartition')!.type = 'long';
    });
    expect(checkBackwardTransitive('DeadLetter', versions)).toEqual([]);
  });
});

describe('schemas/fingerprints.json (released versions never change)', () => {
  const lock = JSON.parse(readFileSync(join(defaultSchemaDir(), 'fingerprints.json'), 'utf8')) as {
    fingerprints: { subject: string; version: number; file: string; fingerprint: string }[];
  };
  const actual = SUBJECTS.flatMap((s) =>
    registry.versions(s).map((v) => ({ subject: v.subject, version: v.version, file: v.file, fingerprint: v.fingerprint })),
  );

  it('locks every schema file (a new version: append the entry this test prints)', () => {
    const locked = new Set(lock.fingerprints.map((e) => JSON.stringify(e)));
    const missing = actual.filter((a) => !lock.fingerprints.some((e) => e.subject === a.subject && e.version === a.version));
    expect(missing.map((m) => JSON.stringify(m)), 'entries to append to schemas/fingerprints.json').toEqual([]);
    for (const a of actual) expect(locked, `${a.file} changed after release: add a new version instead`).toContain(JSON.stringify(a));
  });

  it('keeps every locked version as a file (a released version is never deleted)', () => {
    for (const e of lock.fingerprints) {
      expect(actual, `${e.file} is locked but missing`).toContainEqual(e);
    }
  });
});
