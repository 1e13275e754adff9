/**
 * Wires config → adapters → API, web console and stale job. main.ts runs it as a service; tests
 * start it in-process on port 0 with their own prefixes and clock.
 */
import { kafkaConnection } from '@ipasn/config';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { AggregateStore } from '@ipasn/aggregates';
import type { Agencies } from '@ipasn/contracts';
import { BatchProducer, createKafka } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';
import { topicNames } from '@ipasn/pipeline';
import { PeriodicJob } from '@ipasn/queue';
import { closeRedis, createRedis } from '@ipasn/redis';
import { createRegistry, startOpsServer, type FastifyInstance, type Registry, type ShutdownStep } from '@ipasn/runtime';
import { jakartaDate } from '@ipasn/scoring';
import { SchemaRegistry } from '@ipasn/serde';
import { registerApi } from './api.js';
import { DlqPageCache } from './dlq.js';
import { loadAgencies, watchedGroups, type ConsoleConfig } from './config.js';
import { LagCache } from './freshness.js';
import { KafkaReader } from './kafka-reader.js';
import { readGroupLag } from './lag.js';
import { consoleMetrics } from './metrics.js';
import { RedriveLog } from './redrive.js';
import { consoleKey, StaleStore } from './stale.js';
import type { ViewDeps } from './views.js';

export const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

export interface ConsoleOptions {
  config: ConsoleConfig;
  logger: Logger;
  /** Injected in tests; Date.now otherwise. */
  clock?: () => number;
  /** The agency list (IPASN_AGENCIES_FILE or the shipped one by default). */
  agencies?: Agencies;
  portFile?: string | undefined;
  /** Readiness checks added by the caller (e.g. "not shutting down"). */
  readiness?: Record<string, () => boolean | Promise<boolean>>;
}

export interface ConsoleHandle {
  app: FastifyInstance;
  port: number;
  url: string;
  registry: Registry;
  staleStore: StaleStore;
  /** Runs the stale check now, outside the schedule (tests, an operator's "check now"). */
  checkStaleNow(): Promise<void>;
  /** The ordered shutdown, for a Lifecycle (main.ts). */
  shutdownSteps: ShutdownStep[];
  /** Runs shutdownSteps in order (tests). Idempotent. */
  close(): Promise<void>;
}

export async function startConsole(o: ConsoleOptions): Promise<ConsoleHandle> {
  const { config, logger } = o;
  const clock = o.clock ?? Date.now;
  const agencies = o.agencies ?? loadAgencies(config.IPASN_AGENCIES_FILE);
  const prefix = config.REDIS_PREFIX;
  const topics = topicNames(config.IPASN_TOPIC_PREFIX);
  const credentials = { username: config.CONSOLE_REDIS_USERNAME, password: config.CONSOLE_REDIS_PASSWORD };
  // Everything the console reads, and its own few writes, go through the read-only ACL user.
  const redis = createRedis({ url: config.REDIS_URL, logger, connectionName: 'ipasn-console', ...credentials });
  // BullMQ blocks on its own connection and needs maxRetriesPerRequest: null.
  const queueRedis = createRedis({ url: config.REDIS_URL, logger, connectionName: 'ipasn-console-jobs', maxRetriesPerRequest: null, ...credentials });
  const kafka = createKafka({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-console`, logger });
  const producer = new BatchProducer(kafka);
  let closing: Promise<void> | undefined;
  try {
    await producer.connect();
    const store = await AggregateStore.open(redis, prefix);
    const schemaRegistry = SchemaRegistry.load();
    const readerPrefix = `${config.IPASN_TOPIC_PREFIX}ipasn-console-reader-`;
    const reader = new KafkaReader(kafka, readerPrefix);
    const staleStore = new StaleStore(redis, prefix);
    const lag = new LagCache((now) => readGroupLag(kafka, readerPrefix, topics, watchedGroups(config), now), config.CONSOLE_LAG_CACHE_MS, clock);
    const registry = createRegistry('console');
    const metrics = consoleMetrics(registry, { stale: staleStore, lag });

    const runCheck = async () => {
      const flags = await staleStore.check(agencies, clock());
      metrics.staleChecks.inc();
      logger.debug({ stale: [...flags].filter(([, f]) => f.stale).map(([c]) => c) }, 'stale check done');
    };
    const staleJob = new PeriodicJob<Record<string, never>>({
      connection: queueRedis,
      queueName: 'stale-agencies',
      prefix: consoleKey(prefix, 'bull'),
      schedulerId: 'stale-agencies',
      everyMs: config.CONSOLE_STALE_CHECK_MS,
      data: {},
      logger,
    });
    await staleJob.upsert();
    staleJob.start(runCheck);

    const views: ViewDeps = { store, agencies, stale: staleStore, asOf: () => config.SCORING_AS_OF ?? jakartaDate(clock()), clock };
    const { app, port } = await startOpsServer(
      {
        host: config.CONSOLE_HOST,
        port: config.CONSOLE_PORT,
        logger,
        registry,
        portFile: o.portFile,
        readiness: { redis: () => redis.status === 'ready', ...o.readiness },
      },
      async (app) => {
        await app.register(fastifySwagger, {
          openapi: {
            info: {
              title: 'IP ASN operators’ console API',
              version: '1.0.0',
              description: 'Agency and national aggregates under both rule sets, data freshness, consumer lag, dead letters and redrive. JSON only.',
            },
            tags: [
              { name: 'agencies', description: 'Per-agency aggregates (the `ipasn score --by-agency` shape)' },
              { name: 'national', description: 'National rollup per rule set' },
              { name: 'pilot', description: 'The 11 pilot agencies: primary vs shadow rule set' },
              { name: 'freshness', description: 'Freshness, stale agencies, consumer lag' },
              { name: 'dlq', description: 'Dead letters and redrive' },
            ],
          },
        });
        await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
        app.addHook('onSend', async (req, reply, payload) => {
          reply.header('x-content-type-options', 'nosniff');
          reply.header('referrer-policy', 'no-referrer');
          if (!req.url.startsWith('/docs')) reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; frame-ancestors 'none'");
          return payload;
        });
        await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/', decorateReply: false, index: 'index.html', cacheControl: false });
        registerApi(app, {
          views,
          redis,
          prefix,
          lag,
          dlq: { reader, registry: schemaRegistry, topics, scanLimit: config.CONSOLE_DLQ_SCAN_LIMIT, defaultLimit: config.CONSOLE_DLQ_PAGE_SIZE, cache: new DlqPageCache() },
          redrive: { reader, registry: schemaRegistry, topics, producer, log: new RedriveLog(redis, prefix), now: clock, max: config.CONSOLE_REDRIVE_MAX },
          staleJob: { everyMs: config.CONSOLE_STALE_CHECK_MS, nextRunAt: () => staleJob.nextRunAt() },
          metrics,
        });
      },
    );
    // style.md's order: stop intake → let a running job finish → flush the producer → quit Redis.
    const shutdownSteps: ShutdownStep[] = [
      { name: 'close http server', run: () => app.close() },
      { name: 'close stale job', run: () => staleJob.close() },
      { name: 'flush producer', run: () => producer.close() },
      {
        name: 'quit redis',
        run: async () => {
          await closeRedis(queueRedis);
          await closeRedis(redis);
        },
      },
    ];
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        for (const step of shutdownSteps) await step.run();
      })());
    return { app, port, url: `http://${config.CONSOLE_HOST}:${port}`, registry, staleStore, checkStaleNow: runCheck, shutdownSteps, close };
  } catch (err) {
    await producer.close().catch(() => undefined);
    await closeRedis(queueRedis);
    await closeRedis(redis);
    throw err;
  }
}
