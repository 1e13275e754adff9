import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { defaultSchemaDir, SchemaRegistry, SerdeError, type DeadLetter, type ScoreEvent, type SerdeErrorCode } from '../src/index.js';
import { DEAD_LETTER, SCORE, SCORE_V1 } from './fixtures.js';

const registry = SchemaRegistry.load();

function serdeError(fn: () => unknown): SerdeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SerdeError) return e;
    throw e;
  }
  throw new Error('expected a SerdeError');
}

function expectCode(fn: () => unknown, code: SerdeErrorCode, message?: RegExp): void {
  const e = serdeError(fn);
  expect(e.code).toBe(code);
  expect(e.retriable).toBe(false);
  if (message) expect(e.message).toMatch(message);
}

/** A copy of the repo's schemas/ in a temp folder, removed after the test. */
function schemaCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ipasn-schemas-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(defaultSchemaDir(), dir, { recursive: true });
  return dir;
}

describe('loading schemas/', () => {
  it('finds every version of every subject, oldest first', () => {
    expect(registry.subjects()).toEqual(['CanonicalEvent', 'ScoreEvent', 'DeadLetter']);
    expect(registry.versions('ScoreEvent').map((v) => v.file)).toEqual(['ipasn.scores/ScoreEvent.v1.avsc', 'ipasn.scores/ScoreEvent.v2.avsc']);
    expect(registry.latest('ScoreEvent').version).toBe(2);
    expect(registry.fingerprint('ScoreEvent', 1)).toMatch(/^[0-9a-f]{16}$/u);
    expect(registry.fingerprint('ScoreEvent')).toBe(registry.fingerprint('ScoreEvent', 2));
  });

  it('accepts an explicit folder', () => {
    const copy = SchemaRegistry.load(schemaCopy());
    expect(copy.fingerprint('DeadLetter')).toBe(registry.fingerprint('DeadLetter'));
  });

  it('rejects a misnamed file', () => {
    const dir = schemaCopy();
    renameSync(join(dir, 'ipasn.dlq/DeadLetter.v1.avsc'), join(dir, 'ipasn.dlq/DeadLetter-1.avsc'));
    expectCode(() => SchemaRegistry.load(dir), 'SCHEMA_DIR_INVALID', /DeadLetter-1\.avsc: schema files are named/u);
  });

  it('rejects a gap in the versions (a released version was deleted)', () => {
    const dir = schemaCopy();
    rmSync(join(dir, 'ipasn.scores/ScoreEvent.v1.avsc'));
    expectCode(() => SchemaRegistry.load(dir), 'SCHEMA_DIR_INVALID', /ScoreEvent: versions must run 1, 2, 3/u);
  });

  it('rejects a file whose record is not named after its subject', () => {
    const dir = schemaCopy();
    writeFileSync(join(dir, 'ipasn.dlq/DeadLetter.v3.avsc'), readFileSync(join(dir, 'ipasn.scores/ScoreEvent.v2.avsc')));
    expectCode(() => SchemaRegistry.load(dir), 'SCHEMA_DIR_INVALID', /must be the record id\.go\.bkn\.ipasn\.DeadLetter/u);
  });

  it('rejects a new version that only changes documentation (same fingerprint)', () => {
    const dir = schemaCopy();
    const v2 = JSON.parse(readFileSync(join(dir, 'ipasn.dlq/DeadLetter.v2.avsc'), 'utf8')) as { doc: string };
    writeFileSync(join(dir, 'ipasn.dlq/DeadLetter.v3.avsc'), JSON.stringify({ ...v2, doc: 'reworded' }));
    expectCode(() => SchemaRegistry.load(dir), 'SCHEMA_DIR_INVALID', /same canonical form/u);
  });

  it('refuses at load time a newest version that cannot read an older one, naming the field', () => {
    const dir = schemaCopy();
    const v2 = JSON.parse(readFileSync(join(dir, 'ipasn.scores/ScoreEvent.v2.avsc'), 'utf8')) as { fields: object[] };
    v2.fields.push({ name: 'unitCode', type: 'string' });
    writeFileSync(join(dir, 'ipasn.scores/ScoreEvent.v3.avsc'), JSON.stringify(v2));
    expectCode(() => SchemaRegistry.load(dir), 'SCHEMA_INCOMPATIBLE', /ScoreEvent\.unitCode: added without a default/u);
  });

  it('rejects an unknown subject', () => {
    const dir = schemaCopy();
    writeFileSync(join(dir, 'Other.v1.avsc'), JSON.stringify({ type: 'record', name: 'id.go.bkn.ipasn.Other', fields: [] }));
    expectCode(() => SchemaRegistry.load(dir), 'SCHEMA_DIR_INVALID', /unknown subject Other/u);
  });
});

describe('single-object encoding', () => {
  it('writes C3 01, the little-endian fingerprint of the newest version, then the body', () => {
    const bytes = registry.encode('ScoreEvent', SCORE);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xc3, 0x01]));
    const fingerprint = BigInt(`0x${registry.fingerprint('ScoreEvent', 2)}`);
    expect(bytes.readBigUInt64LE(2)).toBe(fingerprint);
    expect(bytes.subarray(10)).toEqual(registry.latest('ScoreEvent').type.toBuffer(SCORE));
  });

  it('round-trips every subject', () => {
    expect(registry.decode(registry.encode('ScoreEvent', SCORE))).toEqual({ subject: 'ScoreEvent', version: 2, value: SCORE });
    expect(registry.decodeAs('DeadLetter', registry.encode('DeadLetter', DEAD_LETTER)).value).toEqual(DEAD_LETTER);
  });

  it('reads a v1 score event into the v2 shape, with jobGroup null', () => {
    const bytes = registry.encode('ScoreEvent', SCORE_V1, 1);
    expect(bytes.readBigUInt64LE(2)).toBe(BigInt(`0x${registry.fingerprint('ScoreEvent', 1)}`));
    const decoded = registry.decodeAs('ScoreEvent', bytes);
    expect(decoded.version).toBe(1);
    expect(decoded.value).toEqual({ ...SCORE_V1, jobGroup: null } satisfies ScoreEvent);
  });

  it('reads a v1 dead letter (written before the cut existed) into the v2 shape, with originalLength and originalSha256 null', () => {
    const { originalLength: _l, originalSha256: _s, ...v1 } = DEAD_LETTER;
    const bytes = registry.encode('DeadLetter', v1, 1);
    expect(bytes.readBigUInt64LE(2)).toBe(BigInt(`0x${registry.fingerprint('DeadLetter', 1)}`));
    const decoded = registry.decodeAs('DeadLetter', bytes);
    expect(decoded.version).toBe(1);
    expect(decoded.value).toEqual({ ...v1, originalLength: null, originalSha256: null } satisfies DeadLetter);
  });

  it('refuses to write TOO_MANY_RECORDS as a v1 dead letter (v1 readers do not know the symbol)', () => {
    expectCode(() => registry.encode('DeadLetter', { ...DEAD_LETTER, reason: 'TOO_MANY_RECORDS' }, 1), 'INVALID_VALUE', /not a valid DeadLetter v1: reason/u);
  });

  it('writes an older version on request (rollouts), and refuses an unknown one', () => {
    // A v2 value written as v1 loses jobGroup: v1 readers never see it.
    expect(registry.decodeAs('ScoreEvent', registry.encode('ScoreEvent', SCORE, 1)).value.jobGroup).toBeNull();
    expectCode(() => registry.encode('ScoreEvent', SCORE, 9), 'UNKNOWN_VERSION', /ScoreEvent has no version 9/u);
  });

  it('names the bad paths of an invalid value, without its values (they may be personal data)', () => {
    const bad = { ...SCORE, nip: 1970010119, cause: { ...SCORE.cause, offset: 'x' } };
    const e = serdeError(() => registry.encode('ScoreEvent', bad));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.message).toMatch(/not a valid ScoreEvent v2: nip \(got number, expected "string"\); cause\.offset \(got string/u);
    expect(e.message).not.toContain('1970010119');
  });

  it('fails clearly on a bad marker, a short header, a truncated body and an unknown fingerprint', () => {
    const good = registry.encode('DeadLetter', DEAD_LETTER);
    expectCode(() => registry.decode(Buffer.from('{"id":1}')), 'BAD_MARKER', /starts with 0x7b22, expected 0xc301/u);
    expectCode(() => registry.decode(Buffer.from([0xc3])), 'TRUNCATED', /shorter than the 10-byte/u);
    expectCode(() => registry.decode(good.subarray(0, 9)), 'TRUNCATED', /9 bytes/u);
    expectCode(() => registry.decode(good.subarray(0, good.length - 3)), 'TRUNCATED', /DeadLetter v2 body: truncated/u);
    const unknown = Buffer.from(good);
    unknown.writeBigUInt64LE(0x0123456789abcdefn, 2);
    expectCode(() => registry.decode(unknown), 'UNKNOWN_FINGERPRINT', /0123456789abcdef/u);
    expectCode(() => registry.decode(Buffer.concat([good, Buffer.from([0])])), 'DECODE_FAILED', /trailing data/u);
  });

  it('accepts a Uint8Array view into a larger buffer', () => {
    const good = registry.encode('ScoreEvent', SCORE);
    const big = new Uint8Array(good.length + 8);
    big.set(good, 4);
    expect(registry.decode(big.subarray(4, 4 + good.length)).value).toEqual(SCORE);
  });

  it('decodeAs fails with WRONG_SUBJECT on another subject', () => {
    expectCode(() => registry.decodeAs('ScoreEvent', registry.encode('DeadLetter', DEAD_LETTER)), 'WRONG_SUBJECT', /expected a ScoreEvent, got a DeadLetter/u);
  });

  it('fails with UNKNOWN_SUBJECT for a subject without schemas', () => {
    const dir = schemaCopy();
    rmSync(join(dir, 'ipasn.dlq'), { recursive: true });
    const partial = SchemaRegistry.load(dir);
    expectCode(() => partial.encode('DeadLetter', DEAD_LETTER), 'UNKNOWN_SUBJECT', /no schema for DeadLetter/u);
  });
});
