/** /api/freshness: per agency freshness and stale flags, the stale job, consumer lag. */
import type { FastifyPluginCallback } from 'fastify';
import { readAgencyFreshness } from '../freshness.js';
import { listAgencies } from '../read-models/agencies.js';
import { freshnessView } from '../read-models/freshness.js';
import * as S from '../schemas.js';
import type { ApiDeps } from './deps.js';

export const freshnessApi: FastifyPluginCallback<ApiDeps> = (app, d, done) => {
  app.get(
    '/freshness',
    { schema: { tags: ['freshness'], summary: 'Per agency: last accepted event, counts, data gaps, stale; per consumer group and partition: lag', response: { 200: S.freshness } } },
    async () => {
      const now = d.views.clock();
      const [list, lag, nextRunAt, staleFlags] = await Promise.all([listAgencies(d.views), d.lag.get(), d.staleJob.nextRunAt().catch(() => null), d.views.stale.read()]);
      const counts = await readAgencyFreshness(d.redis, d.redisPrefix, list.agencies.map((a) => a.code), now);
      return freshnessView({ now, asOf: list.asOf, agencies: list.agencies, counts, lag, staleFlags, staleJob: { everyMs: d.staleJob.everyMs, nextRunAt } });
    },
  );
  done();
};
