/**
 * The one validation of a rule-set id (see `RuleSetId` in ./domain.ts). Every edge that takes an
 * id from outside (a rule-set file, the agency list, a CLI flag, a console query) checks it here.
 */
import { z } from 'zod';

/** The pattern of a rule-set id, as a string (JSON schemas and OpenAPI take it as is). */
export const RULE_SET_ID_PATTERN = '^[a-z0-9]+(?:[-.][a-z0-9]+)*$';

/** The `--rules` word that selects every rule set of the list: reserved, never an id. */
export const ALL_RULE_SETS = 'all';

export const RULE_SET_ID_MAX = 64;

export const RuleSetIdSchema = z
  .string()
  .max(RULE_SET_ID_MAX)
  .regex(new RegExp(RULE_SET_ID_PATTERN, 'u'), 'a rule-set id is lowercase letters and digits joined by "-" or "." (e.g. bkn-2023)')
  // `--rules all` selects every rule set of the list: a rule set called "all" would be unreachable.
  .refine((id) => id !== ALL_RULE_SETS, '"all" is reserved (--rules all)');

export function isRuleSetId(s: string): boolean {
  return RuleSetIdSchema.safeParse(s).success;
}
