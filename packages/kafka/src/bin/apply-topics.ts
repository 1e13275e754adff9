#!/usr/bin/env node
/**
 * `npm run topics`: applies infra/topics/topics.json for every agency in the list in force
 * (IPASN_AGENCIES_FILE or the shipped one). Idempotent; prints what it changed.
 */
import { kafkaConnection, loadAgencyList, loadConfig } from '@ipasn/config';
import { createLogger } from '@ipasn/logger';
import { applyAcls, applyTopics, createKafka, expandAcls, expandTopics, readAclFile, readTopicFile } from '../index.js';

const config = loadConfig(process.env);
const logger = createLogger({ service: 'topics', level: config.LOG_LEVEL });
const agencies = loadAgencyList(config.IPASN_AGENCIES_FILE);
const kafka = createKafka({ ...kafkaConnection(config), clientId: `${config.KAFKA_CLIENT_ID}-topics`, logger });
const codes = agencies.all.map((a) => a.code);
const specs = expandTopics(await readTopicFile(), codes, config.IPASN_TOPIC_PREFIX);
const report = await applyTopics(kafka, specs);
console.log(
  `[ipasn] topics: ${report.created.length} created, ${report.grown.length} grown, ${report.reconfigured.length} reconfigured, ${report.unchanged.length} unchanged`,
);
// The ACLs beside the topic list (infra/topics/acls.json); a broker in the insecure benchmark mode has no authorizer.
if (config.IPASN_INSECURE) {
  console.log('[ipasn] acls: skipped (IPASN_INSECURE: the broker runs without an authorizer)');
} else {
  const acls = await applyAcls(kafka, expandAcls(await readAclFile(), codes, config.IPASN_TOPIC_PREFIX), config.IPASN_TOPIC_PREFIX);
  console.log(`[ipasn] acls: ${acls.created.length} created, ${acls.deleted.length} deleted, ${acls.unchanged} unchanged`);
}
