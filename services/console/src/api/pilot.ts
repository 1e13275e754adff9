/** /api/pilot: the pilot agencies under both rule sets, side by side. */
import type { FastifyPluginCallback } from 'fastify';
import { readPilot } from '../read-models/agencies.js';
import * as S from '../schemas.js';
import type { ApiDeps } from './deps.js';

export const pilotApi: FastifyPluginCallback<ApiDeps> = (app, d, done) => {
  app.get('/pilot', { schema: { tags: ['pilot'], summary: 'The pilot agencies: primary vs shadow rule set, per-dimension differences', response: { 200: S.pilot } } }, () => readPilot(d.views));
  done();
};
