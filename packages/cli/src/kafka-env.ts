/**
 * What the Kafka commands (publish, report, tail) take from the environment, like the services:
 * KAFKA_BROKERS, KAFKA_CLIENT_ID, KAFKA_SASL_USERNAME/PASSWORD (SASL/SCRAM-SHA-256 when both are
 * set: one principal per agency, design.md "Security"), IPASN_TOPIC_PREFIX and IPASN_AGENCIES_FILE.
 */
import { readFile } from 'node:fs/promises';
import { Agencies } from '@ipasn/contracts';
import { ConfigError, kafkaConnection, loadConfig, type BaseConfig } from '@ipasn/config';
import { createKafka, type KafkaClient } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { topicNames, type TopicNames } from '@ipasn/pipeline';
import { IoError, UsageError } from './errors.js';

export interface KafkaEnv {
  config: BaseConfig;
  topics: TopicNames;
}

/** Parses the environment; a bad variable is a usage error (exit 2) naming it. */
export function kafkaEnv(env: Record<string, string | undefined> = process.env): KafkaEnv {
  try {
    const config = loadConfig(env);
    return { config, topics: topicNames(config.IPASN_TOPIC_PREFIX) };
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** The Kafka client of one command; SASL/SCRAM when the credentials are set. */
export function cliKafka(config: BaseConfig, command: string): KafkaClient {
  return createKafka({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-cli-${command}`, logger: silentLogger(), connectionTimeout: 10_000 });
}

/** `--agencies-file`, else IPASN_AGENCIES_FILE, else the shipped list. */
export async function agencyList(file: string | undefined): Promise<Agencies> {
  if (file === undefined) return Agencies.default();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new IoError(`cannot read the agency list ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return Agencies.parse(JSON.parse(text));
  } catch (err) {
    throw new UsageError(`${file} is not an agency list (see packages/contracts/src/data/agencies.json): ${(err as Error).message}`);
  }
}

/** A broker that cannot be reached, or a refused login, as exit code 1 with the reason. */
export function kafkaFailure(config: BaseConfig, err: unknown): IoError {
  const detail = err instanceof Error ? err.message : String(err);
  const who = config.KAFKA_SASL_USERNAME === undefined ? '' : ` as ${config.KAFKA_SASL_USERNAME}`;
  return new IoError(`Kafka at ${config.KAFKA_BROKERS.join(',')}${who}: ${detail}`, { cause: err });
}
