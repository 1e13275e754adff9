/**
 * The aliases of events.md ("Aliases the normalizer accepts") as data. The list there is exhaustive:
 * a spelling missing here is SCHEMA_INVALID. Each table maps a canonical value to every accepted
 * spelling (the canonical value itself included); matching goes through `aliasKey`, so case, leading
 * and trailing spaces and repeated inner spaces never matter.
 */
import {
  DISCIPLINE_LEVELS,
  EMPLOYMENT_TYPES,
  JOB_GROUPS,
  PREDICATES,
  SEPARATION_REASONS,
  TRAINING_KINDS,
  type DisciplineLevel,
  type EducationLevel,
  type EmploymentType,
  type JobGroup,
  type LeadershipLevel,
  type Predicate,
  type SeparationReason,
  type TrainingKind,
} from '@ipasn/contracts';

export type AliasTable<C extends string> = { readonly [K in C]: readonly string[] };

/** The canonical value alone (matched in any case): `employmentType`, `kind`, `reason`. */
function identity<C extends string>(values: readonly C[]): AliasTable<C> {
  return Object.fromEntries(values.map((v) => [v, [v]])) as unknown as AliasTable<C>;
}

/** `JPT_PRATAMA` → [`JPT_PRATAMA`, `JPT PRATAMA`]: "the canonical value with `_` or a space between words". */
function underscoreOrSpace(value: string): string[] {
  return value.includes('_') ? [value, value.replaceAll('_', ' ')] : [value];
}

const EDUCATION_LEVEL: AliasTable<EducationLevel> = {
  S3: ['S3', 'S-3', 'Doktor', 'Strata 3'],
  S2: ['S2', 'S-2', 'Magister', 'Strata 2'],
  S1: ['S1', 'S-1', 'Sarjana', 'Strata 1'],
  D4: ['D4', 'D-IV', 'DIV', 'Diploma IV'],
  D3: ['D3', 'D-III', 'DIII', 'Diploma III'],
  D2: ['D2', 'D-II', 'DII', 'Diploma II'],
  D1: ['D1', 'D-I', 'DI', 'Diploma I'],
  SMA: ['SMA', 'SMK', 'SMU', 'MA', 'SLTA'],
  SMP: ['SMP', 'SLTP', 'MTs'],
  SD: ['SD', 'MI'],
};

const LEADERSHIP_LEVEL: AliasTable<LeadershipLevel> = {
  PKN_I: ['PKN_I', 'PKN I', 'PKN Tingkat I', 'PKN Tk. I', 'Diklatpim I', 'PIM I'],
  PKN_II: ['PKN_II', 'PKN II', 'PKN Tingkat II', 'PKN Tk. II', 'Diklatpim II', 'PIM II'],
  PKA: ['PKA', 'Diklatpim III', 'PIM III'],
  PKP: ['PKP', 'Diklatpim IV', 'PIM IV'],
};

const PREDICATE = Object.fromEntries(
  PREDICATES.map((p) => [p, p === 'KURANG' ? [p, 'Kurang/Misconduct'] : underscoreOrSpace(p)]),
) as unknown as AliasTable<Predicate>;

const DISCIPLINE_LEVEL = Object.fromEntries(
  DISCIPLINE_LEVELS.map((l) => [l, [l, `Hukuman Disiplin ${l.charAt(0)}${l.slice(1).toLowerCase()}`]]),
) as unknown as AliasTable<DisciplineLevel>;

const FUNCTIONAL_PREFIX = 'FUNGSIONAL_';
/** Functional posts may be named by their level alone (`Ahli Muda` → FUNGSIONAL_AHLI_MUDA). */
const JOB_GROUP = Object.fromEntries(
  JOB_GROUPS.map((g) => [
    g,
    g.startsWith(FUNCTIONAL_PREFIX)
      ? [...underscoreOrSpace(g), g.slice(FUNCTIONAL_PREFIX.length).replaceAll('_', ' ')]
      : underscoreOrSpace(g),
  ]),
) as unknown as AliasTable<JobGroup>;

/** Every alias table, by the field(s) it serves. Exported for docs and tests. */
export const ALIASES = {
  /** `level` (education) and `requiredEducation`. */
  educationLevel: EDUCATION_LEVEL,
  leadershipLevel: LEADERSHIP_LEVEL,
  predicate: PREDICATE,
  /** discipline `level`. */
  disciplineLevel: DISCIPLINE_LEVEL,
  jobGroup: JOB_GROUP,
  employmentType: identity<EmploymentType>(EMPLOYMENT_TYPES),
  /** training `kind`. */
  trainingKind: identity<TrainingKind>(TRAINING_KINDS),
  /** separation `reason`. */
  separationReason: identity<SeparationReason>(SEPARATION_REASONS),
} as const;

/** The date spellings accepted for every date field; all mean a calendar date in Asia/Jakarta. */
export const DATE_FORMATS = ['YYYY-MM-DD', 'DD-MM-YYYY', 'DD/MM/YYYY'] as const;

const INNER_SPACES = /\s+/gu;

/** The matching key of a spelling: trimmed, inner whitespace runs collapsed to one space, upper case. */
export function aliasKey(spelling: string): string {
  return spelling.trim().replace(INNER_SPACES, ' ').toUpperCase();
}

/** A lookup from matching key to canonical value. Two canonical values sharing a key is a bug. */
export function aliasLookup<C extends string>(table: AliasTable<C>): ReadonlyMap<string, C> {
  const map = new Map<string, C>();
  for (const [canonical, spellings] of Object.entries(table) as [C, readonly string[]][]) {
    for (const spelling of spellings) {
      const key = aliasKey(spelling);
      const other = map.get(key);
      if (other !== undefined && other !== canonical) {
        throw new Error(`alias "${spelling}" maps to both ${other} and ${canonical}`);
      }
      map.set(key, canonical);
    }
  }
  return map;
}
