/** /api/national: the national rollup and ranking per rule set (never mixed). */
import type { RuleSetId } from '@ipasn/contracts';
import type { FastifyPluginCallback } from 'fastify';
import { readNational } from '../read-models/agencies.js';
import { ruleSetParam } from '../read-models/rule-sets.js';
import * as S from '../schemas.js';
import type { ApiDeps } from './deps.js';
import { errorBody } from './errors.js';

export const nationalApi: FastifyPluginCallback<ApiDeps> = (app, d, done) => {
  app.get<{ Querystring: { rules?: RuleSetId } }>(
    '/national',
    {
      schema: {
        tags: ['national'],
        summary: 'National rollup and ranking per rule set (every rule set in force without `rules`; never mixed)',
        querystring: S.rulesQuery,
        response: { 200: S.national, 400: errorBody },
      },
    },
    (req) => readNational(d.views, req.query.rules ? [ruleSetParam(d.views, req.query.rules)] : d.views.ruleSets.ids),
  );
  done();
};
