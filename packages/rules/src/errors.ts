/**
 * Errors of the rule-set catalogue. A bad rule-set file or list is an operator's configuration
 * mistake, never transient: none of these is retriable. Scoring itself never throws them.
 */
import { IpasnError } from '@ipasn/errors';

/** A rule-set file cannot be read, is not JSON, or breaks the rule-set schema. */
export class RuleSetFileError extends IpasnError {
  override name = 'RuleSetFileError';

  constructor(
    readonly path: string,
    message: string,
    cause: unknown,
  ) {
    super('RULE_SET_FILE_INVALID', `rule-set file ${path}: ${message}`, { cause });
  }
}

/** A list of rule sets in force is empty, repeats an id, or names a baseline it does not hold. */
export class RuleSetListError extends IpasnError {
  override name = 'RuleSetListError';

  constructor(message: string) {
    super('RULE_SET_LIST_INVALID', message);
  }
}

/** An id (from a command line, a URL, a stored record) names no rule set of the list. */
export class UnknownRuleSetError extends IpasnError {
  override name = 'UnknownRuleSetError';

  constructor(
    readonly ruleSetId: string,
    known: readonly string[],
  ) {
    super('RULE_SET_UNKNOWN', `unknown rule set ${JSON.stringify(ruleSetId)} (known: ${known.join(', ')})`);
  }
}
