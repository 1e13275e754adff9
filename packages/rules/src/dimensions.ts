/**
 * The four dimensions, each in integer quarter points (0.25 = 1) so that sums are exact.
 * Each takes the records in effect and reads its numbers from the rule set; the `method` of a
 * section picks the strategy.
 */
import type { DataGap, EducationLevel, IsoDate, JobGroup, Predicate } from '@ipasn/contracts';
import { addMonths, yearOf } from './dates.js';
import type { AppraisalRec, DisciplineRec, EducationRec, Profile, ProfileRecord, TrainingRec } from './profile.js';
import type { AnyRuleSet, KompetensiComponent } from './rule-set.js';

export interface DimensionResult {
  q: number;
  gaps: DataGap[];
}

/** Rule-set points → quarter points; the schema guarantees multiples of 0.25. */
export function toQ(points: number): number {
  return Math.round(points * 4);
}

export interface RecordsByKind {
  edu: EducationRec[];
  trn: TrainingRec[];
  apr: AppraisalRec[];
  dis: DisciplineRec[];
}

export function recordsByKind(profile: Profile): RecordsByKind {
  const out: RecordsByKind = { edu: [], trn: [], apr: [], dis: [] };
  for (const r of Object.values<ProfileRecord>(profile.records)) {
    switch (r.t) {
      case 'edu':
        out.edu.push(r);
        break;
      case 'trn':
        out.trn.push(r);
        break;
      case 'apr':
        out.apr.push(r);
        break;
      case 'dis':
        out.dis.push(r);
        break;
    }
  }
  return out;
}

function rankIn(levelOrder: readonly (readonly EducationLevel[])[], level: EducationLevel): number {
  return levelOrder.findIndex((rank) => rank.includes(level));
}

/** Points of the highest rank held; within a rank (D4 = S1) the better entry of the table. */
function highestLevelQ(
  levels: readonly EducationLevel[],
  levelOrder: readonly (readonly EducationLevel[])[],
  table: Readonly<Record<EducationLevel, number>>,
): number {
  const top = Math.max(...levels.map((l) => rankIn(levelOrder, l)));
  return Math.max(...levels.filter((l) => rankIn(levelOrder, l) === top).map((l) => toQ(table[l])));
}

export function kualifikasiQ(profile: Profile, edu: readonly EducationRec[], asOf: IsoDate, rs: AnyRuleSet): DimensionResult {
  const k = rs.kualifikasi;
  const held = edu.filter((e) => e.on <= asOf).map((e) => e.level);
  const requiredUnknown = k.method === 'meets-required' && profile.requiredEducation === undefined;
  const gaps: DataGap[] = requiredUnknown ? ['REQUIRED_EDUCATION_MISSING'] : [];
  if (held.length === 0) return { q: 0, gaps: ['EDUCATION_MISSING', ...gaps] };
  switch (k.method) {
    case 'highest-level':
      return { q: highestLevelQ(held, k.levelOrder, k.points), gaps };
    case 'meets-required': {
      if (profile.requiredEducation === undefined) {
        return { q: highestLevelQ(held, k.levelOrder, k.whenRequiredUnknown), gaps };
      }
      const top = Math.max(...held.map((l) => rankIn(k.levelOrder, l)));
      const below = Math.max(0, rankIn(k.levelOrder, profile.requiredEducation) - top);
      const table = k.pointsByLevelsBelow;
      return { q: toQ(table[Math.min(below, table.length - 1)] ?? 0), gaps };
    }
  }
}

/** What a kompetensi component reads besides its own numbers. */
interface ComponentInputs {
  jobGroup: JobGroup;
  trn: readonly TrainingRec[];
  /** The predicate of the appraisal Kinerja uses on asOf; undefined when there is none. */
  predicate: Predicate | undefined;
  asOf: IsoDate;
}

function componentQ(c: KompetensiComponent, { jobGroup, trn, predicate, asOf }: ComponentInputs, rs: AnyRuleSet): number {
  // Records dated after asOf never count; a window is the half-open (asOf − N months, asOf].
  switch (c.type) {
    case 'leadership': {
      const { order, higherCounts, required } = rs.kompetensi.leadership;
      const need = required[jobGroup];
      if (need === undefined) return 0;
      const needRank = order.indexOf(need);
      const matches = trn.some(
        (t) =>
          t.kind === 'LEADERSHIP' &&
          t.lead !== undefined &&
          t.on <= asOf &&
          (higherCounts ? order.indexOf(t.lead) >= needRank : t.lead === need),
      );
      return matches ? toQ(c.points) : 0;
    }
    case 'count': {
      const start = c.windowMonths === null ? '' : addMonths(asOf, -c.windowMonths);
      const n = trn.filter((t) => c.kinds.includes(t.kind) && t.on > start && t.on <= asOf).length;
      return n >= c.min ? toQ(c.points) : 0;
    }
    case 'performance':
      // No eligible appraisal scores 0; Kinerja already names the APPRAISAL_MISSING gap.
      return predicate === undefined ? 0 : toQ(c.points[predicate]);
    case 'hours': {
      const start = addMonths(asOf, -c.windowMonths);
      let jp = 0;
      for (const t of trn) if (c.kinds.includes(t.kind) && t.on > start && t.on <= asOf) jp += t.jp;
      switch (c.method) {
        case 'threshold':
          return jp >= c.jp ? toQ(c.points) : 0;
        case 'pro-rata':
          // Rounded down to a whole quarter point: never more than the hours earned.
          return Math.floor((toQ(c.points) * Math.min(jp, c.jp)) / c.jp);
      }
    }
  }
}

export function kompetensiQ(profile: Profile, recs: RecordsByKind, asOf: IsoDate, rs: AnyRuleSet): DimensionResult {
  const jobGroup = profile.jobGroup;
  // Never upserted: the column is unknown, so nothing can be credited (such a profile is not scorable).
  if (jobGroup === undefined) return { q: 0, gaps: [] };
  const column = rs.kompetensi.columns.find((c) => c.jobGroups.includes(jobGroup));
  if (column === undefined) return { q: 0, gaps: [] };
  const inputs: ComponentInputs = { jobGroup, trn: recs.trn, predicate: appraisalPredicate(recs.apr, asOf, rs), asOf };
  let q = 0;
  for (const c of column.components) q += componentQ(c, inputs, rs);
  return { q: Math.min(q, toQ(rs.kompetensi.max)), gaps: [] };
}

function predicateOf(a: AppraisalRec, rs: AnyRuleSet): Predicate | undefined {
  if (a.pred !== undefined) return a.pred;
  const s = a.score;
  if (s === undefined) return undefined;
  return rs.kinerja.scoreThresholds.find((t) => s >= t.min)?.predicate ?? rs.kinerja.scoreBelow;
}

/**
 * The predicate of the appraisal Kinerja uses on asOf: years asOf.year − yearsBack … asOf.year are
 * eligible, the highest year wins, within a year the one later in event order. Kinerja and the
 * `performance` component both read this one answer, so they can never disagree on the appraisal.
 */
export function appraisalPredicate(apr: readonly AppraisalRec[], asOf: IsoDate, rs: AnyRuleSet): Predicate | undefined {
  const year = yearOf(asOf);
  let best: { a: AppraisalRec; p: Predicate } | undefined;
  for (const a of apr) {
    if (a.year > year || a.year < year - rs.kinerja.yearsBack) continue;
    const p = predicateOf(a, rs);
    if (p === undefined) continue;
    if (best === undefined || a.year > best.a.year || (a.year === best.a.year && a.seq > best.a.seq)) best = { a, p };
  }
  return best?.p;
}

export function kinerjaQ(apr: readonly AppraisalRec[], asOf: IsoDate, rs: AnyRuleSet): DimensionResult {
  const p = appraisalPredicate(apr, asOf, rs);
  if (p === undefined) return { q: 0, gaps: ['APPRAISAL_MISSING'] };
  return { q: toQ(rs.kinerja.points[p]), gaps: [] };
}

/** The first day a penalty no longer counts under `while-running`. */
export function penaltyEnd(d: DisciplineRec, defaultPeriodMonths: number): IsoDate {
  return d.ends ?? addMonths(d.on, defaultPeriodMonths);
}

export function disiplinQ(dis: readonly DisciplineRec[], asOf: IsoDate, rs: AnyRuleSet): DimensionResult {
  const dp = rs.disiplin;
  let q = toQ(dp.none);
  for (const d of dis) {
    if (d.on > asOf) continue;
    switch (dp.method) {
      case 'worst-ever':
        break;
      case 'while-running':
        if (asOf >= penaltyEnd(d, dp.defaultPeriodMonths)) continue;
        break;
    }
    // The worst is the one that leaves the fewest points, whatever the table says about levels.
    q = Math.min(q, toQ(dp.points[d.level]));
  }
  return { q, gaps: [] };
}
