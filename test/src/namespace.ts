/**
 * A private namespace per test: one prefix for topic names (`IPASN_TOPIC_PREFIX`), consumer groups
 * and Redis keys (`REDIS_PREFIX`), so tests never see each other's data or the dev environment's.
 */
import { randomBytes } from 'node:crypto';
import { applyAcls, applyTopics, expandAcls, expandTopics, readAclFile, readTopicFile, withAdmin, type KafkaClient, type TopicSpec } from '@ipasn/kafka';
import { topicNames, type TopicNames } from '@ipasn/pipeline';
import { closeRedis } from '@ipasn/redis';
import { KEEP_ON_FAILURE, onFinished } from './cleanup.js';
import { testKafka, testRedis } from './env.js';

/** `t<8 hex>.`: a valid topic-name prefix and Redis key prefix, unique per call. */
export function testNamespace(): string {
  return `t${randomBytes(4).toString('hex')}.`;
}

export interface CreateTopicsOptions {
  kafka?: KafkaClient;
  /** Delete the namespace (topics, groups, Redis keys, ACLs) when the current test ends; default true. */
  cleanup?: boolean;
  /**
   * Also apply infra/topics/acls.json under the prefix, as `npm run topics` does, so services and
   * agencies can run as their own principals in this namespace; default false (the harness's
   * clients are the admin principal).
   */
  acls?: boolean;
}

/**
 * Creates every topic of infra/topics/topics.json under `prefix`, plus one ingress topic per agency
 * code, exactly as `npm run topics` does (expandTopics + applyTopics). Inside a test it registers
 * `deleteNamespace(prefix)` for when the test ends (kept on failure with E2E_KEEP=1).
 */
export async function createTopics(prefix: string, agencyCodes: Iterable<string>, options: CreateTopicsOptions = {}): Promise<TopicNames> {
  const kafka = options.kafka ?? testKafka();
  if (options.cleanup !== false) {
    await onFinished(async (failed) => {
      if (failed && KEEP_ON_FAILURE) return;
      await deleteNamespace(prefix, { kafka });
    });
  }
  const codes = [...agencyCodes];
  await applyAndWait(kafka, expandTopics(await readTopicFile(), codes, prefix));
  if (options.acls === true) await applyAcls(kafka, expandAcls(await readAclFile(), codes, prefix), prefix);
  return topicNames(prefix);
}

/** applyTopics waits until every partition is served (see packages/kafka/src/topics.ts). */
async function applyAndWait(kafka: KafkaClient, specs: TopicSpec[], timeoutMs = 30_000): Promise<void> {
  await applyTopics(kafka, specs, { timeoutMs });
}

/** Creates one more agency ingress topic in a namespace (e.g. while a service runs). */
export async function createIngressTopic(prefix: string, agencyCode: string, kafka: KafkaClient = testKafka()): Promise<string> {
  const file = await readTopicFile();
  await applyAndWait(kafka, expandTopics({ ...file, topics: [] }, [agencyCode], prefix));
  return topicNames(prefix).ingress(agencyCode);
}

/** Deletes every topic whose name starts with `prefix`. Returns their names. */
export async function deleteTopics(prefix: string, kafka: KafkaClient = testKafka()): Promise<string[]> {
  if (prefix.length < 2) throw new Error(`refusing to delete topics under the prefix "${prefix}"`);
  return withAdmin(kafka, async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics(topics);
    return topics;
  });
}

/** Deletes the consumer groups whose id starts with `prefix` (they must be empty: stop services first). */
export async function deleteGroups(prefix: string, kafka: KafkaClient = testKafka()): Promise<string[]> {
  if (prefix.length < 2) throw new Error(`refusing to delete groups under the prefix "${prefix}"`);
  return withAdmin(kafka, async (admin) => {
    const ids = (await admin.listGroups()).filter((id) => id.startsWith(prefix));
    await admin.deleteGroups(ids).catch(() => undefined);
    return ids;
  });
}

/** Deletes the Redis keys under `prefix` (SCAN + UNLINK, never KEYS). Returns how many. */
export async function deleteRedisKeys(prefix: string): Promise<number> {
  if (prefix.length < 2) throw new Error(`refusing to delete Redis keys under the prefix "${prefix}"`);
  const redis = testRedis();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    await closeRedis(redis);
  }
}

/** Deletes every ACL on resources under `prefix`. Returns how many. */
export async function deleteAcls(prefix: string, kafka: KafkaClient = testKafka()): Promise<number> {
  if (prefix.length < 2) throw new Error(`refusing to delete ACLs under the prefix "${prefix}"`);
  return withAdmin(kafka, async (admin) => {
    const ours = (await admin.describeAcls()).filter((b) => b.name.startsWith(prefix));
    await admin.deleteAcls(ours);
    return ours.length;
  });
}

/** Everything a namespace left behind: topics, consumer groups, Redis keys, ACLs. */
export async function deleteNamespace(prefix: string, options: { kafka?: KafkaClient } = {}): Promise<void> {
  const kafka = options.kafka ?? testKafka();
  await deleteGroups(prefix, kafka);
  await deleteTopics(prefix, kafka);
  await deleteAcls(prefix, kafka);
  await deleteRedisKeys(prefix);
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/gu, '\\$&');
}
