/**
 * The rule sets in force: a list of rule-set documents, one of them the baseline
 * (ipasn-rules.md, "Rule sets are data, and there can be any number of them"). Every employee is
 * scored under every rule set of the list; the baseline is the fallback primary and the default
 * side of the pilot comparison. Pure: reading files is `@ipasn/rules/files`.
 */
import { ALL_RULE_SETS, type Agencies } from '@ipasn/contracts';
import { RuleSetListError, UnknownRuleSetError } from './errors.js';
import type { AnyRuleSet } from './rule-set.js';


export class RuleSetList {
  readonly all: readonly AnyRuleSet[];
  readonly baseline: AnyRuleSet;
  readonly #byId: ReadonlyMap<string, AnyRuleSet>;

  /** `baselineId` defaults to the first rule set of the list. */
  constructor(ruleSets: readonly AnyRuleSet[], baselineId?: string) {
    const first = ruleSets[0];
    if (first === undefined) throw new RuleSetListError('the list of rule sets in force is empty');
    const byId = new Map<string, AnyRuleSet>();
    for (const rs of ruleSets) {
      // Two files with one id would make scores and aggregates ambiguous: refuse, whatever the versions.
      if (byId.has(rs.id)) throw new RuleSetListError(`rule set ${rs.id} is in the list more than once`);
      byId.set(rs.id, rs);
    }
    const baseline = byId.get(baselineId ?? first.id);
    if (baseline === undefined) {
      throw new RuleSetListError(`the baseline ${JSON.stringify(baselineId)} is not in the list (${[...byId.keys()].join(', ')})`);
    }
    this.all = Object.freeze([...ruleSets]);
    this.baseline = baseline;
    this.#byId = byId;
  }

  get ids(): string[] {
    return this.all.map((rs) => rs.id);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  get(id: string): AnyRuleSet {
    const rs = this.#byId.get(id);
    if (rs === undefined) throw new UnknownRuleSetError(id, this.ids);
    return rs;
  }

  /**
   * The rule sets a `--rules` value names: `all` (the whole list, in list order), one id, or a
   * comma-separated list of ids (in the order given, repeats dropped; spaces around ids allowed).
   */
  select(spec: string): AnyRuleSet[] {
    const words = spec.split(',').map((w) => w.trim());
    if (words.length === 1 && words[0] === ALL_RULE_SETS) return [...this.all];
    const out: AnyRuleSet[] = [];
    for (const w of words) {
      if (w === ALL_RULE_SETS) throw new UnknownRuleSetError(spec, [ALL_RULE_SETS, ...this.ids]);
      const rs = this.get(w);
      if (!out.includes(rs)) out.push(rs);
    }
    return out;
  }

  /** The ids named by a `--rules` value (see `select`). */
  selectIds(spec: string): string[] {
    return this.select(spec).map((rs) => rs.id);
  }

  /** id → version of every rule set of the list: what a scorer compares with what it has scored. */
  get versions(): Record<string, string> {
    return Object.fromEntries(this.all.map((rs) => [rs.id, rs.version]));
  }

  /**
   * The pair the pilot view compares by default (ipasn-rules.md, "Which rule set applies"): the
   * agency's primary against the baseline; where the primary is the baseline (or not in the list),
   * the baseline against the next rule set in the list. A list of one compares it with itself.
   */
  defaultPair(primary: string): [string, string] {
    const base = this.baseline.id;
    if (primary !== base && this.has(primary)) return [primary, base];
    const i = this.all.indexOf(this.baseline);
    const next = this.all[(i + 1) % this.all.length] ?? this.baseline;
    return [base, next.id];
  }

  /** Throws a RuleSetListError when an agency's primary rule set is not in this list. */
  checkPrimaries(agencies: Agencies): void {
    const missing = agencies.all.filter((a) => !this.has(a.primary.ruleSet));
    if (missing.length > 0) {
      const named = missing.map((a) => `${a.code} → ${a.primary.ruleSet}`).join(', ');
      throw new RuleSetListError(`the agency list names primary rule sets that are not in the list in force (${this.ids.join(', ')}): ${named}`);
    }
  }
}
