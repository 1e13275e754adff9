/**
 * Interop with Apache Avro for Java (GenericData, no generated code), the library most reporting
 * tools sit on. Runs infra/avro-java/fetch.sh (Maven fetches the jars once into the cache) and
 * fails, never skips, when Java or Maven are missing: passing without checking would hide drift.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSchemaDir, SchemaRegistry, toAvroCanonicalEvent, type Subject } from '../src/index.js';
import { ALL_EVENTS, CLOCK_SCORE, DEAD_LETTER, SCORE, SCORE_V1 } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCHEMAS = defaultSchemaDir();
const registry = SchemaRegistry.load();
let classpath = '';
let work = '';

function run(command: string, args: string[], timeout: number): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const { stderr, message } = e as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${message}\n${stderr ?? ''}`);
  }
}

function java(...args: string[]): string[] {
  // UTF-8 on stdout whatever the locale: with none (LANG unset, as in a bare CI shell) Java prints
  // every non-ASCII character of a decoded record (random bytes, names) as '?'. JDK 17 reads
  // sun.stdout.encoding, JDK 19+ stdout.encoding.
  return run('java', ['-Dfile.encoding=UTF-8', '-Dsun.stdout.encoding=UTF-8', '-Dstdout.encoding=UTF-8', '-cp', classpath, 'AvroInterop', ...args], 120_000).trimEnd().split('\n');
}

beforeAll(() => {
  try {
    classpath = run('bash', [join(ROOT, 'infra/avro-java/fetch.sh')], 600_000).trim().split('\n').at(-1)!;
  } catch (e) {
    throw new Error(`The Avro Java interop test needs Java 17 (with javac) and Maven (apt-get install -y openjdk-17-jdk-headless maven).\n${(e as Error).message}`);
  }
  work = mkdtempSync(join(tmpdir(), 'ipasn-avro-java-'));
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const schemaFile = (subject: Subject, version?: number): string => {
  const v = version === undefined ? registry.latest(subject) : registry.versions(subject).find((x) => x.version === version)!;
  return join(SCHEMAS, v.file);
};
const olderFiles = (subject: Subject): string[] => registry.versions(subject).slice(0, -1).map((v) => join(SCHEMAS, v.file));

interface Case {
  subject: Subject;
  /** The value in the newest version's shape (what decoding yields). */
  value: unknown;
  /** Written with this version (default: the newest) from `written` (default: `value`). */
  version?: number;
  written?: unknown;
}

function randomCases(subject: Subject, n: number): Case[] {
  return Array.from({ length: n }, () => ({ subject, value: registry.latest(subject).type.random() }));
}

const CASES: Case[] = [
  { subject: 'ScoreEvent', value: SCORE },
  { subject: 'ScoreEvent', value: CLOCK_SCORE },
  { subject: 'ScoreEvent', value: { ...SCORE_V1, jobGroup: null }, version: 1, written: SCORE_V1 },
  { subject: 'DeadLetter', value: DEAD_LETTER },
  ...ALL_EVENTS.map((e): Case => ({ subject: 'CanonicalEvent', value: toAvroCanonicalEvent(e) })),
  ...randomCases('ScoreEvent', 20),
  ...randomCases('DeadLetter', 20),
  ...randomCases('CanonicalEvent', 20),
];

describe('Avro Java 1.12 interop', { timeout: 600_000 }, () => {
  it('computes the same Parsing Canonical Form and CRC-64-AVRO for every schema file', () => {
    const versions = registry.subjects().flatMap((s) => registry.versions(s));
    const files = versions.map((v) => join(SCHEMAS, v.file));
    expect(java('canonical', ...files)).toEqual(versions.map((v) => v.canonicalForm));
    expect(java('fingerprint', ...files)).toEqual(versions.map((v) => v.fingerprint));
  });

  it('decodes with BinaryMessageDecoder what our encoder wrote', () => {
    for (const subject of registry.subjects()) {
      const cases = CASES.filter((c) => c.subject === subject);
      const bins = cases.map((c, i) => {
        const path = join(work, `ours-${subject}-${i}.bin`);
        writeFileSync(path, registry.encode(subject, c.written ?? c.value, c.version));
        return path;
      });
      const reader = registry.latest(subject).type;
      const decoded = java('decode', schemaFile(subject), ...olderFiles(subject), ...bins).map((line) => reader.fromString(line) as unknown);
      expect(decoded).toEqual(cases.map((c) => c.value));
    }
  });

  it('writes with BinaryMessageEncoder the same bytes as ours, and we read them', () => {
    for (const subject of registry.subjects()) {
      const files = CASES.filter((c) => c.subject === subject).map((c, i) => {
        const version = c.version ?? registry.latest(subject).version;
        const json = join(work, `java-${subject}-${i}.json`);
        // avsc's toString is the Avro JSON encoding, which Java's JsonDecoder reads.
        writeFileSync(json, registry.versions(subject)[version - 1]!.type.toString(c.written ?? c.value));
        return { ...c, version, json, bin: join(work, `java-${subject}-${i}.bin`) };
      });
      // One JVM per writer version: an encoder is bound to one schema.
      for (const version of new Set(files.map((f) => f.version))) {
        const pairs = files.filter((f) => f.version === version).flatMap((f) => [f.json, f.bin]);
        java('encode', schemaFile(subject, version), ...pairs);
      }
      for (const f of files) {
        const bytes = readFileSync(f.bin);
        expect(bytes).toEqual(registry.encode(subject, f.written ?? f.value, f.version));
        expect(registry.decode(bytes)).toEqual({ subject, version: f.version, value: f.value });
      }
    }
  });
});
