/**
 * The gateway as a unit main.ts and the tests share: the API server (HTTP or HTTPS) over one
 * idempotent producer (acks=all) as the gateway's Kafka principal. The ops endpoints are the
 * runtime's, on their own port.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Agencies } from '@ipasn/contracts';
import { BatchProducer, type KafkaClient } from '@ipasn/kafka';
import type { Logger } from '@ipasn/logger';
import type { TopicNames } from '@ipasn/pipeline';
import type { Redis } from '@ipasn/redis';
import { fastify, type FastifyInstance } from 'fastify';
import { registerApp } from './app.js';
import { TokenStore } from './auth/tokens.js';
import type { GatewayConfig } from './config.js';
import type { GatewayMetrics } from './metrics.js';
import { ProduceQueue } from './produce-queue.js';

export interface GatewayDeps {
  config: GatewayConfig;
  logger: Logger;
  kafka: KafkaClient;
  redis: Redis;
  metrics: GatewayMetrics;
  topics: TopicNames;
  agencies: () => Agencies;
  now?: () => Date;
}

export interface GatewayHandle {
  app: FastifyInstance;
  port: number;
  /** `http(s)://host:port` of the API. */
  url: string;
  producerConnected(): boolean;
  /** Stop intake (finish the requests in flight), then flush and close the producer. Idempotent. */
  close(): Promise<void>;
}

/** Most messages in one produce call: several requests' events, within kafkajs's comfortable request sizes. */
const MAX_MESSAGES_PER_SEND = 5_000;

export async function startGateway(d: GatewayDeps): Promise<GatewayHandle> {
  const c = d.config;
  const tokens = new TokenStore(c.GATEWAY_TOKENS_FILE, c.GATEWAY_TOKENS_RELOAD_MS, d.logger).load();
  d.logger.info({ active: tokens.size }, 'token database loaded');
  const producer = new BatchProducer(d.kafka);
  await producer.connect();
  let connected = true;
  const queue = new ProduceQueue(producer, { timeoutMs: c.GATEWAY_PRODUCE_TIMEOUT_MS, maxMessagesPerSend: MAX_MESSAGES_PER_SEND });
  const tls = c.GATEWAY_TLS_CERT_FILE !== undefined && c.GATEWAY_TLS_KEY_FILE !== undefined;
  const app = fastify({
    logger: false,
    bodyLimit: c.GATEWAY_BODY_LIMIT_BYTES,
    // Behind a proxy the client address is not needed: limits are per agency, not per address.
    ...(tls ? { https: { cert: readFileSync(c.GATEWAY_TLS_CERT_FILE!), key: readFileSync(c.GATEWAY_TLS_KEY_FILE!) } } : {}),
  }) as unknown as FastifyInstance;
  await registerApp(app, {
    logger: d.logger,
    tokens,
    queue,
    metrics: d.metrics,
    topics: d.topics,
    agencies: d.agencies,
    redis: d.redis,
    redisPrefix: c.REDIS_PREFIX,
    limits: { maxBatchEvents: c.GATEWAY_MAX_BATCH_EVENTS, rateMax: c.GATEWAY_RATE_MAX, rateWindowMs: c.GATEWAY_RATE_WINDOW_MS, retryAfterS: c.GATEWAY_RETRY_AFTER_S },
    now: d.now ?? (() => new Date()),
  });
  await app.listen({ host: c.GATEWAY_HOST, port: c.GATEWAY_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : c.GATEWAY_PORT;
  if (c.GATEWAY_PORT_FILE) await writeFile(c.GATEWAY_PORT_FILE, String(port));
  const host = c.GATEWAY_HOST.includes(':') ? `[${c.GATEWAY_HOST}]` : c.GATEWAY_HOST;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    app,
    port,
    url,
    producerConnected: () => connected,
    close() {
      closing ??= (async () => {
        await app.close();
        connected = false;
        await producer.close();
      })();
      return closing;
    },
  };
}
