/**
 * /api/history and /api/agencies/:code/history: index and headcount over time per rule set (24 h
 * per minute, 7 days per hour, a year per day), and the last 7 days of freshness and reject rate.
 */
import { RULE_SET_ID_MAX, RULE_SET_ID_PATTERN } from '@ipasn/contracts';
import type { FastifyPluginCallback } from 'fastify';
import { isKnownAgency, primaryOf } from '../read-models/agencies.js';
import { agencyHistory, HISTORY_RANGE_NAMES, nationalHistory, type HistoryRange } from '../read-models/history.js';
import { ruleSetParam } from '../read-models/rule-sets.js';
import type { ApiDeps } from './deps.js';
import { ApiError, errorBody } from './errors.js';

const nullableNumber = { type: ['number', 'null'] };
const point = {
  type: 'object',
  properties: { t: { type: 'integer', description: 'Bucket start, epoch ms' }, headcount: { type: 'integer' }, index: nullableNumber },
  required: ['t', 'headcount', 'index'],
  additionalProperties: false,
};
const hour = {
  type: 'object',
  properties: {
    t: { type: 'integer', description: 'Start of the hour, epoch ms' },
    accepted: { type: 'integer' },
    rejected: { type: 'integer' },
    rejectRate: nullableNumber,
    ageSeconds: { ...nullableNumber, description: 'Age of the newest accepted event at the end of the hour (nationally: of the stalest agency)' },
  },
  required: ['t', 'accepted', 'rejected', 'rejectRate', 'ageSeconds'],
  additionalProperties: false,
};
const historyBody = {
  type: 'object',
  properties: {
    agency: { type: ['string', 'null'] },
    rules: { type: 'string' },
    range: { type: 'string', enum: HISTORY_RANGE_NAMES },
    resolution: { type: 'string' },
    stepMs: { type: 'integer' },
    points: { type: 'array', items: point },
    freshness: { type: 'array', items: hour },
  },
  required: ['agency', 'rules', 'range', 'resolution', 'stepMs', 'points', 'freshness'],
  additionalProperties: false,
};
const query = {
  type: 'object',
  properties: { rules: { type: 'string', pattern: RULE_SET_ID_PATTERN, maxLength: RULE_SET_ID_MAX }, range: { type: 'string', enum: HISTORY_RANGE_NAMES, default: '7d' } },
  additionalProperties: false,
};
type Query = { rules?: string; range: HistoryRange };

export const historyApi: FastifyPluginCallback<ApiDeps> = (app, d, done) => {
  const tags = ['history'];
  const deps = { views: d.views, redis: d.redis, redisPrefix: d.redisPrefix };

  app.get<{ Querystring: Query }>(
    '/history',
    { schema: { tags, summary: 'National index and headcount over time (the sum of every agency), and 7 days of freshness and reject rate', querystring: query, response: { 200: historyBody, 400: errorBody } } },
    (req) => nationalHistory(deps, req.query.rules === undefined ? d.views.ruleSets.baseline.id : ruleSetParam(d.views, req.query.rules), req.query.range),
  );

  app.get<{ Params: { code: string }; Querystring: Query }>(
    '/agencies/:code/history',
    {
      schema: {
        tags,
        summary: "One agency's index and headcount over time, and 7 days of freshness and reject rate",
        description: 'Without `rules`, the primary rule set of the agency on the evaluation date.',
        params: { type: 'object', properties: { code: { type: 'string', pattern: '^[0-9A-Z]{4}$' } }, required: ['code'] },
        querystring: query,
        response: { 200: historyBody, 400: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const { code } = req.params;
      if (!isKnownAgency(d.views, code, await d.views.store.agencies())) throw new ApiError('CONSOLE_NOT_FOUND', `unknown agency ${code}`);
      return agencyHistory(deps, code, req.query.rules === undefined ? primaryOf(d.views, code, d.views.asOf()) : ruleSetParam(d.views, req.query.rules), req.query.range);
    },
  );
  done();
};
