/**
 * The kafkajs client factory. kafkajs is in maintenance mode; keeping it behind this package means a
 * switch of client touches one package (design.md).
 */
import kafkajs, { type KafkaConfig, type LogEntry } from 'kafkajs';

// kafkajs is CommonJS: its runtime values come through the default export under ESM.
const { Kafka, logLevel } = kafkajs;
type Kafka = InstanceType<typeof Kafka>;
import type { Logger } from '@ipasn/logger';

export interface KafkaClientConfig {
  brokers: string[];
  clientId: string;
  sasl?: { username: string; password: string } | undefined;
  logger: Logger;
  /** Connection timeout in ms (kafkajs default 1000 is tight on a loaded 2-core machine). */
  connectionTimeout?: number;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(config: KafkaClientConfig): Kafka {
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
        log[LEVELS[level] ?? 'info']({ kafka: rest }, message);
      },
  };
  if (config.sasl) {
    kafkaConfig.sasl = { mechanism: 'scram-sha-256', username: config.sasl.username, password: config.sasl.password };
  }
  return new Kafka(kafkaConfig);
}

export type { Kafka };
