/** /api/held: events the scorer holds for a change of owner, per sending agency (any signed-in role). */
import type { FastifyPluginCallback } from 'fastify';
import { heldIndexKey, heldPerAgency } from '@ipasn/profiles';
import { heldView } from '../read-models/held.js';
import * as S from '../schemas.js';
import type { ApiDeps } from './deps.js';

export const heldApi: FastifyPluginCallback<ApiDeps> = (app, d, done) => {
  app.get(
    '/held',
    {
      schema: {
        tags: ['held'],
        summary: 'Per sending agency: events held while a transfer is on its way (they apply when it arrives, or are NOT_OWNER when the hold ends)',
        response: { 200: S.held },
      },
    },
    async () => {
      // One field per employee with held events (transfers in flight): small, read whole.
      const index = await d.redis.hgetall(heldIndexKey(d.redisPrefix));
      return heldView(d.views, heldPerAgency(index), Object.keys(index).length, d.holdHours);
    },
  );
  done();
};
