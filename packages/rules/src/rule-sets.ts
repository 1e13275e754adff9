/**
 * The rule sets shipped with the package. Each id has one data file; a new version of a formula is
 * a new revision of its file (bump `version`), so a scorer sees id+version change and re-scores.
 */
import type { RuleSetId } from '@ipasn/contracts';
import { parseRuleSet, type RuleSet } from './rule-set.js';
import perban from './data/perban-8-2019.json' with { type: 'json' };
import reformulasi from './data/reformulasi-2024.json' with { type: 'json' };

function load(id: RuleSetId, json: unknown): RuleSet {
  const rs = parseRuleSet(json);
  if (rs.id !== id) throw new Error(`the rule-set file for ${id} declares id ${rs.id}`);
  return rs;
}

export const RULE_SETS: Readonly<Record<RuleSetId, RuleSet>> = Object.freeze({
  'perban-8-2019': load('perban-8-2019', perban),
  'reformulasi-2024': load('reformulasi-2024', reformulasi),
});

export function getRuleSet(id: RuleSetId): RuleSet {
  const rs = (RULE_SETS as Partial<Record<string, RuleSet>>)[id];
  if (rs === undefined) throw new RangeError(`unknown rule set ${JSON.stringify(id)}`);
  return rs;
}
