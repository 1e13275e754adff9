/**
 * The agencies' HTTP API: `POST /v1/events` in the three CloudEvents modes, the OpenAPI document
 * and its UI at `/docs`. Order of a request: bearer token (401) → per-agency rate limit in Redis
 * (429 + Retry-After; 503 + Retry-After when Redis is unavailable) → body read within GATEWAY_BODY_LIMIT_BYTES (413) → checks 1–7 per event →
 * `source` is the agency (403) → produce (acks=all; 503 + Retry-After when the broker does not
 * acknowledge in time) → 202 / 207 / 422 with one result per event.
 */
import rateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Agencies } from '@ipasn/contracts';
import type { Logger } from '@ipasn/logger';
import type { TopicNames } from '@ipasn/pipeline';
import type { Redis } from '@ipasn/redis';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenStore } from './auth/tokens.js';
import { batchEvents, binaryEvent, BATCH, BINARY_DATA, modeOf, STRUCTURED } from './cloudevents/modes.js';
import { GatewayError, installErrorHandler, sendError } from './errors.js';
import { checkEvents } from './ingest.js';
import { redisRateStore } from './rate-store.js';
import type { GatewayMetrics } from './metrics.js';
import { EVENTS_ROUTE_SCHEMA, OPENAPI } from './openapi.js';
import type { ProduceQueue } from './produce-queue.js';

export interface AppOptions {
  logger: Logger;
  tokens: TokenStore;
  queue: ProduceQueue;
  metrics: GatewayMetrics;
  topics: TopicNames;
  agencies: () => Agencies;
  redis: Redis;
  redisPrefix: string;
  limits: { maxBatchEvents: number; rateMax: number; rateWindowMs: number; retryAfterS: number };
  /** The ingestion time of the checks (injected in tests). */
  now: () => Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    agency: string | null;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/iu;

function agencyOf(req: FastifyRequest): string {
  if (req.agency === null) throw new Error('route reached without authentication');
  return req.agency;
}

export async function registerApp(app: FastifyInstance, o: AppOptions): Promise<void> {
  installErrorHandler(app, o.logger, o.limits.retryAfterS);
  app.decorateRequest('agency', null);
  // Raw bytes for every accepted media type: the events are checked and sent as the agency wrote them.
  app.removeAllContentTypeParsers();
  for (const type of [STRUCTURED, BATCH, BINARY_DATA]) app.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onResponse', async (req, reply) => {
    if (req.routeOptions.url !== '/v1/events') return;
    o.metrics.requests.inc({ mode: modeOf(req.headers['content-type']) ?? 'none', status: String(reply.statusCode) });
  });

  await app.register(fastifySwagger, OPENAPI as never);
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });

  await app.register(async (api) => {
    // Before the body is read: an unauthenticated request costs no parsing.
    api.addHook('onRequest', async (req, reply) => {
      const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
      const agency = token === undefined ? null : o.tokens.agencyOf(token);
      if (agency === null) {
        o.metrics.authFailures.inc();
        return sendError(reply, new GatewayError('GATEWAY_UNAUTHENTICATED', token === undefined ? 'send the agency’s API token: Authorization: Bearer <token>' : 'unknown or revoked token'));
      }
      req.agency = agency;
      return undefined;
    });
    await api.register(rateLimit, {
      global: true,
      hook: 'preParsing',
      max: o.limits.rateMax,
      timeWindow: o.limits.rateWindowMs,
      keyGenerator: (req) => agencyOf(req),
      store: redisRateStore(o.redis, `${o.redisPrefix}gateway:ratelimit:`),
      errorResponseBuilder: (_req, ctx) => new GatewayError('GATEWAY_RATE_LIMITED', `too many requests for this agency (${ctx.max} per ${ctx.after} window): try again in ${ctx.after}`),
    });

    api.post('/v1/events', { schema: EVENTS_ROUTE_SCHEMA, validatorCompiler: () => () => true }, async (req, reply) => {
      const agency = agencyOf(req);
      const mode = modeOf(req.headers['content-type']);
      const body = req.body as Buffer;
      let events: Buffer[];
      switch (mode) {
        case 'batch':
          events = batchEvents(body, o.limits.maxBatchEvents);
          break;
        case 'structured':
          events = [body];
          break;
        case 'binary':
          events = [binaryEvent(req.headers, body)];
          break;
        case null:
          throw new GatewayError('GATEWAY_UNSUPPORTED_MEDIA_TYPE', `send ${STRUCTURED}, ${BATCH}, or ${BINARY_DATA} with ce-* headers`);
      }
      const checked = checkEvents(events, { agency, topic: o.topics.ingress(agency), agencies: o.agencies(), ingestionTime: o.now() });
      if (checked.foreign.length > 0) {
        throw new GatewayError('GATEWAY_FORBIDDEN', `this token is agency ${agency}'s: every event's source must be /agencies/${agency} (event${checked.foreign.length > 1 ? 's' : ''} at index ${checked.foreign.slice(0, 10).join(', ')}${checked.foreign.length > 10 ? ', …' : ''}); nothing was sent`);
      }
      if (checked.messages.length > 0) {
        const timer = o.metrics.produceSeconds.startTimer();
        await o.queue.send(checked.messages);
        timer();
      }
      if (checked.accepted > 0) o.metrics.accepted.inc({ agency }, checked.accepted);
      for (const [reason, n] of checked.rejectedByReason) o.metrics.rejected.inc({ agency, reason }, n);
      const rejected = events.length - checked.accepted;
      const status = rejected === 0 ? 202 : mode === 'batch' ? 207 : 422;
      return reply.code(status).send({ agency, accepted: checked.accepted, rejected, results: checked.results });
    });
  });
}
