/** /api/agencies: every agency, one agency (the `ipasn score --by-agency` line), its PNS/PPPK split. */
import type { RuleSetId } from '@ipasn/contracts';
import type { FastifyPluginCallback } from 'fastify';
import { isKnownAgency, listAgencies, primaryOf, readAgency, readAgencyGroups, type ViewDeps } from '../read-models/agencies.js';
import { ruleSetParam } from '../read-models/rule-sets.js';
import * as S from '../schemas.js';
import type { ApiDeps } from './deps.js';
import { ApiError, errorBody } from './errors.js';

type One = { Params: { code: string }; Querystring: { rules?: RuleSetId } };

/** The rule set asked for (one of the list in force, else 400), or the agency's primary one; 404 for an agency nobody knows. */
async function target(v: ViewDeps, code: string, rules: RuleSetId | undefined): Promise<RuleSetId> {
  if (!isKnownAgency(v, code, await v.store.agencies())) throw new ApiError('CONSOLE_NOT_FOUND', `unknown agency ${code}`);
  return rules === undefined ? primaryOf(v, code, v.asOf()) : ruleSetParam(v, rules);
}

export const agenciesApi: FastifyPluginCallback<ApiDeps> = (app, d, done) => {
  const tags = ['agencies'];
  const errors = { 400: errorBody, 404: errorBody };

  app.get('/agencies', { schema: { tags, summary: 'Every agency: primary rule set, index, category, headcount, freshness', response: { 200: S.agencyList } } }, () => listAgencies(d.views));

  app.get<One>(
    '/agencies/:code',
    {
      schema: {
        tags,
        summary: 'One agency: exactly the `ipasn score --by-agency` line, plus freshness',
        description: 'Without `rules`, the primary rule set of the agency on the evaluation date.',
        params: S.codeParams,
        querystring: S.rulesQuery,
        response: { 200: S.agencyDetail, ...errors },
      },
    },
    async (req) => readAgency(d.views, req.params.code, await target(d.views, req.params.code, req.query.rules)),
  );

  app.get<One>(
    '/agencies/:code/groups',
    {
      schema: {
        tags,
        summary: 'The PNS / PPPK split of one agency (the same shape per employment type)',
        params: S.codeParams,
        querystring: S.rulesQuery,
        response: { 200: S.groups, ...errors },
      },
    },
    async (req) => readAgencyGroups(d.views, req.params.code, await target(d.views, req.params.code, req.query.rules)),
  );
  done();
};
