/**
 * Every alias of events.md ("Aliases the normalizer accepts"), written out here from the spec rather
 * than derived from ALIASES, so that a table edited by mistake fails.
 */
import { describe, expect, it } from 'vitest';
import type { EventType } from '@ipasn/contracts';
import { ALIASES, aliasKey, aliasLookup, type AliasTable } from '../src/index.js';
import { ingress, payloadOf, run } from './fixtures.js';

const EDUCATION: [string, string][] = [
  ...['S3', 'S-3', 'Doktor', 'Strata 3'].map((s): [string, string] => [s, 'S3']),
  ...['S2', 'S-2', 'Magister', 'Strata 2'].map((s): [string, string] => [s, 'S2']),
  ...['S1', 'S-1', 'Sarjana', 'Strata 1'].map((s): [string, string] => [s, 'S1']),
  ...['D4', 'D-IV', 'DIV', 'Diploma IV'].map((s): [string, string] => [s, 'D4']),
  ...['D3', 'D-III', 'DIII', 'Diploma III'].map((s): [string, string] => [s, 'D3']),
  ...['D2', 'D-II', 'DII', 'Diploma II'].map((s): [string, string] => [s, 'D2']),
  ...['D1', 'D-I', 'DI', 'Diploma I'].map((s): [string, string] => [s, 'D1']),
  ...['SMA', 'SMK', 'SMU', 'MA', 'SLTA'].map((s): [string, string] => [s, 'SMA']),
  ...['SMP', 'SLTP', 'MTs'].map((s): [string, string] => [s, 'SMP']),
  ...['SD', 'MI'].map((s): [string, string] => [s, 'SD']),
];

const LEADERSHIP: [string, string][] = [
  ...['PKN_I', 'PKN I', 'PKN Tingkat I', 'PKN Tk. I', 'Diklatpim I', 'PIM I'].map((s): [string, string] => [s, 'PKN_I']),
  ...['PKN_II', 'PKN II', 'PKN Tingkat II', 'PKN Tk. II', 'Diklatpim II', 'PIM II'].map((s): [string, string] => [s, 'PKN_II']),
  ...['PKA', 'Diklatpim III', 'PIM III'].map((s): [string, string] => [s, 'PKA']),
  ...['PKP', 'Diklatpim IV', 'PIM IV'].map((s): [string, string] => [s, 'PKP']),
];

const PREDICATE: [string, string][] = [
  ['SANGAT_BAIK', 'SANGAT_BAIK'],
  ['Sangat Baik', 'SANGAT_BAIK'],
  ['BAIK', 'BAIK'],
  ['CUKUP', 'CUKUP'],
  ['BUTUH_PERBAIKAN', 'BUTUH_PERBAIKAN'],
  ['Butuh Perbaikan', 'BUTUH_PERBAIKAN'],
  ['KURANG', 'KURANG'],
  ['Kurang/Misconduct', 'KURANG'],
  ['BURUK', 'BURUK'],
  ['SANGAT_KURANG', 'SANGAT_KURANG'],
  ['Sangat Kurang', 'SANGAT_KURANG'],
];

const DISCIPLINE: [string, string][] = [
  ['RINGAN', 'RINGAN'],
  ['SEDANG', 'SEDANG'],
  ['BERAT', 'BERAT'],
  ['Hukuman Disiplin Ringan', 'RINGAN'],
  ['Hukuman Disiplin Sedang', 'SEDANG'],
  ['Hukuman Disiplin Berat', 'BERAT'],
];

const JOB_GROUP: [string, string][] = [
  ['JPT_UTAMA', 'JPT_UTAMA'],
  ['JPT Utama', 'JPT_UTAMA'],
  ['JPT_MADYA', 'JPT_MADYA'],
  ['JPT Madya', 'JPT_MADYA'],
  ['JPT_PRATAMA', 'JPT_PRATAMA'],
  ['JPT Pratama', 'JPT_PRATAMA'],
  ['ADMINISTRATOR', 'ADMINISTRATOR'],
  ['Administrator', 'ADMINISTRATOR'],
  ['PENGAWAS', 'PENGAWAS'],
  ['Pengawas', 'PENGAWAS'],
  ['PELAKSANA', 'PELAKSANA'],
  ['Pelaksana', 'PELAKSANA'],
  ...(
    [
      ['AHLI_UTAMA', 'Ahli Utama'],
      ['AHLI_MADYA', 'Ahli Madya'],
      ['AHLI_MUDA', 'Ahli Muda'],
      ['AHLI_PERTAMA', 'Ahli Pertama'],
      ['PENYELIA', 'Penyelia'],
      ['MAHIR', 'Mahir'],
      ['TERAMPIL', 'Terampil'],
      ['PEMULA', 'Pemula'],
    ] as const
  ).flatMap(([level, alone]): [string, string][] => [
    [`FUNGSIONAL_${level}`, `FUNGSIONAL_${level}`],
    [`Fungsional ${alone}`, `FUNGSIONAL_${level}`],
    [alone, `FUNGSIONAL_${level}`],
  ]),
];

const anyCase = (values: readonly string[]): [string, string][] =>
  values.flatMap((v): [string, string][] => [
    [v, v],
    [v.toLowerCase(), v],
    [`${v.charAt(0)}${v.slice(1).toLowerCase()}`, v],
  ]);

/** Each table: the event type and field it is tested through. */
const CASES: { field: string; aliases: keyof typeof ALIASES; type: EventType; path: string; table: [string, string][] }[] = [
  { field: 'education level', aliases: 'educationLevel', type: 'ipasn.education.recorded', path: 'level', table: EDUCATION },
  {
    field: 'requiredEducation',
    aliases: 'educationLevel',
    type: 'ipasn.employee.upserted',
    path: 'requiredEducation',
    table: EDUCATION,
  },
  { field: 'predicate', aliases: 'predicate', type: 'ipasn.appraisal.recorded', path: 'predicate', table: PREDICATE },
  { field: 'discipline level', aliases: 'disciplineLevel', type: 'ipasn.discipline.recorded', path: 'level', table: DISCIPLINE },
  { field: 'jobGroup', aliases: 'jobGroup', type: 'ipasn.employee.upserted', path: 'jobGroup', table: JOB_GROUP },
  {
    field: 'employmentType',
    aliases: 'employmentType',
    type: 'ipasn.employee.upserted',
    path: 'employmentType',
    table: anyCase(['PNS', 'PPPK']),
  },
  {
    // LEADERSHIP needs a leadershipLevel: tested below.
    field: 'training kind',
    aliases: 'trainingKind',
    type: 'ipasn.training.recorded',
    path: 'kind',
    table: anyCase(['FUNCTIONAL', 'TECHNICAL', 'SEMINAR']),
  },
  {
    field: 'separation reason',
    aliases: 'separationReason',
    type: 'ipasn.employee.separated',
    path: 'reason',
    table: anyCase(['RETIRED', 'DIED', 'DISMISSED', 'RESIGNED', 'OTHER']),
  },
];

describe.each(CASES)('$field aliases', ({ field, aliases, type, path, table }) => {
  it.each(table)('%j → %s', (spelling, canonical) => {
    expect(payloadOf(ingress(type, { [path]: spelling }))).toMatchObject({ [path]: canonical });
  });

  it.each(table.slice(0, 3))('ignores case, outer and repeated inner spaces: %j', (spelling, canonical) => {
    const messy = `  ${spelling.toLowerCase().replaceAll(' ', '   ')}\t`;
    expect(payloadOf(ingress(type, { [path]: messy }))).toMatchObject({ [path]: canonical });
  });

  it('has exactly these spellings in ALIASES (no more, no fewer)', () => {
    const lookup = aliasLookup(ALIASES[aliases] as AliasTable<string>);
    const expected = new Map(table.map(([s, c]) => [aliasKey(s), c]));
    if (field === 'training kind') expected.set('LEADERSHIP', 'LEADERSHIP');
    expect(new Map([...lookup].sort())).toEqual(new Map([...expected].sort()));
  });
});

describe('LEADERSHIP training: leadershipLevel aliases', () => {
  it.each(LEADERSHIP)('%j → %s', (spelling, canonical) => {
    const data = { kind: 'Leadership', leadershipLevel: spelling };
    expect(payloadOf(ingress('ipasn.training.recorded', data))).toMatchObject({ kind: 'LEADERSHIP', leadershipLevel: canonical });
  });

  it('has exactly these spellings in ALIASES', () => {
    const lookup = aliasLookup(ALIASES.leadershipLevel);
    expect(new Map([...lookup].sort())).toEqual(new Map(LEADERSHIP.map(([s, c]): [string, string] => [aliasKey(s), c]).sort()));
  });
});

describe('non-aliases are SCHEMA_INVALID', () => {
  it.each<[EventType, string, unknown]>([
    ['ipasn.education.recorded', 'level', 'S4'],
    ['ipasn.education.recorded', 'level', 'Sarjana Muda'],
    ['ipasn.education.recorded', 'level', 'D 3'],
    ['ipasn.education.recorded', 'level', 'S.1'],
    ['ipasn.education.recorded', 'level', 1],
    ['ipasn.employee.upserted', 'requiredEducation', 'Diploma 3'],
    ['ipasn.appraisal.recorded', 'predicate', 'Sangat-Baik'],
    ['ipasn.appraisal.recorded', 'predicate', 'Kurang / Misconduct'],
    ['ipasn.appraisal.recorded', 'predicate', 'Misconduct'],
    ['ipasn.discipline.recorded', 'level', 'Hukuman Ringan'],
    ['ipasn.discipline.recorded', 'level', 'Disiplin Ringan'],
    ['ipasn.employee.upserted', 'jobGroup', 'JPT'],
    ['ipasn.employee.upserted', 'jobGroup', 'Fungsional'],
    ['ipasn.employee.upserted', 'jobGroup', 'JPT-Pratama'],
    ['ipasn.employee.upserted', 'employmentType', 'P3K'],
    ['ipasn.employee.upserted', 'employmentType', 'Honorer'],
    ['ipasn.training.recorded', 'kind', 'TEKNIS'],
    ['ipasn.employee.separated', 'reason', 'PENSIUN'],
    ['ipasn.employee.separated', 'reason', ''],
  ])('%s data.%s = %j', (type, path, spelling) => {
    const r = run(ingress(type, { [path]: spelling }));
    expect(r).toMatchObject({ ok: false, reason: 'SCHEMA_INVALID', paths: [`data.${path}`] });
  });

  it.each(['PKN III', 'Diklatpim V', 'PIM', 'Tingkat I', 'PKN-I'])('leadershipLevel %j', (spelling) => {
    const data = { kind: 'LEADERSHIP', leadershipLevel: spelling };
    expect(run(ingress('ipasn.training.recorded', data))).toMatchObject({ reason: 'SCHEMA_INVALID', paths: ['data.leadershipLevel'] });
  });
});

describe('aliasLookup', () => {
  it('refuses a table where one spelling means two values', () => {
    expect(() => aliasLookup({ A: ['x'], B: ['X '] })).toThrow(/maps to both A and B/u);
  });

  it('builds every shipped table', () => {
    for (const table of Object.values(ALIASES)) expect(aliasLookup(table as AliasTable<string>).size).toBeGreaterThan(0);
  });
});
