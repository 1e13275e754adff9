/**
 * When does a score change by time alone? Between two consecutive "event dates" every input of
 * the score is constant, so the first date after asOf on which it differs is among them. The
 * candidate set below is a superset of those dates; scoring each in order finds the exact one.
 */
import type { IsoDate } from '@ipasn/contracts';
import { firstOfJanuary, windowExit } from './dates.js';
import { penaltyEnd, recordsByKind } from './dimensions.js';
import type { Profile } from './profile.js';
import type { AnyRuleSet } from './rule-set.js';
import { sameScore, score } from './score.js';

/**
 * Every date on which some input of `score` can change:
 * - a dated record takes effect on its date (education, training, discipline);
 * - a training leaves an N-month window on `windowExit(date, N)`, for every window in the rule set;
 * - a running penalty stops on `endsOn` (or imposedOn + the default period);
 * - an appraisal of year Y is eligible from Jan 1 of Y to Jan 1 of Y + yearsBack + 1, and a newer
 *   year can displace an older one on Jan 1 of Y. Kinerja and the kompetensi `performance`
 *   component read the same appraisal, so these dates cover both: on such a day two dimensions can
 *   change at once (and cancel in the total, which still counts as a change: see sameScore).
 */
export function changeCandidates(profile: Profile, ruleSet: AnyRuleSet): IsoDate[] {
  const out = new Set<IsoDate>();
  const windows = new Set<number>();
  for (const col of ruleSet.kompetensi.columns) {
    for (const c of col.components) {
      switch (c.type) {
        case 'count':
        case 'hours':
          if (c.windowMonths !== null) windows.add(c.windowMonths);
          break;
        // Leadership training counts forever; the performance base moves with the appraisal dates below.
        case 'leadership':
        case 'performance':
          break;
      }
    }
  }
  const recs = recordsByKind(profile);
  for (const e of recs.edu) out.add(e.on);
  for (const t of recs.trn) {
    out.add(t.on);
    for (const n of windows) out.add(windowExit(t.on, n));
  }
  const dp = ruleSet.disiplin;
  for (const d of recs.dis) {
    out.add(d.on);
    switch (dp.method) {
      case 'worst-ever':
        break;
      case 'while-running':
        out.add(penaltyEnd(d, dp.defaultPeriodMonths));
        break;
    }
  }
  for (const a of recs.apr) {
    for (const y of [a.year, a.year + 1, a.year + ruleSet.kinerja.yearsBack + 1]) {
      if (Number.isSafeInteger(y) && y >= 1 && y <= 9999) out.add(firstOfJanuary(y));
    }
  }
  return [...out].sort();
}

/** The first date strictly after `asOf` on which `score` differs from its value on `asOf`, or null. */
export function nextChange(profile: Profile, asOf: IsoDate, ruleSet: AnyRuleSet): IsoDate | null {
  // score validates asOf (it throws on a malformed date) before any string comparison below.
  const now = score(profile, asOf, ruleSet);
  for (const t of changeCandidates(profile, ruleSet)) {
    if (t <= asOf) continue;
    if (!sameScore(score(profile, t, ruleSet), now)) return t;
  }
  return null;
}
