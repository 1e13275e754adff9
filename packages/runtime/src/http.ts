/**
 * Every service's operational HTTP surface: `/healthz` (the process is alive), `/readyz` (its
 * dependencies are connected and it consumes), `/metrics` (Prometheus). fastify; services may add
 * routes (the console adds its API).
 */
import { writeFile } from 'node:fs/promises';
import { fastify, type FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Logger } from '@ipasn/logger';

export type { FastifyInstance };

/** 1 while every readiness check passes (evaluated on scrape, like `/readyz`), else 0. */
export const READY_METRIC = 'ipasn_service_ready';

/**
 * A service's registry: every sample carries `service`, and the client library's standard process
 * and Node.js metrics keep their standard names (`process_cpu_seconds_total`,
 * `process_resident_memory_bytes`, `nodejs_*`), which dashboards and exporters expect.
 */
export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

async function failingChecks(readiness: OpsServerOptions['readiness']): Promise<string[]> {
  const results = await Promise.all(
    Object.entries(readiness).map(async ([name, check]) => {
      try {
        return [name, await check()] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  return results.filter(([, ok]) => !ok).map(([name]) => name);
}

export interface OpsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
  registry: Registry;
  /** Ready when every check passes; the body names the failing ones. */
  readiness: Record<string, () => boolean | Promise<boolean>>;
  /** Where to write the bound port (up.sh waits on `/readyz` through it). */
  portFile?: string | undefined;
  /**
   * The reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs): `request.ip` is
   * then the client's, so per-address limits count clients, not the proxy. Empty: the header is
   * ignored (a client cannot pick its own address).
   */
  trustProxy?: readonly string[] | undefined;
}

export async function startOpsServer(options: OpsServerOptions, routes?: (app: FastifyInstance) => void | Promise<void>): Promise<{ app: FastifyInstance; port: number }> {
  const app = fastify({ logger: false, trustProxy: options.trustProxy && options.trustProxy.length > 0 ? [...options.trustProxy] : false });
  if (!options.registry.getSingleMetric(READY_METRIC)) {
    new Gauge({
      name: READY_METRIC,
      help: '1 while every readiness check of the service passes (what /readyz answers 200 to), else 0',
      registers: [options.registry],
      async collect() {
        this.set((await failingChecks(options.readiness)).length === 0 ? 1 : 0);
      },
    });
  }
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const failing = await failingChecks(options.readiness);
    return reply.code(failing.length === 0 ? 200 : 503).send({ ready: failing.length === 0, failing });
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.header('content-type', options.registry.contentType).send(await options.registry.metrics());
  });
  if (routes) await routes(app);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  if (options.portFile) await writeFile(options.portFile, String(port));
  options.logger.info({ host: options.host, port }, 'ops server listening');
  return { app, port };
}
