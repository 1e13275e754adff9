/**
 * The HTTP API under /api, one encapsulated plugin per area; each handler only translates HTTP to
 * a read model (src/read-models) or an action (redrive). Authentication, the Host allowlist,
 * headers and rate limits are app-wide (security/, auth/); errors share one body (errors.ts).
 */
import type { FastifyInstance } from 'fastify';
import { agenciesApi } from './agencies.js';
import type { ApiDeps } from './deps.js';
import { dlqApi } from './dlq.js';
import { freshnessApi } from './freshness.js';
import { historyApi } from './history.js';
import { metaApi } from './meta.js';
import { nationalApi } from './national.js';
import { pilotApi } from './pilot.js';

export type { ApiDeps, PeriodicJobInfo } from './deps.js';

export async function registerApi(app: FastifyInstance, d: ApiDeps): Promise<void> {
  for (const area of [agenciesApi, nationalApi, pilotApi, freshnessApi, historyApi, dlqApi, metaApi]) await app.register(area, { ...d, prefix: '/api' });
}
