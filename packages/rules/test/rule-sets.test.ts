import { RULE_SET_IDS } from '@ipasn/contracts';
import { describe, expect, it } from 'vitest';
import { getRuleSet, parseRuleSet, RULE_SETS, score } from '../src/index.js';
import perbanJson from '../src/data/perban-8-2019.json' with { type: 'json' };
import { employee, rec } from './helpers.js';

const clone = <T>(v: T): T => structuredClone(v);

describe('the shipped rule sets', () => {
  it('has one per RuleSetId, with id, version, title and status', () => {
    expect(Object.keys(RULE_SETS).sort()).toEqual([...RULE_SET_IDS].sort());
    for (const id of RULE_SET_IDS) {
      const rs = getRuleSet(id);
      expect(rs.id).toBe(id);
      expect(rs.version).toBe('1');
      expect(rs.title.length).toBeGreaterThan(0);
    }
    expect(getRuleSet('perban-8-2019').status).toBe('in-force');
    expect(getRuleSet('reformulasi-2024').status).toBe('draft');
  });

  it('model the structural differences as methods', () => {
    const p = getRuleSet('perban-8-2019');
    const r = getRuleSet('reformulasi-2024');
    expect(p.kualifikasi.method).toBe('highest-level');
    expect(r.kualifikasi.method).toBe('meets-required');
    expect(p.disiplin.method).toBe('worst-ever');
    expect(r.disiplin.method).toBe('while-running');
  });

  it('are frozen', () => {
    const rs = getRuleSet('perban-8-2019');
    expect(() => {
      (rs.kinerja.points as Record<string, number>).BAIK = 99;
    }).toThrow(TypeError);
  });

  it('rejects an unknown id', () => {
    expect(() => getRuleSet('nope' as never)).toThrow(/unknown rule set/u);
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
    expect(parseRuleSet(clone(perbanJson))).toEqual(RULE_SETS['perban-8-2019']);
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
    expect(score(p, '2025-06-30', RULE_SETS['perban-8-2019']).dimensions.kinerja).toBe(5);
  });
});
