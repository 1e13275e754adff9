/**
 * National rollup and agency ranking, computed on read from the agency sums (never kept in a
 * cross-slot key). Pure.
 */
import { CATEGORIES, EMPLOYMENT_TYPES, type RuleSetId } from '@ipasn/contracts';
import { emptyAgencySums, summarize, type AgencySums, type AgencySummary } from '@ipasn/rules';

export interface AgencySumsRow {
  agencyCode: string;
  rules: RuleSetId;
  sums: AgencySums;
}

/** Adds `b` into a copy of `a`, field by field. */
export function addSums(a: AgencySums, b: AgencySums): AgencySums {
  const out = emptyAgencySums();
  for (const t of EMPLOYMENT_TYPES) {
    const [x, y, o] = [a[t], b[t], out[t]];
    o.headcount = x.headcount + y.headcount;
    o.totalQ = x.totalQ + y.totalQ;
    o.dimQ = {
      kualifikasi: x.dimQ.kualifikasi + y.dimQ.kualifikasi,
      kompetensi: x.dimQ.kompetensi + y.dimQ.kompetensi,
      kinerja: x.dimQ.kinerja + y.dimQ.kinerja,
      disiplin: x.dimQ.disiplin + y.dimQ.disiplin,
    };
    for (const c of CATEGORIES) o.categories[c] = x.categories[c] + y.categories[c];
    o.dataGaps = x.dataGaps + y.dataGaps;
  }
  return out;
}

export function headcountOf(sums: AgencySums): number {
  return sums.PNS.headcount + sums.PPPK.headcount;
}

/** The national figures: one summary over every agency's sums, plus how many agencies count. */
export interface NationalSummary extends Omit<AgencySummary, 'agencyCode'> {
  agencies: number;
  /** The exact sums the summary was computed from. */
  sums: AgencySums;
}

export const NATIONAL = 'NATIONAL';

export function nationalOf(rules: RuleSetId, rows: readonly AgencySumsRow[]): NationalSummary {
  let total = emptyAgencySums();
  let agencies = 0;
  for (const r of rows) {
    if (headcountOf(r.sums) === 0) continue;
    total = addSums(total, r.sums);
    agencies++;
  }
  const { agencyCode: _code, ...summary } = summarize(NATIONAL, rules, total);
  return { ...summary, agencies, sums: total };
}

export interface RankedAgency {
  /** 1-based; agencies with exactly the same mean share a rank (1, 2, 2, 4). */
  rank: number;
  summary: AgencySummary;
}

/**
 * Agencies with anybody in them, best ASN index first. Means are compared exactly (sum × count
 * cross-multiplied, not rounded), so two agencies share a rank only when their means are equal;
 * ties are listed by agency code.
 */
export function rankingOf(rules: RuleSetId, rows: readonly AgencySumsRow[]): RankedAgency[] {
  const scored = rows
    .map((r) => ({ code: r.agencyCode, sums: r.sums, n: BigInt(headcountOf(r.sums)), q: BigInt(r.sums.PNS.totalQ + r.sums.PPPK.totalQ) }))
    .filter((r) => r.n > 0n);
  // a.q/a.n vs b.q/b.n with positive counts: compare a.q·b.n with b.q·a.n.
  const cmpMean = (a: (typeof scored)[number], b: (typeof scored)[number]): number => {
    const l = b.q * a.n;
    const r = a.q * b.n;
    return l < r ? -1 : l > r ? 1 : 0;
  };
  scored.sort((a, b) => cmpMean(a, b) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const out: RankedAgency[] = [];
  scored.forEach((r, i) => {
    const prev = scored[i - 1];
    const rank = prev !== undefined && cmpMean(prev, r) === 0 ? out[i - 1]!.rank : i + 1;
    out.push({ rank, summary: summarize(r.code, rules, r.sums) });
  });
  return out;
}
