// A smoke run of the infrastructure: a keyed round trip through Kafka and a Redis setting, through
// the project's own adapters, as the admin principal (demo.sh sets it). Prints what it checked;
// exits non-zero on any failure.
import { randomUUID } from 'node:crypto';
import { BatchConsumer, BatchProducer, createKafka, withAdmin } from '@ipasn/kafka';
import { closeRedis, createRedis } from '@ipasn/redis';
import { kafkaConnection, loadConfig, redisConnection } from '@ipasn/config';
import { silentLogger } from '@ipasn/logger';

const config = loadConfig(process.env);
const logger = silentLogger();
const kafka = createKafka({ ...kafkaConnection(config), clientId: 'ipasn-smoke', logger });
const topic = `ipasn.smoke.${randomUUID()}`;
await withAdmin(kafka, (admin) => admin.createTopics([{ name: topic, partitions: 3, config: {} }]));
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
    onFatal: (err) => { throw err; },
  });
  await consumer.start();
  const deadline = Date.now() + 30_000;
  while (seen < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await consumer.stop();
  if (seen !== N) throw new Error(`Kafka round trip: read ${seen} of ${N} messages`);
  console.log(`[ipasn] smoke: Kafka round trip of ${N} keyed messages in ${Math.round(performance.now() - t0)} ms (${kafka.clientId}, ${config.KAFKA_SASL_USERNAME ? `SASL_SSL as ${config.KAFKA_SASL_USERNAME}` : 'no credentials'})`);
} finally {
  await withAdmin(kafka, (admin) => admin.deleteTopics([topic]));
}
const redis = createRedis({ ...redisConnection(config), logger });
const policy = await redis.config('GET', 'maxmemory-policy');
await closeRedis(redis);
if (policy[1] !== 'noeviction') throw new Error(`Redis maxmemory-policy is ${policy[1]}, BullMQ needs noeviction`);
console.log(`[ipasn] smoke: Redis at ${config.REDIS_URL} answers${config.REDIS_USERNAME ? ` to ${config.REDIS_USERNAME}` : ''}, maxmemory-policy noeviction`);
