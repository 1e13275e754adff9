/**
 * An employee's IP ASN as of a date under one rule set. Pure: the date is a parameter.
 */
import type { Category, DataGap, IsoDate } from '@ipasn/contracts';
import { disiplinQ, kinerjaQ, kompetensiQ, kualifikasiQ, recordsByKind, toQ } from './dimensions.js';
import type { Profile } from './profile.js';
import type { AnyRuleSet } from './rule-set.js';

export interface Dimensions {
  kualifikasi: number;
  kompetensi: number;
  kinerja: number;
  disiplin: number;
}

export interface Score {
  /** Exactly the sum of the dimensions (all are multiples of 0.25). */
  total: number;
  category: Category;
  dimensions: Dimensions;
  /** Sorted, without repeats. */
  dataGaps: DataGap[];
}

/** The category of a total (an employee's, or an agency's rounded index). */
export function categoryOf(total: number, ruleSet: AnyRuleSet): Category {
  const { thresholds, below } = ruleSet.categories;
  return thresholds.find((t) => total >= t.min)?.category ?? below;
}

/**
 * Scores whatever the profile holds: callers decide whether it is scorable (`isScorable`). A
 * profile that was never upserted has no job group and gets 0 for kompetensi.
 */
export function score(profile: Profile, asOf: IsoDate, ruleSet: AnyRuleSet): Score {
  const recs = recordsByKind(profile);
  const parts = {
    kualifikasi: kualifikasiQ(profile, recs.edu, asOf, ruleSet),
    kompetensi: kompetensiQ(profile, recs, asOf, ruleSet),
    kinerja: kinerjaQ(recs.apr, asOf, ruleSet),
    disiplin: disiplinQ(recs.dis, asOf, ruleSet),
  };
  const cap = (q: number, max: number): number => Math.max(0, Math.min(q, toQ(max)));
  const q = {
    kualifikasi: cap(parts.kualifikasi.q, ruleSet.kualifikasi.max),
    kompetensi: cap(parts.kompetensi.q, ruleSet.kompetensi.max),
    kinerja: cap(parts.kinerja.q, ruleSet.kinerja.max),
    disiplin: cap(parts.disiplin.q, ruleSet.disiplin.max),
  };
  // Quarter points divided by 4 are exact binary fractions, and so is their sum up to 100.
  const total = (q.kualifikasi + q.kompetensi + q.kinerja + q.disiplin) / 4;
  const gaps = new Set<DataGap>([
    ...parts.kualifikasi.gaps,
    ...parts.kompetensi.gaps,
    ...parts.kinerja.gaps,
    ...parts.disiplin.gaps,
  ]);
  return {
    total,
    category: categoryOf(total, ruleSet),
    dimensions: {
      kualifikasi: q.kualifikasi / 4,
      kompetensi: q.kompetensi / 4,
      kinerja: q.kinerja / 4,
      disiplin: q.disiplin / 4,
    },
    dataGaps: [...gaps].sort(),
  };
}

export function sameScore(a: Score, b: Score): boolean {
  return (
    a.total === b.total &&
    a.category === b.category &&
    a.dimensions.kualifikasi === b.dimensions.kualifikasi &&
    a.dimensions.kompetensi === b.dimensions.kompetensi &&
    a.dimensions.kinerja === b.dimensions.kinerja &&
    a.dimensions.disiplin === b.dimensions.disiplin &&
    a.dataGaps.length === b.dataGaps.length &&
    a.dataGaps.every((g, i) => g === b.dataGaps[i])
  );
}
