/**
 * This scorer's share of `ipasn rescore` runs (the protocol is @ipasn/profiles'): each chunk of
 * stored employees is rescored under the requested rule sets, in place.
 */
import { summarizeRescore, type RescoreRuns } from '@ipasn/profiles';
import { getRuleSet } from '@ipasn/rules';
import type { Scorer } from './scorer.js';

export function workRescores(runs: RescoreRuns, scorer: Scorer): void {
  runs.work(async (chunk, job) => {
    const ruleSets = chunk.rules.map((id) => getRuleSet(id));
    let rescored = 0;
    for (const [i, nip] of chunk.nips.entries()) {
      const only = chunk.agency === null ? { ruleSets } : { ruleSets, agency: chunk.agency };
      if (await scorer.handleTick(nip, 'RESCORE', only)) rescored++;
      if (i % 100 === 99) await job.updateProgress(Math.round(((i + 1) / chunk.nips.length) * 100));
    }
    return { seen: chunk.nips.length, rescored };
  }, summarizeRescore);
}
