/**
 * What every service's main shares (a service is a page: its main is only what differs): the
 * logger, the ordered shutdown, the Kafka client and group ids under the namespace prefix, Redis
 * connections closed at the end, the Prometheus registry, and the ops server with its port file.
 *
 *   const rt = serviceRuntime('scorer', config, { opsPort: config.SCORER_OPS_PORT });
 *   const consumer = rt.consumer({ groupId: rt.groupId(config.SCORER_GROUP_ID), topics: [rt.topics.events], handler });
 *   rt.onShutdown('stop intake, drain and commit', () => consumer.stop());
 *   await rt.startOps({ consumer: () => … });
 *
 * Shutdown order (style.md): the service's own steps in the order it adds them (stop intake →
 * drain → commit → flush producers → close queues), then what the runtime opened: Redis
 * connections, the ops server; the logs are flushed last.
 */
import { join } from 'node:path';
import { kafkaConnection, redisConnection, type BaseConfig } from '@ipasn/config';
import { BatchConsumer, createKafka, withAdmin, type BatchConsumerOptions, type KafkaClient } from '@ipasn/kafka';
import { createLogger, type Logger } from '@ipasn/logger';
import { topicNames, type TopicNames } from '@ipasn/pipeline';
import { AppliedOffsets, closeRedis, createRedis, EpochGuard, type EpochProblem, type Redis } from '@ipasn/redis';
import { startTracing, type Tracing } from '@ipasn/tracing';
import { Gauge, type Registry } from 'prom-client';
import { createRegistry, startOpsServer, type FastifyInstance } from './http.js';
import { Lifecycle } from './lifecycle.js';

export interface ServiceOptions {
  /** Port of the ops server (/healthz, /readyz, /metrics); 0 picks a free one. */
  opsPort: number;
  /** Interface of the ops server; default 127.0.0.1. */
  opsHost?: string;
  /** Where to write the bound port; default `$IPASN_STATE_DIR/run/<name>.port` when IPASN_STATE_DIR is set. */
  portFile?: string | undefined;
  /** The environment (for IPASN_STATE_DIR); default process.env. */
  env?: Record<string, string | undefined>;
  /** Install SIGTERM/SIGINT and fatal-error handlers (default true; tests running in-process say false). */
  signals?: boolean;
  /** Called with the exit code once shutdown ends; process.exit by default (tests inject). */
  exit?: (code: number) => void;
}

export interface ServiceRuntime {
  readonly name: string;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly metrics: Registry;
  /** The Kafka client of this service (client id `<KAFKA_CLIENT_ID>-<name>`), made on first use. */
  readonly kafka: KafkaClient;
  /** Topic names under IPASN_TOPIC_PREFIX. */
  readonly topics: TopicNames;
  /** OpenTelemetry tracing (service name `ipasn-<name>`): on when OTEL_EXPORTER_OTLP_ENDPOINT or IPASN_TRACES_FILE is set; flushed at shutdown. */
  readonly tracing: Tracing;
  /** A consumer group id under the namespace prefix (namespaces sharing a cluster never share a group). */
  groupId(base: string): string;
  /** A consumer runner on this service's client, logger and metrics that ends the process on a fatal error. */
  consumer(options: Omit<BatchConsumerOptions, 'kafka' | 'logger' | 'metrics' | 'onFatal'>): BatchConsumer;
  /** A Redis connection, quit after every service step; `blocking` ones (BullMQ) need maxRetriesPerRequest: null. */
  redis(purpose: string, options?: { blocking?: boolean; username?: string; password?: string }): Redis;
  /** Adds a shutdown step of the service (they run in the order added, before the runtime's own). */
  onShutdown(name: string, run: () => Promise<void> | void): void;
  /** Ends the process non-zero after an ordered shutdown: for a consumer's onFatal and the like. */
  fatal: (err: Error) => void;
  /**
   * Watches the namespace's Redis epoch marker (@ipasn/redis EpochGuard) for a consumer group: at
   * start, every 10 s and at every reconnection. On a problem (Redis came back empty, or the marker
   * was replaced) it logs an error naming the repair, sets `ipasn_redis_epoch_ok` to 0 and calls
   * `onProblem` (the service stops consuming). Add `'redis-epoch': () => guard.epochOk` to the readiness checks.
   *
   * It also watches for Redis that came back *behind* (same marker, last writes lost): the group's
   * committed offsets are compared with the applied offsets Redis holds (@ipasn/redis applied.ts);
   * a partition committed past its applied offset logs an error naming partition, committed,
   * applied and the repair, sets `ipasn_redis_behind` to 1 and calls `onProblem`. The service must
   * pass `guard.beforeCommit` as its consumer's `beforeCommit` (and call it before a chunk
   * transaction's commit), and add `'redis-behind': () => guard.behindOk` to the readiness checks.
   */
  watchEpoch(options: {
    redis: Redis;
    redisPrefix: string;
    groupId: string;
    topics: string[];
    onProblem: (problem: EpochProblem) => void | Promise<void>;
    intervalMs?: number;
    /** Whether the service records applied offsets and is checked for Redis behind (the scorer and projector); default true. The normalizer keeps no state of its input's positions in Redis. */
    appliedOffsets?: boolean;
  }): Promise<EpochGuard>;
  /** Starts the ops server; readiness checks are named; `shutdown` is added (not ready once stopping). */
  startOps(readiness: Record<string, () => boolean | Promise<boolean>>, routes?: (app: FastifyInstance) => void | Promise<void>): Promise<{ app: FastifyInstance; port: number }>;
}

/** The gauges of `watchEpoch` (a function so infra/observability can list them as exported). */
export function redisGuardGauges(metrics: Registry): { epochOk: Gauge; behind: Gauge } {
  return {
    epochOk: new Gauge({
      name: 'ipasn_redis_epoch_ok',
      help: "1 while Redis holds the epoch marker this service started with; 0 once it is gone or replaced (Redis came back empty or was rebuilt): the service stopped consuming, run ipasn rebuild and restart it",
      registers: [metrics],
    }),
    behind: new Gauge({
      name: 'ipasn_redis_behind',
      help: "1 once Redis was found behind this service's consumer group (a partition committed past the applied offset Redis holds: Redis came back behind, its last writes lost): the service stopped consuming, run ipasn rebuild and restart it; 0 otherwise",
      registers: [metrics],
    }),
  };
}

export function serviceRuntime(name: string, config: BaseConfig, options: ServiceOptions): ServiceRuntime {
  const env = options.env ?? process.env;
  const logger = createLogger({ service: name, level: config.LOG_LEVEL });
  const lifecycle = new Lifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, ...(options.exit ? { exit: options.exit } : {}) });
  if (options.signals !== false) lifecycle.installSignalHandlers();
  const metrics = createRegistry(name);
  const topics = topicNames(config.IPASN_TOPIC_PREFIX);
  const connections: Redis[] = [];
  // Before the service builds its handlers: traceChunks() decides once whether to wrap them.
  const tracing = startTracing({ serviceName: `ipasn-${name}`, env, warn: (message) => logger.warn({ component: 'tracing' }, message) });
  if (tracing.enabled) logger.info({ destination: tracing.destination }, 'tracing on');
  lifecycle.onFinally('flush traces', () => tracing.shutdown());
  lifecycle.onFinally('quit redis', async () => {
    await Promise.all(connections.map((r) => closeRedis(r)));
  });
  let kafka: KafkaClient | undefined;
  const fatal = (err: Error): void => {
    logger.fatal({ err }, 'fatal: shutting down');
    void lifecycle.shutdown('fatal error', 1);
  };
  return {
    name,
    logger,
    lifecycle,
    metrics,
    topics,
    tracing,
    get kafka(): KafkaClient {
      kafka ??= createKafka({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-${name}`, logger });
      return kafka;
    },
    groupId: (base) => `${config.IPASN_TOPIC_PREFIX}${base}`,
    consumer(o) {
      return new BatchConsumer({ ...o, kafka: this.kafka, logger, metrics, onFatal: fatal });
    },
    redis(purpose, o = {}) {
      const redis = createRedis({
        ...redisConnection(config),
        logger,
        connectionName: `ipasn-${name}-${purpose}`,
        ...(o.blocking ? { maxRetriesPerRequest: null } : {}),
        ...(o.username !== undefined ? { username: o.username } : {}),
        ...(o.password !== undefined ? { password: o.password } : {}),
      });
      connections.push(redis);
      return redis;
    },
    onShutdown: (step, run) => void lifecycle.onShutdown(step, run),
    fatal,
    async watchEpoch(o) {
      const log = logger.child({ component: 'redis-epoch' });
      const { epochOk: gauge, behind: behindGauge } = redisGuardGauges(metrics);
      // A coordinator still loading (a broker just started) is retried.
      const committed = async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await withAdmin(this.kafka, (admin) => admin.groupOffsets(o.groupId, o.topics));
          } catch (err) {
            if (attempt >= 30) throw err;
            log.warn({ attempt, err: { message: err instanceof Error ? err.message : String(err) } }, 'consumer group offsets not readable yet: retrying');
            await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)));
          }
        }
      };
      const guard = new EpochGuard({
        redis: o.redis,
        prefix: o.redisPrefix,
        ...(o.intervalMs !== undefined ? { intervalMs: o.intervalMs } : {}),
        // Asked only when there is no marker.
        groupHasOffsets: async () => (await committed()).some((c) => Number(c.offset) >= 0),
        ...(o.appliedOffsets === false ? {} : { committedOffsets: committed, applied: new AppliedOffsets(o.redis, o.redisPrefix) }),
        onCheckError: (err) => log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'redis epoch check failed: retried at the next one'),
        onProblem: async (problem) => {
          if (problem.kind === 'behind') {
            behindGauge.set(1);
            const { topic, partition, committed: at, applied, source } = problem;
            const why =
              source === 'check'
                ? `Redis is behind: ${topic} partition ${partition} is committed up to offset ${at} but Redis's state reflects it only up to ${applied} (Redis came back behind: a replica promoted that missed writes, or an AOF that lost its last writes)`
                : `Redis is behind: ${topic} partition ${partition} was applied up to offset ${at} by this service but Redis now holds ${applied} (Redis came back behind under this service)`;
            log.error({ reason: 'redis-behind', problem, group: o.groupId }, `${why}; consuming stopped, not ready. Repair: stop the scorer and the projector, run ipasn rebuild, start them again (docs/runbooks.md)`);
            await o.onProblem(problem);
            return;
          }
          gauge.set(0);
          const why =
            problem.kind === 'missing'
              ? problem.expected === null
                ? 'Redis holds no epoch marker while the consumer group has committed offsets: Redis came back empty (or was flushed)'
                : `the Redis epoch marker ${problem.expected} this service started with is gone: Redis came back empty (or was flushed)`
              : `the Redis epoch marker changed from ${problem.expected} to ${problem.found.id} (${problem.found.by} at ${problem.found.createdAt}): Redis was rebuilt or replaced under this service`;
          log.error({ reason: 'redis-epoch', problem, group: o.groupId }, `${why}; consuming stopped, not ready. Repair: stop the normalizer, the scorer and the projector, run ipasn rebuild, start them again (docs/runbooks.md)`);
          await o.onProblem(problem);
        },
      });
      behindGauge.set(0);
      const problem = await guard.start();
      gauge.set(guard.epochOk ? 1 : 0);
      if (!problem) log.info({ epoch: guard.epoch }, 'redis epoch marker in force');
      lifecycle.onShutdown('stop redis epoch checks', () => guard.stop());
      return guard;
    },
    async startOps(readiness, routes) {
      const stateDir = env['IPASN_STATE_DIR'];
      const portFile = options.portFile ?? (stateDir ? join(stateDir, 'run', `${name}.port`) : undefined);
      const started = await startOpsServer(
        { host: options.opsHost ?? '127.0.0.1', port: options.opsPort, logger, registry: metrics, portFile, readiness: { ...readiness, shutdown: () => !lifecycle.shuttingDown } },
        routes,
      );
      lifecycle.onFinally('close ops server', () => started.app.close());
      return started;
    },
  };
}
