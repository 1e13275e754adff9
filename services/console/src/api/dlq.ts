/**
 * /api/dlq: recent rejects (masked for viewers), redrive (operators only, rate-limited per user;
 * the audit record names the principal, never a header or body field), the redrive log.
 */
import type { RejectReason } from '@ipasn/contracts';
import type { FastifyPluginCallback } from 'fastify';
import { requireRole } from '../auth/plugin.js';
import { readDlqPage } from '../dlq.js';
import { dlqPageView } from '../read-models/dlq.js';
import { redrive } from '../redrive.js';
import * as S from '../schemas.js';
import type { ApiDeps } from './deps.js';
import { ApiError, errorBody } from './errors.js';

type PageQuery = { Querystring: { agency?: string; reason?: RejectReason; cursor?: string; limit?: number } };
type RedriveBody = { Body: { ids: string[]; note?: string; force?: boolean } };

export const dlqApi: FastifyPluginCallback<ApiDeps> = (app, d, done) => {
  const tags = ['dlq'];

  app.get<PageQuery>(
    '/dlq',
    {
      schema: {
        tags,
        summary: 'Recent rejects from the DLQ, newest first, decoded; paged backwards by offsets',
        description: 'For the `viewer` role, NIPs and names in keys, messages and originals are masked.',
        querystring: S.dlqQuery,
        response: { 200: S.dlqPage, 400: errorBody },
      },
    },
    async (req) => {
      const { agency, reason, cursor, limit } = req.query;
      const page = await readDlqPage({ ...d.dlq, limit: limit ?? d.dlq.defaultLimit }, { agency, reason }, cursor);
      const records = await d.redrive.log.lookup(page.items.map((i) => i.id));
      return dlqPageView(page, records, req.principal!.role);
    },
  );

  app.post<RedriveBody>(
    '/dlq/redrive',
    {
      preHandler: requireRole('operator'),
      config: { rateLimit: { max: d.redrive.rate.max, timeWindow: d.redrive.rate.windowMs, hook: 'preHandler', keyGenerator: (req) => `user:${req.principal?.name ?? req.ip}` } },
      schema: {
        tags,
        summary: "Re-publish rejects' original bytes (original key) to their ingress topic; recorded in Redis (operator role)",
        description:
          'Normalizer rejects go to `<prefix>ipasn.ingress.<agency>`; scorer rejects (canonical Avro events) to `<prefix>ipasn.events`. Already redriven rejects are skipped unless `force`. The record names the signed-in user (or token).',
        body: S.redriveBody,
        response: { 200: S.redriveResponse, 400: errorBody, 401: errorBody, 403: errorBody, 429: errorBody },
      },
    },
    async (req) => {
      if (req.body.ids.length > d.redrive.max) throw new ApiError('CONSOLE_BAD_REQUEST', `at most ${d.redrive.max} rejects per redrive (CONSOLE_REDRIVE_MAX)`);
      const by = req.principal!.name;
      const results = await redrive(d.redrive, { ids: req.body.ids, by, note: req.body.note ?? null, force: req.body.force ?? false });
      for (const r of results) if (r.status === 'redriven') d.metrics.redrives.inc({ reason: r.reason ?? 'unknown' });
      return { results };
    },
  );

  app.get('/dlq/redrives', { schema: { tags, summary: 'The most recent redrives (who, when, which), newest first', response: { 200: S.redriveLog } } }, async () => ({
    redrives: await d.redrive.log.recent(100),
  }));
  done();
};
