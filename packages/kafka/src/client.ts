/**
 * The Kafka client factory. kafkajs is in maintenance mode; keeping it behind this package means a
 * switch of client touches one package (design.md; docs/decisions/kafka-client.md).
 */
import kafkajs, { type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '@ipasn/logger';
import { bindRaw } from './internal.js';

// kafkajs is CommonJS: its runtime values come through the default export under ESM.
const { Kafka, logLevel } = kafkajs;

export interface KafkaClientConfig {
  brokers: string[];
  clientId: string;
  /** SASL credentials (the broker enables SCRAM-SHA-512; @ipasn/config `kafkaConnection` builds this). */
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain'; username: string; password: string } | undefined;
  /** TLS, with the CA (PEM) when the broker's is not one of the system's. */
  ssl?: { ca?: string } | undefined;
  logger: Logger;
  /** Connection timeout in ms (kafkajs default 1000 is tight on a loaded 2-core machine). */
  connectionTimeout?: number;
}

/**
 * Broker answers that kafkajs logs at ERROR on every occurrence although they are part of normal
 * operation and retried (leadership moving right after a topic create or a broker restart).
 */
const TRANSIENT_RESPONSES = [
  'This server is not the leader for that topic-partition',
  'This server does not host this topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  "The coordinator is loading and hence can't process requests for this group",
  'The group coordinator is not available',
  'This is not the correct coordinator for this group',
];

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * A connection factory for one cluster and one identity. Producers, consumers and admin sessions
 * made from it hold the connections; the client itself holds none and needs no closing.
 */
export class KafkaClient {
  private constructor(
    readonly clientId: string,
    readonly logger: Logger,
  ) {}

  /** @internal */
  static create(config: KafkaClientConfig): KafkaClient {
    process.env['KAFKAJS_NO_PARTITIONER_WARNING'] ??= '1';
    const log = config.logger.child({ component: 'kafkajs' });
    const kafkaConfig: KafkaConfig = {
      clientId: config.clientId,
      brokers: config.brokers,
      connectionTimeout: config.connectionTimeout ?? 5000,
      requestTimeout: 30_000,
      retry: { initialRetryTime: 100, retries: 8 },
      // kafkajs logs at INFO for every join/leave; keep its WARN and ERROR under our logger.
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log: entry }: LogEntry) => {
          const { message, ...rest } = entry;
          const transient = typeof rest['error'] === 'string' && TRANSIENT_RESPONSES.includes(rest['error']);
          log[transient ? 'debug' : (LEVELS[level] ?? 'info')]({ kafka: rest }, message);
        },
    };
    if (config.sasl) {
      // kafkajs types SASL options per mechanism: each branch narrows to one of them.
      const { mechanism, username, password } = config.sasl;
      kafkaConfig.sasl = mechanism === 'plain' ? { mechanism, username, password } : mechanism === 'scram-sha-256' ? { mechanism, username, password } : { mechanism, username, password };
    }
    if (config.ssl) kafkaConfig.ssl = config.ssl.ca === undefined ? true : { ca: [config.ssl.ca] };
    const client = new KafkaClient(config.clientId, config.logger);
    bindRaw(client, new Kafka(kafkaConfig));
    return client;
  }
}

export function createKafka(config: KafkaClientConfig): KafkaClient {
  return KafkaClient.create(config);
}
