/**
 * This scorer's share of `ipasn rescore` runs (the protocol is @ipasn/profiles'): each chunk of
 * stored employees is rescored under the requested rule sets of this scorer's list in force, in
 * place; the scorer that closes a run over every employee records the rule sets as computed.
 */
import { recordRescore, summarizeRescore, type RescoreRuns, type RuleSetStatus } from '@ipasn/profiles';
import type { RuleSetList } from '@ipasn/rules';
import type { Scorer } from './scorer.js';

export function workRescores(runs: RescoreRuns, scorer: Scorer, list: RuleSetList, status: RuleSetStatus): void {
  runs.work(
    async (chunk, job) => {
      // A rule set this scorer's list does not hold throws RULE_SET_UNKNOWN: the chunk fails and retries.
      const ruleSets = chunk.rules.map((id) => list.get(id));
      let rescored = 0;
      for (const [i, nip] of chunk.nips.entries()) {
        const only = chunk.agency === null ? { ruleSets } : { ruleSets, agency: chunk.agency };
        if (await scorer.handleTick(nip, 'RESCORE', only)) rescored++;
        if (i % 100 === 99) await job.updateProgress(Math.round(((i + 1) / chunk.nips.length) * 100));
      }
      return { seen: chunk.nips.length, rescored, versions: Object.fromEntries(ruleSets.map((rs) => [rs.id, rs.version])) };
    },
    async (results, data) => {
      const summary = summarizeRescore(results, data);
      await recordRescore(status, summary, data, list.versions);
      return summary;
    },
  );
}
