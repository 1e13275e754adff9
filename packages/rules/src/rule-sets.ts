/**
 * The rule sets shipped with the package: one data file each (`src/data/<id>.json`), in the order
 * of ipasn-rules.md, with `perban-8-2019` as the baseline. A new version of a formula is a new
 * revision of its file (bump `version`), so a scorer sees id+version change and re-scores; a new
 * rule set is a new file here and a line below — or, without a release, an operator's file loaded
 * with `loadRuleSetFile` (`@ipasn/rules/files`).
 */
import bkn2023 from './data/bkn-2023.json' with { type: 'json' };
import perban from './data/perban-8-2019.json' with { type: 'json' };
import reformulasi from './data/reformulasi-2024.json' with { type: 'json' };
import { RuleSetList } from './rule-set-list.js';
import { parseRuleSet, type AnyRuleSet } from './rule-set.js';

/** The shipped files under `data/` (next to this module, in src and dist alike), in list order. */
export const SHIPPED_RULE_SET_FILE_NAMES: readonly string[] = Object.freeze(['perban-8-2019.json', 'reformulasi-2024.json', 'bkn-2023.json']);

export const SHIPPED_BASELINE = 'perban-8-2019';

/** The shipped list in force: the three shipped rule sets, baseline `perban-8-2019`. */
export const SHIPPED_RULE_SETS: RuleSetList = new RuleSetList([perban, reformulasi, bkn2023].map((json) => parseRuleSet(json)), SHIPPED_BASELINE);

/** A shipped rule set by id; throws UnknownRuleSetError (RULE_SET_UNKNOWN) for any other id. */
export function getRuleSet(id: string): AnyRuleSet {
  return SHIPPED_RULE_SETS.get(id);
}
