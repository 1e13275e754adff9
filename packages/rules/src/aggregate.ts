/**
 * Agency aggregates, exact. Sums are integers of quarter points, so adding and removing
 * contributions in any order gives the same sums, and means are rounded once, from those sums.
 * The projector keeps the same sums in Redis (a Lua mirror of add/removeContribution) and the
 * console reads them and calls `summarize`.
 */
import { CATEGORIES, type Category, type EmploymentType, type RuleSetId } from '@ipasn/contracts';
import type { Dimensions, Score } from './score.js';

export interface GroupSums {
  headcount: number;
  /** Sum of totals, in quarter points. */
  totalQ: number;
  /** Sums per dimension, in quarter points. */
  dimQ: { kualifikasi: number; kompetensi: number; kinerja: number; disiplin: number };
  /** Employees per category. */
  categories: Record<Category, number>;
  /** Employees with at least one data gap. */
  dataGaps: number;
}

export interface AgencySums {
  PNS: GroupSums;
  PPPK: GroupSums;
}

export interface AgencySummary {
  agencyCode: string;
  rules: RuleSetId;
  headcount: { PNS: number; PPPK: number; total: number };
  /** Mean totals rounded half up to 2 decimals; null for a group with nobody in it. */
  index: { PNS: number | null; PPPK: number | null; ASN: number | null };
  /** Means over PNS and PPPK together; 0 when there is nobody. */
  dimensions: Dimensions;
  categories: Record<Category, number>;
  dataGaps: number;
}

function emptyCategories(): Record<Category, number> {
  return { SANGAT_TINGGI: 0, TINGGI: 0, SEDANG: 0, RENDAH: 0, SANGAT_RENDAH: 0 };
}

export function emptyGroupSums(): GroupSums {
  return {
    headcount: 0,
    totalQ: 0,
    dimQ: { kualifikasi: 0, kompetensi: 0, kinerja: 0, disiplin: 0 },
    categories: emptyCategories(),
    dataGaps: 0,
  };
}

export function emptyAgencySums(): AgencySums {
  return { PNS: emptyGroupSums(), PPPK: emptyGroupSums() };
}

/** Points → quarter points, refusing anything that is not a multiple of 0.25 (a programmer error). */
export function quarterPoints(points: number): number {
  const q = points * 4;
  if (!Number.isSafeInteger(q)) throw new RangeError(`${points} is not a multiple of 0.25`);
  return q;
}

function shift(sums: AgencySums, type: EmploymentType, s: Score, sign: 1 | -1): AgencySums {
  const g = sums[type];
  const d = s.dimensions;
  const next: GroupSums = {
    headcount: g.headcount + sign,
    totalQ: g.totalQ + sign * quarterPoints(s.total),
    dimQ: {
      kualifikasi: g.dimQ.kualifikasi + sign * quarterPoints(d.kualifikasi),
      kompetensi: g.dimQ.kompetensi + sign * quarterPoints(d.kompetensi),
      kinerja: g.dimQ.kinerja + sign * quarterPoints(d.kinerja),
      disiplin: g.dimQ.disiplin + sign * quarterPoints(d.disiplin),
    },
    categories: { ...g.categories, [s.category]: g.categories[s.category] + sign },
    dataGaps: g.dataGaps + (s.dataGaps.length > 0 ? sign : 0),
  };
  return { ...sums, [type]: next };
}

/** Pure: returns new sums with one employee's score added (the input is not modified). */
export function addContribution(sums: AgencySums, employmentType: EmploymentType, score: Score): AgencySums {
  return shift(sums, employmentType, score, 1);
}

/**
 * Pure: returns new sums with a score taken out — the same score that was added earlier (a
 * re-score is remove(old) then add(new)). It does not check that the score was ever added.
 */
export function removeContribution(sums: AgencySums, employmentType: EmploymentType, score: Score): AgencySums {
  return shift(sums, employmentType, score, -1);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/**
 * numerator / denominator rounded half up (towards +∞ on a tie) to 2 decimals, in integer
 * arithmetic. Floating point gets ties wrong: (81.395).toFixed(2) is "81.39" and
 * Math.round(1.005 * 100) / 100 is 1, where this gives 81.4 and 1.01. The result is the double
 * nearest to the 2-decimal value, i.e. what JSON.parse of that decimal gives.
 */
export function roundHalfUp2(numerator: number | bigint, denominator: number | bigint): number {
  const n = toBigInt(numerator, 'numerator');
  const d = toBigInt(denominator, 'denominator');
  if (d <= 0n) throw new RangeError(`denominator must be positive, got ${d}`);
  const hundredths = floorDiv(200n * n + d, 2n * d);
  return Number(hundredths) / 100;
}

function toBigInt(v: number | bigint, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isSafeInteger(v)) throw new RangeError(`${what} must be a safe integer, got ${v}`);
  return BigInt(v);
}

/** The `--by-agency` / console shape from the raw sums of one agency and rule set. */
export function summarize(agencyCode: string, rules: RuleSetId, sums: AgencySums): AgencySummary {
  const { PNS: p, PPPK: k } = sums;
  const n = p.headcount + k.headcount;
  const mean = (sumQ: number, count: number): number | null => (count > 0 ? roundHalfUp2(sumQ, 4 * count) : null);
  const dim = (key: keyof GroupSums['dimQ']): number => mean(p.dimQ[key] + k.dimQ[key], n) ?? 0;
  const categories = emptyCategories();
  for (const c of CATEGORIES) categories[c] = p.categories[c] + k.categories[c];
  return {
    agencyCode,
    rules,
    headcount: { PNS: p.headcount, PPPK: k.headcount, total: n },
    index: { PNS: mean(p.totalQ, p.headcount), PPPK: mean(k.totalQ, k.headcount), ASN: mean(p.totalQ + k.totalQ, n) },
    dimensions: {
      kualifikasi: dim('kualifikasi'),
      kompetensi: dim('kompetensi'),
      kinerja: dim('kinerja'),
      disiplin: dim('disiplin'),
    },
    categories,
    dataGaps: p.dataGaps + k.dataGaps,
  };
}

export interface ScoredRow {
  agencyCode: string;
  employmentType: EmploymentType;
  rules: RuleSetId;
  score: Score;
}

/** One summary per (agency, rule set) present in `rows` (active employees), sorted by agency then rules. */
export function aggregateByAgency(rows: Iterable<ScoredRow>): AgencySummary[] {
  const groups = new Map<string, { agencyCode: string; rules: RuleSetId; sums: AgencySums }>();
  for (const r of rows) {
    const key = `${r.agencyCode}\u0000${r.rules}`;
    const g = groups.get(key) ?? { agencyCode: r.agencyCode, rules: r.rules, sums: emptyAgencySums() };
    g.sums = addContribution(g.sums, r.employmentType, r.score);
    groups.set(key, g);
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...groups.values()]
    .sort((a, b) => cmp(a.agencyCode, b.agencyCode) || cmp(a.rules, b.rules))
    .map((g) => summarize(g.agencyCode, g.rules, g.sums));
}
