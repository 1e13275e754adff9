/**
 * The HTTP API (JSON, OpenAPI at /docs). Handlers only translate HTTP to the read models in
 * views.ts, freshness.ts, dlq.ts and redrive.ts.
 */
import { REJECT_REASONS, RULE_SET_IDS, type IsoDate, type RejectReason, type RuleSetId } from '@ipasn/contracts';
import type { FastifyInstance } from '@ipasn/runtime';
import type { FastifyReply } from 'fastify';
import { readDlqPage, type DlqReadOptions } from './dlq.js';
import { readAgencyFreshness, type LagCache } from './freshness.js';
import { redrive, type RedriveDeps } from './redrive.js';
import * as S from './schemas.js';
import { agencyInfo, isKnownAgency, listAgencies, readAgency, readAgencyGroups, readNational, readPilot, type ViewDeps } from './views.js';
import type { Redis } from '@ipasn/redis';
import type { ConsoleMetrics } from './metrics.js';

/** What the freshness endpoint says about the stale job. */
export interface PeriodicJobInfo {
  everyMs: number;
  nextRunAt(): Promise<number | null>;
}

export interface ApiDeps {
  views: ViewDeps;
  redis: Redis;
  prefix: string;
  lag: LagCache;
  dlq: Omit<DlqReadOptions, 'limit'> & { defaultLimit: number };
  redrive: RedriveDeps & { max: number };
  staleJob: PeriodicJobInfo;
  metrics: ConsoleMetrics;
}

const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

function notFound(reply: FastifyReply, message: string) {
  return reply.code(404).send({ statusCode: 404, error: 'Not Found', message });
}

export function registerApi(app: FastifyInstance, d: ApiDeps): void {
  const tags = (t: string) => [t];
  const errors = { 400: S.errorBody, 404: S.errorBody };

  app.get('/api/agencies', { schema: { tags: tags('agencies'), summary: 'Every agency: primary rule set, index, category, headcount, freshness', response: { 200: S.agencyList } } }, () =>
    listAgencies(d.views),
  );

  app.get<{ Params: { code: string }; Querystring: { rules?: RuleSetId } }>(
    '/api/agencies/:code',
    {
      schema: {
        tags: tags('agencies'),
        summary: 'One agency: exactly the `ipasn score --by-agency` line, plus freshness',
        description: 'Without `rules`, the primary rule set of the agency on the evaluation date.',
        params: S.codeParams,
        querystring: S.rulesQuery,
        response: { 200: S.agencyDetail, ...errors },
      },
    },
    async (req, reply) => {
      const { code } = req.params;
      if (!isKnownAgency(d.views, code, await d.views.store.agencies())) return notFound(reply, `unknown agency ${code}`);
      return readAgency(d.views, code, req.query.rules ?? d.views.agencies.primaryRuleSet(code, d.views.asOf()));
    },
  );

  app.get<{ Params: { code: string }; Querystring: { rules?: RuleSetId } }>(
    '/api/agencies/:code/groups',
    {
      schema: {
        tags: tags('agencies'),
        summary: 'The PNS / PPPK split of one agency (the same shape per employment type)',
        params: S.codeParams,
        querystring: S.rulesQuery,
        response: { 200: S.groups, ...errors },
      },
    },
    async (req, reply) => {
      const { code } = req.params;
      if (!isKnownAgency(d.views, code, await d.views.store.agencies())) return notFound(reply, `unknown agency ${code}`);
      return readAgencyGroups(d.views, code, req.query.rules ?? d.views.agencies.primaryRuleSet(code, d.views.asOf()));
    },
  );

  app.get<{ Querystring: { rules?: RuleSetId } }>(
    '/api/national',
    {
      schema: {
        tags: tags('national'),
        summary: 'National rollup and ranking per rule set (both without `rules`; never mixed)',
        querystring: S.rulesQuery,
        response: { 200: S.national, ...errors },
      },
    },
    (req) => readNational(d.views, req.query.rules ? [req.query.rules] : RULE_SET_IDS),
  );

  app.get('/api/pilot', { schema: { tags: tags('pilot'), summary: 'The pilot agencies: primary vs shadow rule set, per-dimension differences', response: { 200: S.pilot } } }, () =>
    readPilot(d.views),
  );

  app.get(
    '/api/freshness',
    { schema: { tags: tags('freshness'), summary: 'Per agency: last accepted event, counts, data gaps, stale; per consumer group and partition: lag', response: { 200: S.freshness } } },
    async () => {
      const now = d.views.clock();
      const asOf: IsoDate = d.views.asOf();
      const [list, lag, nextRunAt, flags] = await Promise.all([listAgencies(d.views), d.lag.get(), d.staleJob.nextRunAt().catch(() => null), d.views.stale.read()]);
      // Whichever console instance ran the job, its last run is the newest flag it wrote.
      const lastRunAt = Math.max(0, ...[...flags.values()].map((f) => f.checkedAt)) || null;
      const counts = await readAgencyFreshness(d.redis, d.prefix, list.agencies.map((a) => a.code), now);
      return {
        now: new Date(now).toISOString(),
        asOf,
        staleCheck: { everyMs: d.staleJob.everyMs, lastRunAt: iso(lastRunAt), nextRunAt: iso(nextRunAt) },
        agencies: list.agencies.map((a) => {
          const c = counts.get(a.code);
          const last = c?.lastAcceptedAt ?? null;
          return {
            code: a.code,
            name: a.name,
            cadenceDays: a.cadenceDays,
            rules: a.rules,
            lastAcceptedAt: iso(last),
            secondsSinceLastAccepted: last === null ? null : Math.max(0, Math.round((now - last) / 1000)),
            lastRejectedAt: iso(c?.lastRejectedAt),
            lastHour: c?.lastHour ?? { accepted: 0, rejected: 0, duplicates: 0 },
            lastDay: c?.lastDay ?? { accepted: 0, rejected: 0, duplicates: 0 },
            headcount: a.headcount.total,
            dataGaps: a.dataGaps,
            dataGapShare: a.headcount.total === 0 ? null : a.dataGaps / a.headcount.total,
            stale: a.freshness.stale,
            staleSince: a.freshness.staleSince,
          };
        }),
        lag: { readAt: iso(lag.at), error: lag.error, groups: lag.groups },
      };
    },
  );

  app.get<{ Querystring: { agency?: string; reason?: RejectReason; cursor?: string; limit?: number } }>(
    '/api/dlq',
    {
      schema: {
        tags: tags('dlq'),
        summary: 'Recent rejects from the DLQ, newest first, decoded; paged backwards by offsets',
        querystring: S.dlqQuery,
        response: { 200: S.dlqPage, ...errors },
      },
    },
    async (req, reply) => {
      const { agency, reason, cursor, limit } = req.query;
      let page;
      try {
        page = await readDlqPage({ ...d.dlq, limit: limit ?? d.dlq.defaultLimit }, { agency, reason }, cursor);
      } catch (err) {
        if (err instanceof RangeError) return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: err.message });
        throw err;
      }
      const records = await d.redrive.log.lookup(page.items.map((i) => i.id));
      return { ...page, items: page.items.map((i) => ({ ...i, redrive: records.get(i.id) ?? null })), reasons: [...REJECT_REASONS] };
    },
  );

  app.post<{ Body: { ids: string[]; operator?: string; note?: string; force?: boolean } }>(
    '/api/dlq/redrive',
    {
      schema: {
        tags: tags('dlq'),
        summary: "Re-publish rejects' original bytes (original key) to their ingress topic; recorded in Redis",
        description:
          'Normalizer rejects go to `<prefix>ipasn.ingress.<agency>`; scorer rejects (canonical Avro events) to `<prefix>ipasn.events`. Already redriven rejects are skipped unless `force`.',
        body: S.redriveBody,
        response: { 200: S.redriveResponse, ...errors },
      },
    },
    async (req, reply) => {
      const by = String(req.headers['x-forwarded-user'] ?? req.headers['x-auth-request-user'] ?? req.body.operator ?? '').trim();
      if (by === '') return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: 'say who redrives: operator in the body (or X-Forwarded-User from the proxy)' });
      if (req.body.ids.length > d.redrive.max) {
        return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: `at most ${d.redrive.max} rejects per redrive (CONSOLE_REDRIVE_MAX)` });
      }
      const results = await redrive(d.redrive, { ids: req.body.ids, by, note: req.body.note ?? null, force: req.body.force ?? false });
      for (const r of results) if (r.status === 'redriven') d.metrics.redrives.inc({ reason: r.reason ?? 'unknown' });
      return { results };
    },
  );

  app.get('/api/dlq/redrives', { schema: { tags: tags('dlq'), summary: 'The most recent redrives (who, when, which), newest first', response: { 200: S.redriveLog } } }, async () => ({
    redrives: await d.redrive.log.recent(100),
  }));

  app.get('/api/meta', { schema: { tags: tags('meta'), summary: 'Evaluation date, rule sets, reject reasons, the agency list in force' } }, () => ({
    asOf: d.views.asOf(),
    ruleSets: RULE_SET_IDS,
    rejectReasons: REJECT_REASONS,
    agencies: d.views.agencies.all.map((a) => ({ ...agencyInfo(d.views, a.code), primary: a.primary })),
  }));
}
