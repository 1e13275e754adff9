#!/usr/bin/env node
/**
 * `npm run topics`: applies infra/topics/topics.json for every agency in the list in force
 * (IPASN_AGENCIES_FILE or the shipped one). Idempotent; prints what it changed.
 */
import { kafkaSasl, loadAgencyList, loadConfig } from '@ipasn/config';
import { createLogger } from '@ipasn/logger';
import { applyTopics, createKafka, expandTopics, readTopicFile } from '../index.js';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'topics', level: config.LOG_LEVEL });
const agencies = loadAgencyList(config.IPASN_AGENCIES_FILE);
const kafka = createKafka({
  brokers: config.KAFKA_BROKERS,
  clientId: `${config.KAFKA_CLIENT_ID}-topics`,
  logger,
  sasl: kafkaSasl(config),
});
const specs = expandTopics(await readTopicFile(), agencies.all.map((a) => a.code), config.IPASN_TOPIC_PREFIX);
const report = await applyTopics(kafka, specs);
console.log(
  `[ipasn] topics: ${report.created.length} created, ${report.grown.length} grown, ${report.reconfigured.length} reconfigured, ${report.unchanged.length} unchanged`,
);
