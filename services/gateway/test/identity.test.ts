/**
 * The gateway's own identities hold exactly what it needs: Kafka principal `gateway` writes ingress
 * topics and nothing else; Redis user `gateway` reaches only `*gateway:*` keys. Each refusal sits
 * next to the same identity's success.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { BatchProducer, withAdmin } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis } from '@ipasn/redis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AGENCY, startTestGateway } from './fixtures.js';

const DENIED = /not authorized|authorization|NOPERM/iu;

describe('gateway identities', () => {
  it('Kafka principal gateway: writes ingress topics, nothing else', async () => {
    const gw = await startTestGateway();
    const producer = new BatchProducer(gw.kafka);
    await producer.connect();
    onTestFinished(() => producer.close());
    await expect(producer.send([{ topic: gw.topics.ingress(AGENCY), key: 'k', value: Buffer.from('{}') }])).resolves.toBeUndefined();
    for (const topic of [gw.topics.events, gw.topics.dlq]) {
      const err = await producer.send([{ topic, key: 'k', value: Buffer.from('{}') }]).catch((e: unknown) => e as Error);
      expect(String((err as Error | undefined)?.message)).toMatch(DENIED);
    }
    // It describes the ingress topics only: the other topics of the namespace are invisible to it.
    const visible = (await withAdmin(gw.kafka, (admin) => admin.listTopics())).filter((t) => t.startsWith(gw.ns));
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((t) => t.startsWith(`${gw.ns}ipasn.ingress.`))).toBe(true);
  });

  it('Redis user gateway: its rate-limit keys only', async () => {
    const gw = await startTestGateway({}, { topics: false });
    const secrets = process.env['IPASN_SECRETS_DIR']!;
    const redis = createRedis({ url: process.env['REDIS_URL']!, username: 'gateway', password: readFileSync(join(secrets, 'redis/gateway.password'), 'utf8').trim(), logger: silentLogger(), connectionName: 'gw-acl' });
    onTestFinished(() => closeRedis(redis));
    expect(await redis.set(`${gw.ns}gateway:ratelimit:probe`, '1', 'PX', 5_000)).toBe('OK');
    for (const key of [`${gw.ns}dedupe:/agencies/3004:e1`, `${gw.ns}emp:198503152010011001`, `${gw.ns}console:stale:3004`]) {
      const err = await redis.get(key).catch((e: unknown) => e as Error);
      expect(String((err as Error | undefined)?.message)).toMatch(DENIED);
    }
  });
});
