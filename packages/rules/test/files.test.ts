/** Rule-set files on disk and lists of them: the edge that lets an operator add a rule set without a release. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpasnError } from '@ipasn/errors';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadRuleSetFile, loadRuleSetList, loadRuleSetListFile, loadShippedRuleSetList, ruleSetsInForce, SHIPPED_RULE_SET_FILES } from '../src/files.js';
import { RuleSetFileError, RuleSetList, RuleSetListError, score, SHIPPED_RULE_SETS, UnknownRuleSetError } from '../src/index.js';
import bknJson from '../src/data/bkn-2023.json' with { type: 'json' };
import { employee, rec } from './helpers.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ipasn-rules-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

/** A fourth rule set: bkn-2023 with a bigger performance base for pelaksana, under a new id. */
function fourth(id = 'kota-bima-2026'): typeof bknJson {
  const doc = structuredClone(bknJson);
  doc.id = id;
  doc.title = 'A regional variant (test)';
  doc.status = 'draft';
  (doc.kompetensi.columns[2]!.components[0]!.points as Record<string, number>).BAIK = 22.5;
  return doc;
}

/** The error `fn` throws, which must be a RuleSetFileError. */
function fileError(fn: () => unknown): RuleSetFileError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RuleSetFileError);
    expect(err).toBeInstanceOf(IpasnError);
    return err as RuleSetFileError;
  }
  throw new Error('expected a RuleSetFileError');
}

describe('loadRuleSetFile', () => {
  it('loads a fourth rule set from any folder, and it scores like any other', () => {
    const path = writeJson(tempDir(), 'kota-bima-2026.json', fourth());
    const rs = loadRuleSetFile(path);
    expect(rs.id).toBe('kota-bima-2026');
    const p = employee({ jobGroup: 'PELAKSANA' }, rec.edu('S1'), rec.apr(2025, { predicate: 'BAIK' }));
    expect(score(p, '2025-06-30', rs).dimensions).toEqual({ kualifikasi: 15, kompetensi: 22.5, kinerja: 25, disiplin: 5 });
    expect(Object.isFrozen(rs.kompetensi.columns[2])).toBe(true);
  });

  it('the file name does not have to be the id', () => {
    expect(loadRuleSetFile(writeJson(tempDir(), 'whatever.json', fourth('x-1'))).id).toBe('x-1');
  });

  it('a missing file: RULE_SET_FILE_INVALID naming the path and the system error', () => {
    const path = join(tempDir(), 'absent.json');
    const err = fileError(() => loadRuleSetFile(path));
    expect(err.code).toBe('RULE_SET_FILE_INVALID');
    expect(err.retriable).toBe(false);
    expect(err.path).toBe(path);
    expect(err.message).toBe(`rule-set file ${path}: cannot be read (ENOENT)`);
    expect((err.cause as { code?: string }).code).toBe('ENOENT');
  });

  it('a folder instead of a file', () => {
    const dir = tempDir();
    expect(fileError(() => loadRuleSetFile(dir)).message).toMatch(/cannot be read \(EISDIR\)/u);
  });

  it('not JSON', () => {
    const path = writeJson(tempDir(), 'broken.json', '{"id": "x",');
    const err = fileError(() => loadRuleSetFile(path));
    expect(err.code).toBe('RULE_SET_FILE_INVALID');
    expect(err.message).toMatch(/broken\.json: not JSON: /u);
    expect(err.cause).toBeInstanceOf(SyntaxError);
  });

  it('breaks the schema: every bad path is named', () => {
    const doc = fourth() as unknown as { id: string; kinerja: Record<string, unknown>; kompetensi: { columns: { components: Record<string, unknown>[] }[] } };
    doc.id = 'Bad Id';
    doc.kinerja.yearBack = 1;
    doc.kompetensi.columns[0]!.components[0]!.type = 'performence';
    const err = fileError(() => loadRuleSetFile(writeJson(tempDir(), 'bad.json', doc)));
    expect(err.code).toBe('RULE_SET_FILE_INVALID');
    expect(err.message).toMatch(/bad\.json: not a valid rule set:/u);
    expect(err.message).toMatch(/→ at id/u);
    expect(err.message).toMatch(/yearBack/u);
    expect(err.message).toMatch(/→ at kompetensi\.columns\[0\]\.components\[0\]\.type/u);
  });

  it('the monotonicity checks apply to files too', () => {
    const doc = fourth();
    doc.disiplin.points.RINGAN = 6;
    expect(fileError(() => loadRuleSetFile(writeJson(tempDir(), 'm.json', doc))).message).toMatch(/RINGAN penalty scores above no penalty/u);
  });
});

describe('the shipped files', () => {
  it('read from disk, are the shipped rule sets', () => {
    expect(SHIPPED_RULE_SET_FILES.map(loadRuleSetFile)).toEqual(SHIPPED_RULE_SETS.all);
    const list = loadShippedRuleSetList();
    expect(list.ids).toEqual(SHIPPED_RULE_SETS.ids);
    expect(list.baseline.id).toBe('perban-8-2019');
  });
});

describe('loadRuleSetList', () => {
  it('the shipped files plus a fourth, baseline kept', () => {
    const extra = writeJson(tempDir(), 'k.json', fourth());
    const list = loadRuleSetList([...SHIPPED_RULE_SET_FILES, extra], 'perban-8-2019');
    expect(list.ids).toEqual(['perban-8-2019', 'reformulasi-2024', 'bkn-2023', 'kota-bima-2026']);
    expect(list.get('kota-bima-2026').title).toBe('A regional variant (test)');
  });

  it('one id in two files: RULE_SET_LIST_INVALID, whatever the versions', () => {
    const dir = tempDir();
    const a = writeJson(dir, 'a.json', fourth());
    const b = writeJson(dir, 'b.json', { ...fourth(), version: '2' });
    expect(() => loadRuleSetList([a, b])).toThrow(RuleSetListError);
    expect(() => loadRuleSetList([a, b])).toThrow(/rule set kota-bima-2026 is in the list more than once/u);
  });

  it('a bad file in the list is reported as that file', () => {
    const dir = tempDir();
    const bad = writeJson(dir, 'bad.json', '[]');
    expect(fileError(() => loadRuleSetList([...SHIPPED_RULE_SET_FILES, bad])).path).toBe(bad);
  });
});

describe('a rule-set list file (IPASN_RULE_SETS_FILE)', () => {
  it('names shipped rule sets by id and files relative to itself; baseline by id', () => {
    const dir = tempDir();
    writeJson(dir, 'kota.json', fourth());
    const listFile = writeJson(dir, 'rule-sets.json', { baseline: 'bkn-2023', ruleSets: [{ shipped: 'perban-8-2019' }, { shipped: 'bkn-2023' }, { file: 'kota.json' }] });
    const list = loadRuleSetListFile(listFile);
    expect(list.ids).toEqual(['perban-8-2019', 'bkn-2023', 'kota-bima-2026']);
    expect(list.baseline.id).toBe('bkn-2023');
    expect(list.get('bkn-2023')).toEqual(SHIPPED_RULE_SETS.get('bkn-2023'));
    expect(ruleSetsInForce(listFile).ids).toEqual(list.ids);
  });

  it('without a file, the list in force is the shipped one', () => {
    expect(ruleSetsInForce(undefined).ids).toEqual(SHIPPED_RULE_SETS.ids);
    expect(ruleSetsInForce('').baseline.id).toBe('perban-8-2019');
  });

  it('refuses an unknown shipped id, a bad entry, and an unreadable list, as RULE_SET_LIST_INVALID', () => {
    const dir = tempDir();
    const cases = [
      [writeJson(dir, 'a.json', { ruleSets: [{ shipped: 'perban-2020' }] }), /no shipped rule set perban-2020/u],
      [writeJson(dir, 'b.json', { ruleSets: [{ shiped: 'perban-8-2019' }] }), /not a rule-set list/u],
      [writeJson(dir, 'c.json', { ruleSets: [] }), /not a rule-set list/u],
      [writeJson(dir, 'd.json', '{'), /cannot be read as JSON/u],
      [join(dir, 'missing.json'), /cannot be read as JSON/u],
      [writeJson(dir, 'e.json', { baseline: 'reformulasi-2024', ruleSets: [{ shipped: 'perban-8-2019' }] }), /baseline "reformulasi-2024" is not in the list/u],
    ] as const;
    for (const [path, message] of cases) {
      expect(() => loadRuleSetListFile(path)).toThrow(RuleSetListError);
      expect(() => loadRuleSetListFile(path)).toThrow(message);
    }
  });

  it('a bad rule-set file named by the list is a RULE_SET_FILE_INVALID naming that file', () => {
    const dir = tempDir();
    const bad = writeJson(dir, 'bad.json', { ...fourth(), id: 'Bad Id' });
    const listFile = writeJson(dir, 'rule-sets.json', { ruleSets: [{ file: 'bad.json' }] });
    expect(fileError(() => loadRuleSetListFile(listFile)).path).toBe(bad);
  });
});

describe('RuleSetList', () => {
  const [perban, reform, bkn] = SHIPPED_RULE_SETS.all;

  it('the baseline defaults to the first rule set; a named one must be in the list', () => {
    expect(new RuleSetList([bkn!, perban!]).baseline).toBe(bkn);
    expect(new RuleSetList([bkn!, perban!], 'perban-8-2019').baseline).toBe(perban);
    const err = (() => {
      try {
        return new RuleSetList([bkn!], 'perban-8-2019');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(RuleSetListError);
    expect((err as RuleSetListError).code).toBe('RULE_SET_LIST_INVALID');
    expect((err as Error).message).toBe('the baseline "perban-8-2019" is not in the list (bkn-2023)');
  });

  it('an empty list is refused', () => {
    expect(() => new RuleSetList([])).toThrow(/empty/u);
  });

  it('keeps its own copy of the array', () => {
    const input = [perban!, reform!];
    const list = new RuleSetList(input);
    input.push(bkn!);
    expect(list.ids).toEqual(['perban-8-2019', 'reformulasi-2024']);
    expect(Object.isFrozen(list.all)).toBe(true);
  });

  it.each<[string, string[]]>([
    ['all', ['perban-8-2019', 'reformulasi-2024', 'bkn-2023']],
    [' all ', ['perban-8-2019', 'reformulasi-2024', 'bkn-2023']],
    ['bkn-2023', ['bkn-2023']],
    ['bkn-2023,perban-8-2019', ['bkn-2023', 'perban-8-2019']],
    [' bkn-2023 , perban-8-2019,bkn-2023', ['bkn-2023', 'perban-8-2019']],
  ])('select(%j) → %j', (spec, ids) => {
    expect(SHIPPED_RULE_SETS.select(spec).map((rs) => rs.id)).toEqual(ids);
  });

  it.each(['', 'nope', 'bkn-2023,', ',bkn-2023', 'all,bkn-2023', 'bkn-2023,all', 'ALL', 'BKN-2023'])('select(%j) throws RULE_SET_UNKNOWN', (spec) => {
    expect(() => SHIPPED_RULE_SETS.select(spec)).toThrow(UnknownRuleSetError);
  });

  it('has and get', () => {
    expect(SHIPPED_RULE_SETS.has('bkn-2023')).toBe(true);
    expect(SHIPPED_RULE_SETS.has('toString')).toBe(false);
    expect(() => SHIPPED_RULE_SETS.get('__proto__')).toThrow(UnknownRuleSetError);
  });
});
