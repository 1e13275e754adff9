/**
 * Wires config → adapters → stale job and HTTP app (app.ts). main.ts runs it as a service; tests
 * start it in-process on port 0 with their own prefixes and clock.
 */
import { ConfigError, kafkaConnection, loadAgencyList, redisConnection } from '@ipasn/config';
import { AggregateStore } from '@ipasn/aggregates';
import { jakartaDate, type Agencies } from '@ipasn/contracts';
import { BatchProducer, createKafka, type KafkaClient } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';
import { topicNames } from '@ipasn/pipeline';
import { PeriodicJob } from '@ipasn/queue';
import { closeRedis, createRedis, type Redis } from '@ipasn/redis';
import { createRegistry, startOpsServer, type FastifyInstance, type Registry, type ShutdownStep } from '@ipasn/runtime';
import { RuleSetStatus } from '@ipasn/profiles';
import type { RuleSetList } from '@ipasn/rules';
import { ruleSetsInForce } from '@ipasn/rules/files';
import { SchemaRegistry } from '@ipasn/serde';
import { registerWeb } from './app.js';
import { SessionStore } from './auth/sessions.js';
import { UserDirectory } from './auth/users.js';
import { isProduction, watchedGroups, type ConsoleConfig } from './config.js';
import { DlqPageCache } from './dlq.js';
import { LagCache } from './freshness.js';
import { KafkaReader } from './kafka-reader.js';
import { readGroupLag } from './lag.js';
import { consoleMetrics } from './metrics.js';
import type { ViewDeps } from './read-models/agencies.js';
import { RedriveLog } from './redrive.js';
import { consoleKey, StaleStore } from './stale.js';

export { PUBLIC_DIR } from './app.js';

export interface ConsoleOptions {
  config: ConsoleConfig;
  logger: Logger;
  /** Injected in tests; Date.now otherwise. */
  clock?: () => number;
  /** The agency list (IPASN_AGENCIES_FILE or the shipped one by default). */
  agencies?: Agencies;
  /** The rule sets in force (IPASN_RULE_SETS_FILE or the shipped list by default). */
  ruleSets?: RuleSetList;
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
  /** Every route of the app (method and URL pattern), for tests that walk them all. */
  routes: readonly { method: string; url: string }[];
  /** Runs the stale check now, outside the schedule (tests, an operator's "check now"). */
  checkStaleNow(): Promise<void>;
  /** The ordered shutdown, for a Lifecycle (main.ts). */
  shutdownSteps: ShutdownStep[];
  /** Runs shutdownSteps in order (tests). Idempotent. */
  close(): Promise<void>;
}

interface Connections {
  redis: Redis;
  queueRedis: Redis;
  kafka: KafkaClient;
  producer: BatchProducer;
}

function connections(config: ConsoleConfig, logger: Logger): Connections {
  const credentials = { username: config.CONSOLE_REDIS_USERNAME, password: config.CONSOLE_REDIS_PASSWORD };
  // Everything the console reads, and its own few writes, go through the read-only ACL user.
  const redis = createRedis({ ...redisConnection(config), logger, connectionName: 'ipasn-console', ...credentials });
  // BullMQ blocks on its own connection and needs maxRetriesPerRequest: null.
  const queueRedis = createRedis({ ...redisConnection(config), logger, connectionName: 'ipasn-console-jobs', maxRetriesPerRequest: null, ...credentials });
  const kafka = createKafka({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-console`, logger });
  return { redis, queueRedis, kafka, producer: new BatchProducer(kafka) };
}

/** The users file, refused in production when others may read it (it holds password hashes). */
function userDirectory(config: ConsoleConfig, logger: Logger): UserDirectory {
  let users: UserDirectory;
  try {
    users = new UserDirectory(config.CONSOLE_USERS_FILE, (err) => logger.error({ err }, 'CONSOLE_USERS_FILE became invalid: the last valid version stays in force'));
  } catch (err) {
    throw new ConfigError(`CONSOLE_USERS_FILE: ${(err as Error).message}`, { cause: err });
  }
  if ((users.mode() & 0o077) !== 0) {
    const message = `CONSOLE_USERS_FILE ${config.CONSOLE_USERS_FILE} is readable by others (mode ${users.mode().toString(8)}): chmod 600 it`;
    if (isProduction(config)) throw new ConfigError(message);
    logger.warn(message);
  }
  const { users: accounts, tokens } = users.current();
  if (accounts.length + tokens.length === 0) logger.warn({ file: config.CONSOLE_USERS_FILE }, 'the users file has no user and no token: nobody can sign in (console-users add <name> --role operator)');
  if (!config.CONSOLE_COOKIE_SECURE && isProduction(config)) logger.warn('CONSOLE_COOKIE_SECURE=false in production: the session cookie may travel over plain HTTP');
  return users;
}

export async function startConsole(o: ConsoleOptions): Promise<ConsoleHandle> {
  const { config, logger } = o;
  const clock = o.clock ?? Date.now;
  const agencies = o.agencies ?? loadAgencyList(config.IPASN_AGENCIES_FILE);
  const ruleSets = o.ruleSets ?? ruleSetsInForce(config.IPASN_RULE_SETS_FILE);
  try {
    // Every agency's primary must be a rule set in force, or its page would show nothing.
    ruleSets.checkPrimaries(agencies);
  } catch (err) {
    throw new ConfigError(`IPASN_AGENCIES_FILE and IPASN_RULE_SETS_FILE disagree: ${(err as Error).message}`, { cause: err });
  }
  const users = userDirectory(config, logger);
  const prefix = config.REDIS_PREFIX;
  const topics = topicNames(config.IPASN_TOPIC_PREFIX);
  const { redis, queueRedis, kafka, producer } = connections(config, logger);
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

    const views: ViewDeps = { store, agencies, ruleSets, ruleSetStatus: new RuleSetStatus(redis, prefix), stale: staleStore, asOf: () => config.SCORING_AS_OF ?? jakartaDate(clock()), clock };
    const routes: { method: string; url: string }[] = [];
    const ops = { host: config.CONSOLE_HOST, port: config.CONSOLE_PORT, trustProxy: config.CONSOLE_TRUST_PROXY, logger, registry, portFile: o.portFile, readiness: { redis: () => redis.status === 'ready', ...o.readiness } };
    const { app, port } = await startOpsServer(ops, (app) =>
      registerWeb(app, {
        logger,
        onRoute: (r) => routes.push(r),
        security: { allowedHosts: config.CONSOLE_ALLOWED_HOSTS, redis, prefix },
        auth: {
          users,
          sessions: new SessionStore(redis, prefix, config.CONSOLE_SESSION_TTL_MS, clock),
          secret: config.CONSOLE_SESSION_SECRET,
          secureCookie: config.CONSOLE_COOKIE_SECURE,
          sessionTtlMs: config.CONSOLE_SESSION_TTL_MS,
          login: { max: config.CONSOLE_LOGIN_RATE_MAX, windowMs: config.CONSOLE_LOGIN_RATE_WINDOW_MS },
        },
        api: {
          views,
          redis,
          redisPrefix: prefix,
          lag,
          dlq: { reader, registry: schemaRegistry, topics, scanLimit: config.CONSOLE_DLQ_SCAN_LIMIT, defaultLimit: config.CONSOLE_DLQ_PAGE_SIZE, cache: new DlqPageCache() },
          redrive: {
            reader,
            registry: schemaRegistry,
            topics,
            producer,
            log: new RedriveLog(redis, prefix),
            now: clock,
            max: config.CONSOLE_REDRIVE_MAX,
            rate: { max: config.CONSOLE_REDRIVE_RATE_MAX, windowMs: config.CONSOLE_REDRIVE_RATE_WINDOW_MS },
          },
          staleJob: { everyMs: config.CONSOLE_STALE_CHECK_MS, nextRunAt: () => staleJob.nextRunAt() },
          metrics,
          holdHours: config.SCORER_HOLD_HOURS,
        },
      }),
    );
    // style.md's order: stop intake → let a running job finish → flush the producer → quit Redis.
    const shutdownSteps: ShutdownStep[] = [
      { name: 'close http server', run: () => app.close() },
      { name: 'close stale job', run: () => staleJob.close() },
      { name: 'flush producer', run: () => producer.close() },
      { name: 'quit redis', run: async () => void (await Promise.all([closeRedis(queueRedis), closeRedis(redis)])) },
    ];
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        for (const step of shutdownSteps) await step.run();
      })());
    return { app, port, url: `http://${config.CONSOLE_HOST}:${port}`, registry, staleStore, routes, checkStaleNow: runCheck, shutdownSteps, close };
  } catch (err) {
    await producer.close().catch(() => undefined);
    await closeRedis(queueRedis);
    await closeRedis(redis);
    throw err;
  }
}
