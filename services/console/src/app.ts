/**
 * The console's HTTP app on top of packages/runtime's ops server (/healthz /readyz /metrics):
 * app-wide defenses and the shared error handler first, then sign-in, the OpenAPI document and
 * its UI at /docs, the web console's files, and the API. Order matters: hooks added by the
 * fastify-plugin wrapped security and auth plugins apply to every route registered after them.
 */
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@ipasn/logger';
import type { FastifyInstance } from 'fastify';
import { fileURLToPath } from 'node:url';
import { registerApi, type ApiDeps } from './api/index.js';
import { installErrorHandler } from './api/errors.js';
import { authPlugin, type AuthOptions } from './auth/plugin.js';
import { securityPlugin, type SecurityOptions } from './security/plugin.js';

export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

export interface WebOptions {
  logger: Logger;
  security: SecurityOptions;
  auth: Omit<AuthOptions, 'logger'>;
  api: ApiDeps;
  /** Called for every route registered (the tests check that none escapes authentication). */
  onRoute?: (route: { method: string; url: string }) => void;
}

const OPENAPI = {
  openapi: {
    info: {
      title: 'IP ASN operators’ console API',
      version: '1.0.0',
      description:
        'Agency and national aggregates under both rule sets, data freshness, consumer lag, dead letters and redrive. JSON only. Every `/api/*` route needs a session (POST /login) or `Authorization: Bearer <token>`; redrive needs the operator role.',
    },
    tags: [
      { name: 'agencies', description: 'Per-agency aggregates (the `ipasn score --by-agency` shape)' },
      { name: 'national', description: 'National rollup per rule set' },
      { name: 'pilot', description: 'The 11 pilot agencies: primary vs shadow rule set' },
      { name: 'freshness', description: 'Freshness, stale agencies, consumer lag' },
      { name: 'held', description: 'Events held while a transfer is on its way' },
      { name: 'dlq', description: 'Dead letters and redrive' },
      { name: 'session', description: 'Sign-in' },
    ],
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'ipasn_session' }, bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ session: [] }, { bearer: [] }],
  },
} as const;

export async function registerWeb(app: FastifyInstance, o: WebOptions): Promise<void> {
  if (o.onRoute) {
    const notify = o.onRoute;
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) notify({ method, url: r.url });
    });
  }
  installErrorHandler(app, o.logger);
  await app.register(securityPlugin, o.security);
  await app.register(authPlugin, { ...o.auth, logger: o.logger });
  await app.register(fastifySwagger, OPENAPI as never);
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/', decorateReply: false, index: 'index.html', cacheControl: false });
  await registerApi(app, o.api);
}
