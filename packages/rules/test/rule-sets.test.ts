import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agencies } from '@ipasn/contracts';
import { IpasnError } from '@ipasn/errors';
import { describe, expect, it } from 'vitest';
import {
  getRuleSet,
  parseRuleSet,
  score,
  SHIPPED_BASELINE,
  SHIPPED_RULE_SET_FILE_NAMES,
  RuleSetList,
  RuleSetListError,
  SHIPPED_RULE_SETS,
  UnknownRuleSetError,
  type AnyRuleSet,
} from '../src/index.js';
import bknJson from '../src/data/bkn-2023.json' with { type: 'json' };
import perbanJson from '../src/data/perban-8-2019.json' with { type: 'json' };
import { employee, rec } from './helpers.js';

const clone = <T>(v: T): T => structuredClone(v);

describe('the shipped rule sets', () => {
  it('are the three of ipasn-rules.md, in its order, with perban-8-2019 as the baseline', () => {
    expect(SHIPPED_RULE_SETS.ids).toEqual(['perban-8-2019', 'reformulasi-2024', 'bkn-2023']);
    expect(SHIPPED_RULE_SETS.baseline.id).toBe('perban-8-2019');
    expect(SHIPPED_BASELINE).toBe('perban-8-2019');
    for (const rs of SHIPPED_RULE_SETS.all) {
      expect(getRuleSet(rs.id)).toBe(rs);
      expect(rs.version).toBe('1');
      expect(rs.title.length).toBeGreaterThan(0);
    }
    expect(getRuleSet('perban-8-2019').status).toBe('in-force');
    expect(getRuleSet('reformulasi-2024').status).toBe('draft');
    expect(getRuleSet('bkn-2023').status).toBe('in-force');
  });

  it('ship one file per rule set, named after its id, and no other file', () => {
    const dir = fileURLToPath(new URL('../src/data/', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect([...files].sort()).toEqual([...SHIPPED_RULE_SET_FILE_NAMES].sort());
    expect(SHIPPED_RULE_SET_FILE_NAMES).toEqual(SHIPPED_RULE_SETS.ids.map((id) => `${id}.json`));
  });

  it('hold every primary of the shipped agency list', () => {
    expect(() => SHIPPED_RULE_SETS.checkPrimaries(Agencies.default())).not.toThrow();
    const onlyBkn = new RuleSetList([getRuleSet('bkn-2023')]);
    expect(() => onlyBkn.checkPrimaries(Agencies.default())).toThrow(RuleSetListError);
    expect(() => onlyBkn.checkPrimaries(Agencies.default())).toThrow(/3004 → reformulasi-2024/u);
  });

  it('pair for the pilot view: primary against the baseline, else the baseline against the next in the list', () => {
    expect(SHIPPED_RULE_SETS.defaultPair('reformulasi-2024')).toEqual(['reformulasi-2024', 'perban-8-2019']);
    expect(SHIPPED_RULE_SETS.defaultPair('bkn-2023')).toEqual(['bkn-2023', 'perban-8-2019']);
    expect(SHIPPED_RULE_SETS.defaultPair('perban-8-2019')).toEqual(['perban-8-2019', 'reformulasi-2024']);
    const bknFirst = new RuleSetList([getRuleSet('reformulasi-2024'), getRuleSet('perban-8-2019'), getRuleSet('bkn-2023')], 'bkn-2023');
    // The baseline is last: "next" wraps around to the first.
    expect(bknFirst.defaultPair('bkn-2023')).toEqual(['bkn-2023', 'reformulasi-2024']);
    expect(new RuleSetList([getRuleSet('bkn-2023')]).defaultPair('bkn-2023')).toEqual(['bkn-2023', 'bkn-2023']);
    expect(SHIPPED_RULE_SETS.versions).toEqual({ 'perban-8-2019': '1', 'reformulasi-2024': '1', 'bkn-2023': '1' });
  });

  it('model the structural differences as methods and component types', () => {
    const p = getRuleSet('perban-8-2019');
    const r = getRuleSet('reformulasi-2024');
    const b = getRuleSet('bkn-2023');
    expect(p.kualifikasi.method).toBe('highest-level');
    expect(r.kualifikasi.method).toBe('meets-required');
    expect(b.kualifikasi.method).toBe('highest-level');
    expect(p.disiplin.method).toBe('worst-ever');
    expect(r.disiplin.method).toBe('while-running');
    expect(b.disiplin.method).toBe('worst-ever');
    const types = (rs: AnyRuleSet): string[] => [...new Set(rs.kompetensi.columns.flatMap((c) => c.components.map((x) => x.type)))].sort();
    expect(types(p)).not.toContain('performance');
    expect(types(r)).not.toContain('performance');
    expect(b.kompetensi.columns.every((c) => c.components[0]?.type === 'performance')).toBe(true);
  });

  it('are frozen', () => {
    for (const rs of SHIPPED_RULE_SETS.all) {
      expect(() => {
        (rs.kinerja.points as Record<string, number>).BAIK = 99;
      }).toThrow(TypeError);
    }
  });

  it('rejects an unknown id with RULE_SET_UNKNOWN, naming the known ones', () => {
    expect(() => getRuleSet('nope')).toThrow(UnknownRuleSetError);
    expect(() => getRuleSet('nope')).toThrow(/unknown rule set "nope" \(known: perban-8-2019, reformulasi-2024, bkn-2023\)/u);
    try {
      getRuleSet('nope');
    } catch (err) {
      expect(err).toBeInstanceOf(IpasnError);
      expect((err as IpasnError).code).toBe('RULE_SET_UNKNOWN');
      expect((err as IpasnError).retriable).toBe(false);
    }
  });
});

describe('rule-set ids are open: any id the schema accepts', () => {
  const withId = (id: unknown): unknown => ({ ...clone(bknJson), id });
  it.each(['bkn-2023', 'kota-bima-2026', 'reformulasi-2024.2', 'x', '2027'])('accepts %s', (id) => {
    expect(parseRuleSet(withId(id)).id).toBe(id);
  });
  it.each(['', 'Perban-8-2019', 'perban 8', 'a:b', '{x}', 'a/b', '-a', 'a-', 'a--b', 'all', 'x'.repeat(65), 42])('rejects %j', (id) => {
    expect(() => parseRuleSet(withId(id))).toThrow(/id/u);
  });
});

describe('the performance component in the schema', () => {
  type Doc = typeof bknJson;
  const perf = (d: Doc): Record<string, unknown> => d.kompetensi.columns[0]!.components[0] as unknown as Record<string, unknown>;
  it.each<[string, (d: Doc) => void, RegExp]>([
    ['a missing predicate', (d) => delete (perf(d).points as Record<string, number>).BURUK, /BURUK/u],
    ['an unknown predicate', (d) => Object.assign(perf(d).points as object, { HEBAT: 40 }), /HEBAT/u],
    ['points that are not a multiple of 0.25', (d) => ((perf(d).points as Record<string, number>).BAIK = 20.1), /multiple of 0.25/u],
    ['negative points', (d) => ((perf(d).points as Record<string, number>).BAIK = -5), /BAIK/u],
    ['an unknown key', (d) => Object.assign(perf(d), { windowMonths: 12 }), /windowMonths/u],
  ])('rejects %s', (_name, edit, message) => {
    const doc = clone(bknJson);
    edit(doc);
    expect(() => parseRuleSet(doc)).toThrow(message);
  });

  it('is usable by any rule set: perban-8-2019 with a performance base in the pelaksana column', () => {
    const doc = clone(perbanJson) as unknown as { version: string; kompetensi: { columns: { components: unknown[] }[] } };
    doc.version = 'test-performance';
    doc.kompetensi.columns[2]!.components.push({ type: 'performance', points: { SANGAT_BAIK: 4, BAIK: 3, BUTUH_PERBAIKAN: 2, CUKUP: 2, KURANG: 1, SANGAT_KURANG: 0.5, BURUK: 0.25 } });
    const rs = parseRuleSet(doc);
    const at = (...records: Parameters<typeof employee>[1][]): number => score(employee({ jobGroup: 'PELAKSANA' }, ...records), '2025-06-30', rs).dimensions.kompetensi;
    expect(at(rec.apr(2025, { predicate: 'BAIK' }))).toBe(3);
    expect(at(rec.apr(2025, { score: 40 }))).toBe(0.25);
    expect(at(rec.apr(2025, { predicate: 'BAIK' }), rec.trn('TECHNICAL', 20, '2025-01-10'))).toBe(25.5);
    // 22.5 + 17.5 already reach the cap of 40.
    expect(at(rec.apr(2025, { predicate: 'SANGAT_BAIK' }), rec.trn('TECHNICAL', 20, '2025-01-10'), rec.trn('SEMINAR', 2, '2025-01-10'))).toBe(40);
    // Other columns are untouched.
    expect(score(employee({ jobGroup: 'PENGAWAS' }, rec.apr(2025, { predicate: 'BAIK' })), '2025-06-30', rs).dimensions.kompetensi).toBe(0);
  });
});

describe('parseRuleSet rejects bad documents, naming the path', () => {
  type Doc = typeof perbanJson;
  const cases: [string, (d: Doc) => void, RegExp][] = [
    ['an unknown key (a typo)', (d) => Object.assign(d.kinerja, { yearBack: 1 }), /yearBack/u],
    ['points that are not a multiple of 0.25', (d) => (d.kinerja.points.BAIK = 25.1), /multiple of 0.25/u],
    ['a job group in no column', (d) => d.kompetensi.columns[2]!.jobGroups.pop(), /missing: PELAKSANA/u],
    ['a job group in two columns', (d) => d.kompetensi.columns[2]!.jobGroups.push('PENGAWAS'), /more than once: PENGAWAS/u],
    ['a structural post without a leadership level', (d) => delete (d.kompetensi.leadership.required as Record<string, string>).PENGAWAS, /PENGAWAS/u],
    ['a lower education level scoring more', (d) => (d.kualifikasi.points.D3 = 16), /D3 \(16\) scores above the higher level S1/u],
    ['a penalty scoring above no penalty', (d) => (d.disiplin.points.RINGAN = 6), /RINGAN penalty scores above/u],
    ['category thresholds not descending', (d) => (d.categories.thresholds[1]!.min = 95), /strictly descending/u],
    ['a missing category', (d) => (d.categories.below = 'RENDAH'), /missing: SANGAT_RENDAH/u],
    ['a missing education level', (d) => d.kualifikasi.levelOrder.pop(), /missing: S3/u],
    ['an unknown method', (d) => ((d.disiplin as { method: string }).method = 'sometimes'), /method/u],
    ['a wrong status', (d) => ((d as { status: string }).status = 'retired'), /status/u],
    ['a missing version', (d) => delete (d as Partial<Doc>).version, /version/u],
  ];
  it.each(cases)('%s', (_name, edit, message) => {
    const doc = clone(perbanJson);
    edit(doc);
    expect(() => parseRuleSet(doc)).toThrow(message);
  });

  it('accepts the shipped documents unchanged', () => {
    expect(parseRuleSet(clone(perbanJson))).toEqual(getRuleSet('perban-8-2019'));
    expect(parseRuleSet(clone(bknJson))).toEqual(getRuleSet('bkn-2023'));
  });
});

describe('a new version is just data', () => {
  it('the Perban pro-rata option: JP/20 × points, rounded down to 0.25', () => {
    const doc = clone(perbanJson);
    doc.version = '2-pro-rata';
    for (const col of doc.kompetensi.columns) {
      for (const c of col.components) if (c.type === 'hours') c.method = 'pro-rata';
    }
    const rs = parseRuleSet(doc);
    const at = (jp: number, jobGroup: 'PELAKSANA' | 'PENGAWAS'): number =>
      score(employee({ jobGroup }, rec.trn('TECHNICAL', jp, '2025-03-01')), '2025-06-30', rs).dimensions.kompetensi;
    // Pelaksana: 22.5 × JP/20 = 1.125 per JP.
    expect(at(1, 'PELAKSANA')).toBe(1); // 1.125 → 1
    expect(at(2, 'PELAKSANA')).toBe(2.25);
    expect(at(3, 'PELAKSANA')).toBe(3.25); // 3.375 → 3.25
    expect(at(10, 'PELAKSANA')).toBe(11.25);
    expect(at(19, 'PELAKSANA')).toBe(21.25); // 21.375 → 21.25
    expect(at(20, 'PELAKSANA')).toBe(22.5);
    expect(at(200, 'PELAKSANA')).toBe(22.5);
    // Struktural: 15 × JP/20 = 0.75 per JP, always exact.
    expect(at(1, 'PENGAWAS')).toBe(0.75);
    expect(at(19, 'PENGAWAS')).toBe(14.25);
    expect(at(0, 'PENGAWAS')).toBe(0);
  });

  it('a changed table changes the score', () => {
    const doc = clone(perbanJson);
    doc.version = '2';
    doc.kinerja.points.KURANG = 10;
    const rs = parseRuleSet(doc);
    const p = employee({}, rec.apr(2025, { predicate: 'KURANG' }));
    expect(score(p, '2025-06-30', rs).dimensions.kinerja).toBe(10);
    expect(score(p, '2025-06-30', getRuleSet('perban-8-2019')).dimensions.kinerja).toBe(5);
  });
});
