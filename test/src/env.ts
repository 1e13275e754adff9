/**
 * Where the real infrastructure is (`npm test` starts Kafka on 127.0.0.1:19092 and the project's
 * Redis on 127.0.0.1:16379) and shared clients for the harness. Nothing here mocks anything.
 */
import { fileURLToPath } from 'node:url';
import { kafkaConnection, loadConfig, redisConnection } from '@ipasn/config';
import { createKafka, type KafkaClient } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { createRedis, type Redis } from '@ipasn/redis';

/** The monorepo root (this file is test/src/env.ts or test/dist/env.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const KAFKA_BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',').map((b) => b.trim()).filter(Boolean);
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:16379';
/** Brokers and credentials (npm test exports the admin principal's, from the generated secrets). */
export const KAFKA = kafkaConnection(loadConfig(process.env));
/** Redis URL and ACL user (npm test: the admin user). */
export const REDIS = redisConnection(loadConfig(process.env));

let kafka: KafkaClient | undefined;

/**
 * One kafkajs client for the harness (clients are cheap; connections belong to the producers,
 * consumers and admins made from it, and each helper closes its own).
 */
export function testKafka(): KafkaClient {
  kafka ??= createKafka({ ...KAFKA, clientId: 'ipasn-e2e', logger: silentLogger(), connectionTimeout: 10_000 });
  return kafka;
}

/** A fresh Redis connection; the caller closes it (`closeRedis`). */
export function testRedis(): Redis {
  return createRedis({ ...REDIS, logger: silentLogger(), connectionName: 'ipasn-e2e' });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
