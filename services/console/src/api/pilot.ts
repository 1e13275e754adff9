/** /api/pilot: the pilot agencies under two rule sets side by side (any two of the list, or the default pair per agency). */
import type { FastifyPluginCallback } from 'fastify';
import { readPilot } from '../read-models/agencies.js';
import { ruleSetParam } from '../read-models/rule-sets.js';
import * as S from '../schemas.js';
import type { ApiDeps } from './deps.js';
import { ApiError, errorBody } from './errors.js';

export const pilotApi: FastifyPluginCallback<ApiDeps> = (app, d, done) => {
  app.get<{ Querystring: { a?: string; b?: string } }>(
    '/pilot',
    {
      schema: {
        tags: ['pilot'],
        summary: 'The pilot agencies: two rule sets side by side, per-dimension differences',
        description: 'Without `a` and `b`: per agency, its primary against the baseline (the baseline against the next rule set in the list where the primary is the baseline). With both: `a` against `b` for every agency.',
        querystring: S.pilotQuery,
        response: { 200: S.pilot, 400: errorBody },
      },
    },
    (req) => {
      const { a, b } = req.query;
      if ((a === undefined) !== (b === undefined)) throw new ApiError('CONSOLE_BAD_REQUEST', 'name both rule sets to compare (a and b), or neither');
      return readPilot(d.views, a !== undefined && b !== undefined ? [ruleSetParam(d.views, a), ruleSetParam(d.views, b)] : undefined);
    },
  );
  done();
};
