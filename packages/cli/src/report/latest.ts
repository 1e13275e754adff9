/**
 * The current scores of one agency from `ipasn.scores.latest` (compacted: the latest score event per
 * `<NIP>:<ruleSet>`, possibly next to older ones compaction has not removed yet): the highest
 * `version` per key wins, whatever the order, so a re-emitted old score never hides a newer one.
 * An employee counts for the agency when their winning score is ACTIVE there; an employee who
 * moved away or was separated (REMOVED) does not. Aggregated with @ipasn/rules, exactly as the
 * projector and `ipasn score --by-agency` do.
 */
import type { DataGap, RuleSetId } from '@ipasn/contracts';
import { addContribution, emptyAgencySums, summarize, type AgencySummary } from '@ipasn/rules';
import type { ScoreEvent } from '@ipasn/serde';

export class LatestScores {
  /** Per `<NIP>:<ruleSet>`: the winning event when it belongs to the agency, else just its version. */
  readonly #byKey = new Map<string, ScoreEvent | number>();
  #read = 0;
  #undecodable = 0;

  constructor(
    readonly agencyCode: string,
    readonly rules: readonly RuleSetId[],
  ) {}

  get read(): number {
    return this.#read;
  }

  get undecodable(): number {
    return this.#undecodable;
  }

  skipUndecodable(): void {
    this.#read += 1;
    this.#undecodable += 1;
  }

  add(score: ScoreEvent): void {
    this.#read += 1;
    if (!(this.rules).includes(score.ruleSet)) return;
    const key = `${score.nip}:${score.ruleSet}`;
    const held = this.#byKey.get(key);
    const heldVersion = held === undefined ? -1 : typeof held === 'number' ? held : held.version;
    // Equal versions are the same score emitted again: keep the later message.
    if (score.version < heldVersion) return;
    this.#byKey.set(key, score.agencyCode === this.agencyCode && score.status === 'ACTIVE' ? score : score.version);
  }

  /** The agency's employees' current scores, sorted by NIP then rule set. */
  employees(): ScoreEvent[] {
    const out: ScoreEvent[] = [];
    for (const v of this.#byKey.values()) if (typeof v !== 'number') out.push(v);
    return out.sort((a, b) => (a.nip < b.nip ? -1 : a.nip > b.nip ? 1 : a.ruleSet < b.ruleSet ? -1 : a.ruleSet > b.ruleSet ? 1 : 0));
  }

  /** One summary per rule set asked for (sorted), empty ones included (headcount 0, null indexes). */
  summaries(): AgencySummary[] {
    const sums = new Map(this.rules.map((r) => [r, emptyAgencySums()]));
    for (const e of this.employees()) {
      const r = e.ruleSet;
      const s = sums.get(r);
      if (s === undefined) continue;
      sums.set(r, addContribution(s, e.employmentType, { total: e.total, category: e.category, dimensions: e.dimensions, dataGaps: e.dataGaps as DataGap[] }));
    }
    return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, s]) => summarize(this.agencyCode, r, s));
  }
}
