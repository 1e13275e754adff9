/**
 * Options shared by verify and rebuild (CLI-friendly: plain values, clients created and closed
 * here) and the clients they run with. Injected clients are used as they are and never closed.
 */
import type { IsoDate } from '@ipasn/contracts';
import { createKafka, type KafkaClient, type KafkaClientConfig } from '@ipasn/kafka';
import { silentLogger, type Logger } from '@ipasn/logger';
import { topicNames, type TopicNames } from '@ipasn/pipeline';
import { closeRedis, createRedis, type Redis, type RedisClientConfig } from '@ipasn/redis';
import type { RuleSet } from '@ipasn/rules';
import type { HoldLimits } from '@ipasn/scoring';

export type Phase = 'drop' | 'rebuild-states' | 'rebuild-aggregates' | 'verify-events' | 'verify-compare';

/** One progress report: `done` of `total` units (messages, or agencies for verify-compare). */
export interface Progress {
  phase: Phase;
  done: number;
  total: number;
}

export interface PipelineOptions {
  /** Kafka brokers and credentials (@ipasn/config `kafkaConnection`); default 127.0.0.1:19092, none. */
  kafkaConnection?: { brokers: string[]; sasl?: KafkaClientConfig['sasl']; ssl?: KafkaClientConfig['ssl'] };
  /** Redis URL and ACL user (@ipasn/config `redisConnection`); default redis://127.0.0.1:16379. */
  redisConnection?: { url: string; username?: string; password?: string; sentinel?: NonNullable<RedisClientConfig['sentinel']> };
  /** IPASN_TOPIC_PREFIX: namespace prefix of every topic; default ''. */
  topicPrefix?: string;
  /** REDIS_PREFIX: prefix of every Redis key; default 'ipasn:'. */
  redisPrefix?: string;
  /** Kafka client id; default 'ipasn-ops'. */
  clientId?: string;
  /** The evaluation date (SCORING_AS_OF of the scorer whose output is checked); default today in Asia/Jakarta. */
  asOf?: IsoDate | undefined;
  /** The scorer's SCORER_HOLD_MAX and SCORER_HOLD_HOURS (events.md holds); default 100 events, 24 h. */
  hold?: HoldLimits | undefined;
  /** The rule sets to score with: the list in force (the CLI reads IPASN_RULE_SETS_FILE); default the shipped list. */
  ruleSets?: readonly RuleSet[];
  /** SCORER_MAX_RECORDS of the scorer whose output is rebuilt or checked; default 1,000 (the scorer's). */
  maxRecords?: number | undefined;
  /** Messages per chunk; default 1000. */
  chunkSize?: number;
  onProgress?: (progress: Progress) => void;
  logger?: Logger;
  /** Injected clients (tests, or a caller that has them): used as they are, not closed. */
  kafka?: KafkaClient;
  redis?: Redis;
}

export interface Clients {
  kafka: KafkaClient;
  redis: Redis;
  logger: Logger;
  topics: TopicNames;
  redisPrefix: string;
}

export async function withClients<T>(options: PipelineOptions, run: (clients: Clients) => Promise<T>): Promise<T> {
  const logger = options.logger ?? silentLogger();
  const kafka =
    options.kafka ??
    createKafka({ ...(options.kafkaConnection ?? { brokers: ['127.0.0.1:19092'] }), clientId: options.clientId ?? 'ipasn-ops', logger });
  const ownRedis = options.redis === undefined;
  const redis = options.redis ?? createRedis({ ...(options.redisConnection ?? { url: 'redis://127.0.0.1:16379' }), logger, connectionName: 'ipasn-ops' });
  try {
    return await run({ kafka, redis, logger, topics: topicNames(options.topicPrefix ?? ''), redisPrefix: options.redisPrefix ?? 'ipasn:' });
  } finally {
    if (ownRedis) await closeRedis(redis);
  }
}
