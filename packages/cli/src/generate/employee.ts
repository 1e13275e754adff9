/**
 * One synthetic civil servant: identity (a NIP that looks real), post, required and held education.
 * Realistic shapes from ipasn-rules.md "Data facts"; proportions are approximate national figures.
 */
import type { EducationLevel, EmploymentType, JobGroup } from '@ipasn/contracts';
import { addMonths, dayOf, ymdOf } from '../dates.js';
import { Weighted, type Rng } from './rng.js';
import {
  BACK_TITLES,
  FAMILY_NAMES,
  FEMALE_NAMES,
  FUNCTIONAL_POSITIONS,
  MALE_NAMES,
  PELAKSANA_POSITIONS,
  UNITS,
} from './vocab.js';

export interface Employee {
  nip: string;
  employmentType: EmploymentType;
  gender: 1 | 2;
  /** Day numbers (days since 1970-01-01). */
  birth: number;
  appointed: number;
  agency: string;
  name: string;
  jobGroup: JobGroup;
  requiredEducation: EducationLevel | undefined;
  positionName: string | undefined;
  unitName: string | undefined;
  /** Education records to send, oldest first: 1–3, the last is the highest level held. */
  education: Array<{ level: EducationLevel; graduatedOn: number }>;
}

const PNS_GROUPS = new Weighted<JobGroup>([
  ['FUNGSIONAL_AHLI_UTAMA', 0.4],
  ['FUNGSIONAL_AHLI_MADYA', 5],
  ['FUNGSIONAL_AHLI_MUDA', 14],
  ['FUNGSIONAL_AHLI_PERTAMA', 13],
  ['FUNGSIONAL_PENYELIA', 4],
  ['FUNGSIONAL_MAHIR', 6],
  ['FUNGSIONAL_TERAMPIL', 6],
  ['FUNGSIONAL_PEMULA', 1.6],
  ['PELAKSANA', 37],
  ['PENGAWAS', 7],
  ['ADMINISTRATOR', 3.5],
  ['JPT_PRATAMA', 1.2],
  ['JPT_MADYA', 0.25],
  ['JPT_UTAMA', 0.05],
]);

// PPPK are mostly teachers, health workers and other functional posts.
const PPPK_GROUPS = new Weighted<JobGroup>([
  ['FUNGSIONAL_AHLI_PERTAMA', 30],
  ['FUNGSIONAL_AHLI_MUDA', 10],
  ['FUNGSIONAL_PENYELIA', 5],
  ['FUNGSIONAL_MAHIR', 10],
  ['FUNGSIONAL_TERAMPIL', 20],
  ['FUNGSIONAL_PEMULA', 5],
  ['PELAKSANA', 20],
]);

type Ladder = 'SD' | 'SMP' | 'SMA' | 'D3' | 'S1' | 'S2' | 'S3';
const LADDER: readonly Ladder[] = ['SD', 'SMP', 'SMA', 'D3', 'S1', 'S2', 'S3'];

const REQUIRED: Record<JobGroup, Weighted<Ladder>> = {
  JPT_UTAMA: new Weighted([['S2', 8], ['S1', 2]]),
  JPT_MADYA: new Weighted([['S2', 8], ['S1', 2]]),
  JPT_PRATAMA: new Weighted([['S2', 7], ['S1', 3]]),
  ADMINISTRATOR: new Weighted([['S1', 9], ['S2', 1]]),
  PENGAWAS: new Weighted([['S1', 3], ['D3', 1]]),
  PELAKSANA: new Weighted([['SMA', 45], ['D3', 30], ['S1', 25]]),
  FUNGSIONAL_AHLI_UTAMA: new Weighted([['S2', 6], ['S3', 2], ['S1', 2]]),
  FUNGSIONAL_AHLI_MADYA: new Weighted([['S1', 7], ['S2', 3]]),
  FUNGSIONAL_AHLI_MUDA: new Weighted([['S1', 1]]),
  FUNGSIONAL_AHLI_PERTAMA: new Weighted([['S1', 1]]),
  FUNGSIONAL_PENYELIA: new Weighted([['D3', 8], ['SMA', 2]]),
  FUNGSIONAL_MAHIR: new Weighted([['D3', 8], ['SMA', 2]]),
  FUNGSIONAL_TERAMPIL: new Weighted([['D3', 8], ['SMA', 2]]),
  FUNGSIONAL_PEMULA: new Weighted([['SMA', 1]]),
};

/** Held level relative to the required one, in ladder steps. */
const HELD_DELTA = new Weighted<number>([[0, 60], [1, 22], [2, 5], [-1, 10], [-2, 3]]);

/** Years of service a post usually takes (PNS); senior posts are not held by new hires. */
const MIN_TENURE: Partial<Record<JobGroup, number>> = {
  JPT_UTAMA: 20,
  JPT_MADYA: 16,
  JPT_PRATAMA: 12,
  ADMINISTRATOR: 8,
  PENGAWAS: 4,
  FUNGSIONAL_AHLI_UTAMA: 16,
  FUNGSIONAL_AHLI_MADYA: 8,
  FUNGSIONAL_AHLI_MUDA: 3,
  FUNGSIONAL_PENYELIA: 8,
  FUNGSIONAL_MAHIR: 3,
};

const RETIREMENT_AGE: Partial<Record<JobGroup, number>> = {
  JPT_UTAMA: 60,
  JPT_MADYA: 60,
  JPT_PRATAMA: 60,
  FUNGSIONAL_AHLI_MADYA: 60,
  FUNGSIONAL_AHLI_UTAMA: 65,
};

export interface EmployeeContext {
  rng: Rng;
  asOf: number;
  agency: string;
  /** NIPs already used in the stream (a NIP is an employee's identity). */
  usedNips: Set<string>;
}

export function createEmployee(ctx: EmployeeContext): Employee {
  const { rng, asOf } = ctx;
  const employmentType: EmploymentType = rng.chance(0.12) ? 'PPPK' : 'PNS';
  const jobGroup = (employmentType === 'PNS' ? PNS_GROUPS : PPPK_GROUPS).draw(rng);
  const gender: 1 | 2 = rng.chance(0.52) ? 2 : 1;
  const asOfYear = ymdOf(asOf).y;

  const maxAge = RETIREMENT_AGE[jobGroup] ?? 58;
  const tenure = employmentType === 'PNS' ? (MIN_TENURE[jobGroup] ?? 0) : 0;
  const minAge = Math.max(21, 20 + tenure);
  const meanAge = employmentType === 'PPPK' ? 37 : jobGroup.startsWith('JPT') ? 52 : 42;
  const age = rng.normal(meanAge, 9, minAge, maxAge - 0.05);
  const birth = asOf - Math.floor(age * 365.25) - rng.int(0, 180);
  const by = ymdOf(birth).y;

  let appointed: number;
  if (employmentType === 'PNS') {
    // TMT CPNS: after the 18th birthday, usually in the mid-twenties, never after asOf.
    const tmtAge = rng.normal(26, 4, 19, Math.max(19, age - 0.5 - tenure));
    const b = ymdOf(birth);
    appointed = Math.min(asOf, addMonths(dayOf(b.y, b.m, 1), Math.floor(tmtAge * 12)));
    const t = ymdOf(appointed);
    appointed = dayOf(t.y, t.m, 1);
  } else {
    const first = Math.max(2019, by + 20);
    const year = first > asOfYear ? asOfYear : rng.int(first, asOfYear);
    appointed = Math.min(asOf, dayOf(year, rng.pick([1, 2, 3, 4, 7, 10]), 1));
  }

  const required = REQUIRED[jobGroup].draw(rng);
  const reqIndex = LADDER.indexOf(required);
  const heldIndex = Math.min(LADDER.length - 1, Math.max(0, reqIndex + HELD_DELTA.draw(rng)));
  const education = educationHistory(rng, LADDER[heldIndex] ?? 'SMA', birth, appointed, asOf, jobGroup);
  const highest = education[education.length - 1]?.level ?? 'SMA';

  const requiredEducation: EducationLevel | undefined = rng.chance(0.9)
    ? required === 'S1' && rng.chance(0.08)
      ? 'D4'
      : required
    : undefined;

  return {
    nip: uniqueNip(ctx, employmentType, birth, appointed, gender),
    employmentType,
    gender,
    birth,
    appointed,
    agency: ctx.agency,
    name: personName(rng, gender, highest),
    jobGroup,
    requiredEducation,
    positionName: rng.chance(0.9) ? positionName(rng, jobGroup) : undefined,
    unitName: rng.chance(0.8) ? rng.pick(UNITS) : undefined,
    education,
  };
}

function uniqueNip(ctx: EmployeeContext, type: EmploymentType, birth: number, appointed: number, gender: 1 | 2): string {
  const b = ymdOf(birth);
  const a = ymdOf(appointed);
  const head = `${b.y}${pad2(b.m)}${pad2(b.d)}`;
  const middle = type === 'PNS' ? `${a.y}${pad2(a.m)}` : `${a.y}${ctx.rng.chance(0.85) ? '21' : ctx.rng.pick(['22', '23'])}`;
  for (let attempt = 0; ; attempt++) {
    const serial = attempt < 50 ? ctx.rng.int(1, attempt < 10 ? 120 : 999) : 1 + ((attempt * 7) % 999);
    const nip = `${head}${middle}${gender}${String(serial).padStart(3, '0')}`;
    if (!ctx.usedNips.has(nip)) {
      ctx.usedNips.add(nip);
      return nip;
    }
    if (attempt > 2000) throw new Error('cannot find a free NIP serial');
  }
}

function educationHistory(
  rng: Rng,
  held: Ladder,
  birth: number,
  appointed: number,
  asOf: number,
  jobGroup: JobGroup,
): Array<{ level: EducationLevel; graduatedOn: number }> {
  const b = ymdOf(birth);
  const atAge = (years: number, month: number): number => dayOf(b.y + years, month, rng.int(1, 28));
  const chain: Array<{ level: EducationLevel; graduatedOn: number }> = [];
  const sma = atAge(18, 6);
  let s1 = atAge(rng.int(22, 24), rng.int(1, 12));
  switch (held) {
    case 'SD':
      chain.push({ level: 'SD', graduatedOn: atAge(12, 6) });
      break;
    case 'SMP':
      if (rng.chance(0.2)) chain.push({ level: 'SD', graduatedOn: atAge(12, 6) });
      chain.push({ level: 'SMP', graduatedOn: atAge(15, 6) });
      break;
    case 'SMA':
      if (rng.chance(0.2)) chain.push({ level: 'SMP', graduatedOn: atAge(15, 6) });
      chain.push({ level: 'SMA', graduatedOn: sma });
      break;
    case 'D3': {
      if (rng.chance(0.5)) chain.push({ level: 'SMA', graduatedOn: sma });
      // D1/D2 diplomas: mostly older pelaksana.
      const d = rng.chance(jobGroup === 'PELAKSANA' ? 0.15 : 0.03) ? rng.pick(['D1', 'D2'] as const) : 'D3';
      chain.push({ level: d, graduatedOn: atAge(d === 'D1' ? 19 : d === 'D2' ? 20 : 21, rng.int(7, 10)) });
      break;
    }
    case 'S1':
    case 'S2':
    case 'S3': {
      if (rng.chance(held === 'S1' ? 0.4 : 0.15)) chain.push({ level: 'SMA', graduatedOn: sma });
      if (held === 'S1' && rng.chance(0.1)) {
        chain.push({ level: 'D3', graduatedOn: atAge(21, 9) });
        // Extension programmes finish a few years into the job.
        s1 = Math.max(s1, appointed + rng.int(700, 1800));
      }
      const bachelor = rng.chance(0.1) ? 'D4' : 'S1';
      if (s1 <= asOf) chain.push({ level: bachelor, graduatedOn: s1 });
      if (held !== 'S1') {
        const s2 = Math.max(s1 + rng.int(540, 1500), appointed + rng.int(700, 4000));
        if (s2 <= asOf) {
          chain.push({ level: 'S2', graduatedOn: s2 });
          const s3 = s2 + rng.int(1400, 3000);
          if (held === 'S3' && s3 <= asOf) chain.push({ level: 'S3', graduatedOn: s3 });
        }
      }
      if (chain.length === 0) chain.push({ level: 'SMA', graduatedOn: sma });
      break;
    }
  }
  return chain.slice(-3).filter((e) => e.graduatedOn <= asOf);
}

function personName(rng: Rng, gender: 1 | 2, highest: EducationLevel): string {
  const given: readonly string[] = gender === 1 ? MALE_NAMES : FEMALE_NAMES;
  const parts: string[] = [rng.pick(given)];
  if (rng.chance(0.35)) parts.push(rng.pick(given));
  if (rng.chance(0.8)) parts.push(rng.pick(FAMILY_NAMES));
  let name = parts.join(' ');
  if (!rng.chance(0.7)) return name;
  const titles: string[] = [];
  const pickTitle = (level: string): void => {
    const list = BACK_TITLES[level];
    if (list) titles.push(rng.pick(list));
  };
  if (highest === 'D3' || highest === 'D4' || highest === 'S1') pickTitle(highest);
  if (highest === 'S2' || highest === 'S3') {
    pickTitle('S1');
    pickTitle(highest === 'S3' ? 'S3' : 'S2');
  }
  if (highest === 'S3') name = `Dr. ${name}`;
  return titles.length > 0 ? `${name}, ${titles.join(', ')}` : name;
}

export function positionName(rng: Rng, jobGroup: JobGroup): string {
  switch (jobGroup) {
    case 'JPT_UTAMA':
      return rng.pick(['Kepala Badan', 'Sekretaris Jenderal', 'Inspektur Jenderal']);
    case 'JPT_MADYA':
      return rng.pick(['Direktur Jenderal', 'Sekretaris Daerah Provinsi', 'Deputi Bidang Pengawasan']);
    case 'JPT_PRATAMA':
      return rng.pick(['Kepala Dinas', 'Direktur', 'Kepala Badan Daerah', 'Sekretaris Daerah Kabupaten', 'Kepala Kantor Wilayah']);
    case 'ADMINISTRATOR':
      return rng.pick(['Kepala Bagian Umum', 'Kepala Bidang Perencanaan', 'Sekretaris Dinas', 'Kepala Bagian Keuangan', 'Camat']);
    case 'PENGAWAS':
      return rng.pick(['Kepala Subbagian Kepegawaian', 'Kepala Seksi Pelayanan', 'Kepala Subbagian Keuangan', 'Lurah', 'Kepala Seksi Pengawasan']);
    case 'PELAKSANA':
      return rng.pick(PELAKSANA_POSITIONS);
    case 'FUNGSIONAL_AHLI_UTAMA':
    case 'FUNGSIONAL_AHLI_MADYA':
    case 'FUNGSIONAL_AHLI_MUDA':
    case 'FUNGSIONAL_AHLI_PERTAMA':
    case 'FUNGSIONAL_PENYELIA':
    case 'FUNGSIONAL_MAHIR':
    case 'FUNGSIONAL_TERAMPIL':
    case 'FUNGSIONAL_PEMULA':
      return `${rng.pick(FUNCTIONAL_POSITIONS)} ${titleCase(jobGroup.slice('FUNGSIONAL_'.length).replace('_', ' '))}`;
  }
}

function titleCase(words: string): string {
  return words
    .toLowerCase()
    .split(' ')
    .map((w) => (w.length > 0 ? (w[0] as string).toUpperCase() + w.slice(1) : w))
    .join(' ');
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
