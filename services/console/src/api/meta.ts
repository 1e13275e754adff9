/** /api/meta: what the web console needs to start (evaluation date, rule sets, reasons, agencies); /api/rule-sets. */
import { REJECT_REASONS } from '@ipasn/contracts';
import type { FastifyPluginCallback } from 'fastify';
import { agencyInfo } from '../read-models/agencies.js';
import { readRuleSets } from '../read-models/rule-sets.js';
import * as S from '../schemas.js';
import type { ApiDeps } from './deps.js';

export const metaApi: FastifyPluginCallback<ApiDeps> = (app, d, done) => {
  app.get('/meta', { schema: { tags: ['meta'], summary: 'Evaluation date, rule sets in force, reject reasons, the agency list in force' } }, async () => {
    const { baseline, ruleSets } = await readRuleSets(d.views);
    return {
      asOf: d.views.asOf(),
      baseline,
      ruleSets,
      rejectReasons: REJECT_REASONS,
      agencies: d.views.agencies.all.map((a) => ({ ...agencyInfo(d.views, a.code), primary: a.primary })),
    };
  });
  app.get(
    '/rule-sets',
    { schema: { tags: ['meta'], summary: 'The rule sets in force, the baseline, and which are still being computed (until `ipasn rescore` completes)', response: { 200: S.ruleSetList } } },
    () => readRuleSets(d.views),
  );
  done();
};
