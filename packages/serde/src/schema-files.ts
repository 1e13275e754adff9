/**
 * Reads the schema folder: `<topic>/<Subject>.v<N>.avsc`, one file per released version. Every
 * version is kept forever because single-object messages name their writer schema by fingerprint,
 * and `ipasn.events` retains messages written with every version there ever was.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SerdeError } from './errors.js';

export interface SchemaFile {
  subject: string;
  version: number;
  /** Path relative to the schema folder, with `/` separators (`ipasn.scores/ScoreEvent.v2.avsc`). */
  file: string;
  /** The parsed JSON of the file. */
  schema: unknown;
}

/** The repo's `schemas/` folder, found from this module so that it works from `src/` and `dist/`. */
export function defaultSchemaDir(): string {
  return fileURLToPath(new URL('../../../schemas/', import.meta.url));
}

const FILE_NAME = /^([A-Z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.avsc$/u;

function listAvsc(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listAvsc(path));
    else if (entry.name.endsWith('.avsc')) out.push(path);
  }
  return out;
}

/**
 * All schema files under `dir`, sorted by subject then version. Fails on a misnamed file, bad JSON,
 * a version defined twice, or a gap in a subject's versions (a released version is never deleted).
 */
export function readSchemaDir(dir: string): SchemaFile[] {
  let paths: string[];
  try {
    paths = listAvsc(dir);
  } catch (cause) {
    throw new SerdeError('SCHEMA_DIR_INVALID', `cannot read the schema folder ${dir}`, { cause });
  }
  const files = paths.map((path): SchemaFile => {
    const file = relative(dir, path).split(/[\\/]/u).join('/');
    const match = FILE_NAME.exec(file.slice(file.lastIndexOf('/') + 1));
    if (!match) {
      throw new SerdeError('SCHEMA_DIR_INVALID', `${file}: schema files are named <Subject>.v<N>.avsc`);
    }
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(path, 'utf8'));
    } catch (cause) {
      throw new SerdeError('SCHEMA_DIR_INVALID', `${file}: not valid JSON`, { cause });
    }
    return { subject: match[1]!, version: Number(match[2]), file, schema };
  });
  files.sort((a, b) => (a.subject === b.subject ? a.version - b.version : a.subject < b.subject ? -1 : 1));

  const bySubject = new Map<string, SchemaFile[]>();
  for (const f of files) bySubject.set(f.subject, [...(bySubject.get(f.subject) ?? []), f]);
  for (const [subject, versions] of bySubject) {
    versions.forEach((f, i) => {
      if (f.version !== i + 1) {
        const seen = versions.map((v) => v.file).join(', ');
        throw new SerdeError('SCHEMA_DIR_INVALID', `${subject}: versions must run 1, 2, 3… without gaps or repeats (found ${seen})`);
      }
    });
  }
  return files;
}
