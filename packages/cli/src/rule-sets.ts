/**
 * The rule sets a command works with: the list in force (`--rule-sets-file`, else
 * IPASN_RULE_SETS_FILE, else the shipped list; docs/rules.md) and the part of it `--rules` names.
 * Every command that scores or reads scores goes through here, so `--rules` means the same
 * everywhere: `all`, one id, or a comma-separated list.
 */
import type { Command } from 'commander';
import { IpasnError } from '@ipasn/errors';
import type { AnyRuleSet, RuleSetList } from '@ipasn/rules';
import { ruleSetsInForce } from '@ipasn/rules/files';
import { UsageError } from './errors.js';
import { rulesArg } from './options.js';

export interface RuleSetFlags {
  rules?: string;
  ruleSetsFile?: string;
}

/** Adds `--rules` and `--rule-sets-file` to a command; `defaultHelp` says what no `--rules` means. */
export function ruleSetOptions(cmd: Command, defaultHelp: string): Command {
  return cmd
    .option('--rules <ids>', `"all", one rule-set id, or a comma-separated list (default: ${defaultHelp})`, rulesArg)
    .option('--rule-sets-file <file>', 'the rule-set list in force (default: IPASN_RULE_SETS_FILE, else the shipped list)');
}

/** The list in force; a bad list or rule-set file is a usage error (exit 2) naming the file. */
export function ruleSetList(flags: RuleSetFlags, envFile: string | undefined): RuleSetList {
  try {
    return ruleSetsInForce(flags.ruleSetsFile ?? envFile);
  } catch (err) {
    if (err instanceof IpasnError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

/**
 * The rule sets `--rules` names in the list in force; without `--rules`, `fallback`: `all` (the
 * whole list) or `baseline` (the list's baseline). An id outside the list is a usage error.
 */
export function selectRuleSets(list: RuleSetList, spec: string | undefined, fallback: 'all' | 'baseline'): AnyRuleSet[] {
  if (spec === undefined) return fallback === 'all' ? [...list.all] : [list.baseline];
  try {
    return list.select(spec);
  } catch (err) {
    if (err instanceof IpasnError) throw new UsageError(`--rules ${spec}: ${err.message}`, { cause: err });
    throw err;
  }
}
