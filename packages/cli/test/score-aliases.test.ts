/**
 * Every alias of events.md through `ipasn score`: each alias spelling is sent for one employee and
 * the canonical spelling for a twin; both must be accepted and score identically, and the canonical
 * twin must score what the rule tables say (so that a wrong mapping cannot pass unnoticed).
 */
import { describe, expect, it } from 'vitest';
import type { EducationLevel, JobGroup, LeadershipLevel, Predicate, DisciplineLevel } from '@ipasn/contracts';
import {
  DISCIPLINE_ALIASES,
  JOB_GROUP_ALIASES,
  LEADERSHIP_ALIASES,
  LEVEL_ALIASES,
  PREDICATE_ALIASES,
} from '../src/generate/aliases.js';
import { T, ev, ndjson, nip, rec, rejectsOf, score, upsert } from './helpers.js';

interface Row {
  nip: string;
  rules: string;
  employmentType: string;
  total: number;
  dimensions: { kualifikasi: number; kompetensi: number; kinerja: number; disiplin: number };
  dataGaps: string[];
}

interface Case {
  name: string;
  alias: unknown;
  canonical: unknown;
  /** The employee's lines with `value` in the field under test. */
  build: (subject: string, value: unknown) => string[];
  /** What the canonical twin must score (perban-8-2019 unless said). */
  check?: (perban: Row, reformulasi: Row) => void;
  /** Neither twin is scored (e.g. separated): only acceptance is checked. */
  inactive?: boolean;
}

const KUALIFIKASI: Record<EducationLevel, number> = { S3: 25, S2: 20, S1: 15, D4: 15, D3: 10, D2: 5, D1: 5, SMA: 5, SMP: 1, SD: 1 };
const KINERJA: Record<Predicate, number> = { SANGAT_BAIK: 30, BAIK: 25, CUKUP: 15, BUTUH_PERBAIKAN: 15, KURANG: 5, BURUK: 1, SANGAT_KURANG: 1 };
const DISIPLIN: Record<DisciplineLevel, number> = { RINGAN: 3, SEDANG: 2, BERAT: 1 };
const POST_FOR: Record<LeadershipLevel, JobGroup> = { PKN_I: 'JPT_MADYA', PKN_II: 'JPT_PRATAMA', PKA: 'ADMINISTRATOR', PKP: 'PENGAWAS' };

const cases: Case[] = [];
const noisy = (s: string): string[] => [s, s.toLowerCase(), s.toUpperCase(), `  ${s.replace(' ', '   ')} `];

for (const [level, aliases] of Object.entries(LEVEL_ALIASES) as Array<[EducationLevel, readonly string[]]>) {
  for (const alias of [...aliases, ...noisy(aliases[aliases.length - 1] as string)]) {
    cases.push({
      name: `education level ${JSON.stringify(alias)} = ${level}`,
      alias,
      canonical: level,
      build: (s, v) => [upsert(s, { requiredEducation: 'S1' }), rec(T.education, s, { recordId: 'e1', level: v, graduatedOn: '2010-06-01' })],
      check: (p) => expect(p.dimensions.kualifikasi).toBe(KUALIFIKASI[level]),
    });
    cases.push({
      name: `requiredEducation ${JSON.stringify(alias)} = ${level}`,
      alias,
      canonical: level,
      build: (s, v) => [upsert(s, { requiredEducation: v }), rec(T.education, s, { recordId: 'e1', level: 'D3', graduatedOn: '2010-06-01' })],
      check: (_p, r) => expect(r.dataGaps).not.toContain('REQUIRED_EDUCATION_MISSING'),
    });
  }
}

for (const [lead, aliases] of Object.entries(LEADERSHIP_ALIASES) as Array<[LeadershipLevel, readonly string[]]>) {
  for (const alias of [...aliases, ...noisy(aliases[aliases.length - 1] as string)]) {
    cases.push({
      name: `leadershipLevel ${JSON.stringify(alias)} = ${lead}`,
      alias,
      canonical: lead,
      build: (s, v) => [
        upsert(s, { jobGroup: POST_FOR[lead] }),
        rec(T.training, s, { recordId: 't1', kind: 'LEADERSHIP', hours: 200, completedOn: '2020-01-15', leadershipLevel: v }),
      ],
      // Only the matching leadership course counts: 15 points.
      check: (p) => expect(p.dimensions.kompetensi).toBe(15),
    });
  }
}

for (const [pred, aliases] of Object.entries(PREDICATE_ALIASES) as Array<[Predicate, readonly string[]]>) {
  for (const alias of [...aliases, ...noisy(aliases[1] ?? pred)]) {
    cases.push({
      name: `predicate ${JSON.stringify(alias)} = ${pred}`,
      alias,
      canonical: pred,
      build: (s, v) => [upsert(s), rec(T.appraisal, s, { recordId: 'a1', year: 2024, predicate: v })],
      check: (p) => expect(p.dimensions.kinerja).toBe(KINERJA[pred]),
    });
  }
}

for (const [level, aliases] of Object.entries(DISCIPLINE_ALIASES) as Array<[DisciplineLevel, readonly string[]]>) {
  for (const alias of [...aliases, ...noisy(`Hukuman Disiplin ${level.toLowerCase()}`)]) {
    cases.push({
      name: `discipline level ${JSON.stringify(alias)} = ${level}`,
      alias,
      canonical: level,
      build: (s, v) => [upsert(s), rec(T.discipline, s, { recordId: 'd1', level: v, imposedOn: '2024-01-10', endsOn: '2025-01-10' })],
      check: (p) => expect(p.dimensions.disiplin).toBe(DISIPLIN[level]),
    });
  }
}

// Technical 24 JP and a seminar in the windows, a functional course, and PKP leadership:
// pengawas 40, other structural posts 25, functional 40, pelaksana 40 (perban-8-2019).
const KOMPETENSI_BY_GROUP = (g: JobGroup): number => (g === 'PENGAWAS' || g.startsWith('FUNGSIONAL') || g === 'PELAKSANA' ? 40 : 25);
for (const [group, aliases] of Object.entries(JOB_GROUP_ALIASES) as Array<[JobGroup, readonly string[]]>) {
  for (const alias of [...aliases, ...noisy(aliases[aliases.length - 1] as string)]) {
    cases.push({
      name: `jobGroup ${JSON.stringify(alias)} = ${group}`,
      alias,
      canonical: group,
      build: (s, v) => [
        upsert(s, { jobGroup: v }),
        rec(T.training, s, { recordId: 't1', kind: 'TECHNICAL', hours: 24, completedOn: '2025-03-01' }),
        rec(T.training, s, { recordId: 't2', kind: 'SEMINAR', hours: 4, completedOn: '2025-03-02' }),
        rec(T.training, s, { recordId: 't3', kind: 'FUNCTIONAL', hours: 40, completedOn: '2019-03-02' }),
        rec(T.training, s, { recordId: 't4', kind: 'LEADERSHIP', hours: 200, completedOn: '2019-03-02', leadershipLevel: 'PKP' }),
      ],
      check: (p) => expect(p.dimensions.kompetensi).toBe(KOMPETENSI_BY_GROUP(group)),
    });
  }
}

for (const t of ['PNS', 'PPPK'] as const) {
  for (const alias of [t.toLowerCase(), `${t[0] as string}${t.slice(1).toLowerCase()}`]) {
    cases.push({
      name: `employmentType ${JSON.stringify(alias)} = ${t}`,
      alias,
      canonical: t,
      build: (s, v) => [upsert(s, { employmentType: v })],
      check: (p) => expect(p.employmentType).toBe(t),
    });
  }
}

for (const kind of ['TECHNICAL', 'SEMINAR', 'FUNCTIONAL', 'LEADERSHIP'] as const) {
  for (const alias of [kind.toLowerCase(), `${kind[0] as string}${kind.slice(1).toLowerCase()}`]) {
    cases.push({
      name: `training kind ${JSON.stringify(alias)} = ${kind}`,
      alias,
      canonical: kind,
      build: (s, v) => [
        upsert(s, { jobGroup: 'PENGAWAS' }),
        rec(T.training, s, { recordId: 't1', kind: v, hours: 24, completedOn: '2025-03-01', ...(kind === 'LEADERSHIP' && { leadershipLevel: 'PKP' }) }),
      ],
      check: (p) => expect(p.dimensions.kompetensi).toBe(kind === 'FUNCTIONAL' ? 0 : kind === 'SEMINAR' ? 10 : 15),
    });
  }
}

for (const reason of ['RETIRED', 'DIED', 'DISMISSED', 'RESIGNED', 'OTHER'] as const) {
  for (const alias of [reason.toLowerCase(), `${reason[0] as string}${reason.slice(1).toLowerCase()}`]) {
    cases.push({
      name: `separation reason ${JSON.stringify(alias)} = ${reason}`,
      alias,
      canonical: reason,
      build: (s, v) => [upsert(s), rec(T.separate, s, { reason: v })],
      inactive: true,
    });
  }
}

// Dates: 1 July 2024 is inside the 12-month window up to 2025-06-30; read as 7 January it is not.
for (const alias of ['01-07-2024', '01/07/2024']) {
  cases.push({
    name: `completedOn ${alias} = 2024-07-01`,
    alias,
    canonical: '2024-07-01',
    build: (s, v) => [upsert(s), rec(T.training, s, { recordId: 't1', kind: 'TECHNICAL', hours: 24, completedOn: v })],
    check: (p) => expect(p.dimensions.kompetensi).toBe(22.5),
  });
}
for (const alias of ['30-06-2025', '30/06/2025']) {
  cases.push({
    name: `graduatedOn ${alias} = 2025-06-30`,
    alias,
    canonical: '2025-06-30',
    build: (s, v) => [upsert(s), rec(T.education, s, { recordId: 'e1', level: 'S2', graduatedOn: v })],
    check: (p) => expect(p.dimensions.kualifikasi).toBe(20),
  });
}
for (const alias of ['10-01-2024', '10/01/2024']) {
  cases.push({
    name: `imposedOn/endsOn ${alias} = 2024-01-10`,
    alias,
    canonical: '2024-01-10',
    build: (s, v) => [upsert(s), rec(T.discipline, s, { recordId: 'd1', level: 'SEDANG', imposedOn: v, endsOn: '01/07/2025' })],
    // reformulasi-2024 counts the penalty while it runs (until 2025-07-01).
    check: (p, r) => {
      expect(p.dimensions.disiplin).toBe(2);
      expect(r.dimensions.disiplin).toBe(2);
    },
  });
}

// Separators in the NIP: the record joins the profile of the plainly written upsert.
for (const sep of [' ', '.', '-']) {
  cases.push({
    name: `subject with ${JSON.stringify(sep)} separators`,
    alias: sep,
    canonical: '',
    build: (s, v) => {
      const written = [s.slice(0, 8), s.slice(8, 14), s.slice(14, 15), s.slice(15)].join(String(v));
      return [upsert(s), ev({ type: T.education, subject: written, data: { recordId: 'e1', level: 'S1', graduatedOn: '2010-06-01' } })];
    },
    check: (p) => expect(p.dimensions.kualifikasi).toBe(15),
  });
}

// Numbers as strings of digits.
cases.push({
  name: 'hours "24" = 24',
  alias: '24',
  canonical: 24,
  build: (s, v) => [upsert(s), rec(T.training, s, { recordId: 't1', kind: 'TECHNICAL', hours: v, completedOn: '2025-03-01' })],
  check: (p) => expect(p.dimensions.kompetensi).toBe(22.5),
});
cases.push({
  name: 'year "2024" = 2024',
  alias: '2024',
  canonical: 2024,
  build: (s, v) => [upsert(s), rec(T.appraisal, s, { recordId: 'a1', year: v, predicate: 'BAIK' })],
  check: (p) => expect(p.dimensions.kinerja).toBe(25),
});
for (const [alias, canonical, points] of [['87.5', 87.5, 25], ['95', 95, 30], ['60.25', 60.25, 5]] as const) {
  cases.push({
    name: `score ${JSON.stringify(alias)} = ${canonical}`,
    alias,
    canonical,
    build: (s, v) => [upsert(s), rec(T.appraisal, s, { recordId: 'a1', year: '2025', score: v })],
    check: (p) => expect(p.dimensions.kinerja).toBe(points),
  });
}

// Names are trimmed and inner whitespace collapsed (not scored: acceptance is the effect).
cases.push({
  name: 'name with extra spaces',
  alias: '   Siti    Rahayu,  S.E. ',
  canonical: 'Siti Rahayu, S.E.',
  build: (s, v) => [upsert(s, { name: v })],
});

// A time without an offset is Asia/Jakarta: 16:00 WIB on 1 July is 09:00Z, within 24 h of the
// ingestion time 2025-06-30T10:00Z (read as UTC it would be FUTURE_DATED).
cases.push({
  name: 'time without offset is Asia/Jakarta',
  alias: '2025-07-01T16:00:00',
  canonical: '2025-07-01T16:00:00+07:00',
  build: (s, v) => [ev({ type: T.upsert, subject: s, time: String(v), data: { name: 'Budi', employmentType: 'PNS', jobGroup: 'PELAKSANA' } })],
});

describe('every alias of events.md through ipasn score', () => {
  const input: string[] = [];
  const nips = cases.map((_, i) => ({ alias: nip(2 * i), canonical: nip(2 * i + 1) }));
  cases.forEach((c, i) => {
    const n = nips[i]!;
    input.push(...c.build(n.alias, c.alias), ...c.build(n.canonical, c.canonical));
  });
  const run = score(['--rules', 'all'], `${input.join('\n')}\n`);
  const rows = ndjson<Row>(run.stdout);
  const byNip = new Map<string, Row[]>();
  for (const r of rows) byNip.set(r.nip, [...(byNip.get(r.nip) ?? []), r]);

  it('accepts every line (no rejects) and exits 0', () => {
    expect(run.code).toBe(0);
    expect(rejectsOf(run.stderr)).toEqual([]);
  });

  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const n = nips[i]!;
    const strip = (r: Row): Omit<Row, 'nip'> => {
      const { nip: _nip, ...rest } = r;
      return rest;
    };
    const aliased = byNip.get(n.alias) ?? [];
    const canonical = byNip.get(n.canonical) ?? [];
    if (c.inactive) {
      expect(aliased).toEqual([]);
      expect(canonical).toEqual([]);
      return;
    }
    expect(canonical.map((r) => r.rules)).toEqual(['bkn-2023', 'perban-8-2019', 'reformulasi-2024']);
    expect(aliased.map(strip)).toEqual(canonical.map(strip));
    c.check?.(canonical[1]!, canonical[2]!);
  });
});
