/**
 * `--rules` and the list in force in `ipasn score` (the same parser serves report, rescore, verify
 * and rebuild): one id, a comma list or `all`; the list from `--rule-sets-file` or
 * IPASN_RULE_SETS_FILE, with a rule set no code knows. The doc's worked example through the CLI.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lines, ndjson, nip, rec, score, T, upsert } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'ipasn-cli-rules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Row = { nip: string; rules: string; total: number; category: string; dimensions: Record<string, number> };

// ipasn-rules.md's worked example, as of 2025-06-30: a PNS pelaksana with S1, 24 JP of technical
// training on 2025-03-01, one seminar on 2024-01-10 and a 2024 appraisal BAIK.
const WORKED = nip(700);
const worked = lines(
  upsert(WORKED),
  rec(T.education, WORKED, { recordId: 'edu', level: 'S1', graduatedOn: '2010-08-01' }),
  rec(T.training, WORKED, { recordId: 'tech', kind: 'TECHNICAL', hours: 24, completedOn: '2025-03-01' }),
  rec(T.training, WORKED, { recordId: 'sem', kind: 'SEMINAR', hours: 8, completedOn: '2024-01-10' }),
  rec(T.appraisal, WORKED, { recordId: 'skp', year: 2024, predicate: 'BAIK' }),
);

/** A fourth rule set: bkn-2023's file under another id, with a BAIK base of 22.5. */
function fourthList(): string {
  const doc = JSON.parse(readFileSync(new URL('../../rules/src/data/bkn-2023.json', import.meta.url), 'utf8')) as Record<string, unknown> & { kompetensi: { columns: { components: { type: string; points: Record<string, number> }[] }[] } };
  doc['id'] = 'kota-contoh-2026';
  for (const col of doc.kompetensi.columns) for (const c of col.components) if (c.type === 'performance') c.points['BAIK'] = 22.5;
  writeFileSync(join(tmp, 'kota.json'), JSON.stringify(doc));
  const list = join(tmp, 'rule-sets.json');
  writeFileSync(list, JSON.stringify({ baseline: 'bkn-2023', ruleSets: [{ shipped: 'bkn-2023' }, { file: 'kota.json' }, { shipped: 'perban-8-2019' }] }));
  return list;
}

describe('ipasn score --rules', () => {
  it('all: three lines per active employee, and the worked example gives 75 SEDANG (bkn-2023), 85 TINGGI (perban-8-2019)', () => {
    const rows = ndjson<Row>(score(['--rules', 'all'], worked).stdout);
    expect(rows.map((r) => [r.rules, r.total, r.category])).toEqual([
      ['bkn-2023', 75, 'SEDANG'],
      ['perban-8-2019', 85, 'TINGGI'],
      ['reformulasi-2024', 85, 'TINGGI'],
    ]);
    expect(rows[0]!.dimensions).toEqual({ kualifikasi: 15, kompetensi: 30, kinerja: 25, disiplin: 5 });
    expect(rows[1]!.dimensions).toEqual({ kualifikasi: 15, kompetensi: 40, kinerja: 25, disiplin: 5 });
  });

  it('one id, a comma list (spaces allowed, repeats dropped), and the baseline without --rules', () => {
    expect(ndjson<Row>(score(['--rules', 'bkn-2023'], worked).stdout).map((r) => r.rules)).toEqual(['bkn-2023']);
    expect(ndjson<Row>(score(['--rules', 'reformulasi-2024, bkn-2023,bkn-2023'], worked).stdout).map((r) => r.rules)).toEqual(['bkn-2023', 'reformulasi-2024']);
    expect(ndjson<Row>(score([], worked).stdout).map((r) => r.rules)).toEqual(['perban-8-2019']);
  });

  it('takes the list in force from --rule-sets-file or IPASN_RULE_SETS_FILE: a rule set no code knows, its own baseline', () => {
    const list = fourthList();
    const all = ndjson<Row>(score(['--rules', 'all', '--rule-sets-file', list], worked).stdout);
    expect(all.map((r) => [r.rules, r.total])).toEqual([
      ['bkn-2023', 75],
      ['kota-contoh-2026', 77.5],
      ['perban-8-2019', 85],
    ]);
    expect(ndjson<Row>(score(['--rules', 'kota-contoh-2026'], worked, { IPASN_RULE_SETS_FILE: list }).stdout).map((r) => r.total)).toEqual([77.5]);
    // Without --rules: the baseline of that list (bkn-2023).
    expect(ndjson<Row>(score([], worked, { IPASN_RULE_SETS_FILE: list }).stdout).map((r) => r.rules)).toEqual(['bkn-2023']);
    // reformulasi-2024 is not in that list: a usage error naming the list.
    const bad = score(['--rules', 'reformulasi-2024', '--rule-sets-file', list], worked);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown rule set "reformulasi-2024" \(known: bkn-2023, kota-contoh-2026, perban-8-2019\)/u);
  });
});
