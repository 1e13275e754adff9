/**
 * The rule sets in force as the console shows them: every rule set of the list (none is named in
 * code), its baseline, and whether it is still being computed for the stored employees (a rule set
 * or a version the scorers noticed, until `ipasn rescore --rules <id>` completes;
 * @ipasn/profiles' RuleSetStatus).
 */
import type { RuleSetId } from '@ipasn/contracts';
import type { Computing, RuleSetStatusView } from '@ipasn/profiles';
import type { ViewDeps } from './agencies.js';
import { ApiError } from '../api/errors.js';

export interface RuleSetInfo {
  id: RuleSetId;
  version: string;
  title: string;
  status: string;
  baseline: boolean;
  /** Null when every stored employee is scored under this version; else since when, and why. */
  computing: { version: string; reason: Computing['reason']; since: string | null } | null;
}

export interface RuleSetStatusReader {
  read(): Promise<RuleSetStatusView>;
}

export async function readRuleSets(d: ViewDeps): Promise<{ baseline: RuleSetId; ruleSets: RuleSetInfo[] }> {
  const { computing } = await d.ruleSetStatus.read();
  return {
    baseline: d.ruleSets.baseline.id,
    ruleSets: d.ruleSets.all.map((rs) => {
      const c = computing[rs.id];
      return {
        id: rs.id,
        version: rs.version,
        title: rs.title,
        status: rs.status,
        baseline: rs === d.ruleSets.baseline,
        computing: c === undefined ? null : { version: c.version, reason: c.reason, since: c.since === '' ? null : c.since },
      };
    }),
  };
}

/** A rule-set id from a request: one of the list in force, else 400 naming the list. */
export function ruleSetParam(d: ViewDeps, id: string): RuleSetId {
  if (!d.ruleSets.has(id)) throw new ApiError('CONSOLE_BAD_REQUEST', `unknown rule set ${id} (in force: ${d.ruleSets.ids.join(', ')})`);
  return id;
}
