/** /api/meta: what the web console needs to start (evaluation date, rule sets, reasons, agencies). */
import { REJECT_REASONS, RULE_SET_IDS } from '@ipasn/contracts';
import type { FastifyPluginCallback } from 'fastify';
import { agencyInfo } from '../read-models/agencies.js';
import type { ApiDeps } from './deps.js';

export const metaApi: FastifyPluginCallback<ApiDeps> = (app, d, done) => {
  app.get('/meta', { schema: { tags: ['meta'], summary: 'Evaluation date, rule sets, reject reasons, the agency list in force' } }, () => ({
    asOf: d.views.asOf(),
    ruleSets: RULE_SET_IDS,
    rejectReasons: REJECT_REASONS,
    agencies: d.views.agencies.all.map((a) => ({ ...agencyInfo(d.views, a.code), primary: a.primary })),
  }));
  done();
};
