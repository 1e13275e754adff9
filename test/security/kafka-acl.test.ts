/**
 * The broker's doors (design.md, Security; docs/security.md): SASL_SSL with SCRAM-SHA-512, the
 * StandardAuthorizer with nothing allowed without a rule, and the rules of infra/topics/acls.json
 * applied under a private namespace. Every denial has a positive control next to it (the same
 * principal succeeding where its rule allows), so a denial cannot pass because a login is broken.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asPrincipal } from '@ipasn/config';
import { BatchProducer, collectRange, createKafka, withAdmin, type KafkaClient } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { createTopics, KAFKA, testNamespace } from '../src/index.js';

const SECRETS = process.env['IPASN_SECRETS_DIR'];

function password(principal: string): string {
  if (!SECRETS) throw new Error('IPASN_SECRETS_DIR is not set: run the tests with npm test (it generates the secrets)');
  return readFileSync(join(SECRETS, 'kafka', 'users', `${principal}.password`), 'utf8').trim();
}

function as(principal: string, pw = password(principal)): KafkaClient {
  return createKafka({ ...asPrincipal(KAFKA, principal, pw), clientId: `security-test-${principal}`, logger: silentLogger(), connectionTimeout: 10_000 });
}

/** 'ok', or the broker's refusal as a short string. */
async function produce(kafka: KafkaClient, topic: string): Promise<string> {
  const producer = new BatchProducer(kafka);
  try {
    await producer.connect();
    await producer.send([{ topic, key: '199001012020121001', value: Buffer.from('{"probe":true}') }]);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await producer.close().catch(() => undefined);
  }
}

/** Reads the one record the admin puts on `topic` first: 'ok', or the refusal. */
async function consume(kafka: KafkaClient, topic: string, groupPrefix: string): Promise<string> {
  const admin = as('admin');
  expect(await produce(admin, topic)).toBe('ok');
  const filled = (await withAdmin(admin, (a) => a.topicOffsets(topic))).find((p) => Number(p.high) > Number(p.low));
  if (!filled) throw new Error(`nothing on ${topic}`);
  try {
    const [r] = await collectRange(kafka, [{ topic, partition: filled.partition, from: filled.low, to: filled.high }], { timeoutMs: 30_000, stallTimeoutMs: 30_000, groupPrefix });
    return (r?.messages.length ?? 0) > 0 ? 'ok' : 'read nothing';
  } catch (err) {
    return (err as Error).message;
  }
}

const DENIED = /not authorized|authorization failed/iu;

describe('Kafka: authentication and ACLs', () => {
  it('agency 3004 writes its own ingress topic and is refused on 6171, on ipasn.events and on topic deletion', async () => {
    const ns = testNamespace();
    const topics = await createTopics(ns, ['3004', '6171'], { acls: true });
    const agency = as('agency-3004');
    expect(await produce(agency, topics.ingress('3004'))).toBe('ok');
    expect(await produce(agency, topics.ingress('6171'))).toMatch(DENIED);
    expect(await produce(agency, topics.events)).toMatch(DENIED);
    const deletion = await withAdmin(agency, (admin) => admin.deleteTopics([topics.ingress('3004')])).then(
      () => 'ok',
      (err: unknown) => (err as Error).message,
    );
    expect(deletion).toMatch(DENIED);
    // Still there: the admin sees it.
    expect(await withAdmin(as('admin'), (admin) => admin.listTopics())).toContain(topics.ingress('3004'));
  });

  it('each service may do only what its rules say', async () => {
    const ns = testNamespace();
    const topics = await createTopics(ns, ['3004'], { acls: true });
    // normalizer: writes canonical events and rejects, never scores.
    expect(await produce(as('normalizer'), topics.events)).toBe('ok');
    expect(await produce(as('normalizer'), topics.scores)).toMatch(DENIED);
    // scorer: writes scores, never canonical events or ingress.
    expect(await produce(as('scorer'), topics.scores)).toBe('ok');
    expect(await produce(as('scorer'), topics.events)).toMatch(DENIED);
    expect(await produce(as('scorer'), topics.ingress('3004'))).toMatch(DENIED);
    // console: redrives to ingress (normalizer rejects) and to ipasn.events (scorer rejects), nothing else.
    expect(await produce(as('console'), topics.ingress('3004'))).toBe('ok');
    expect(await produce(as('console'), topics.events)).toBe('ok');
    expect(await produce(as('console'), topics.scores)).toMatch(DENIED);
    expect(await produce(as('console'), topics.dlq)).toMatch(DENIED);
    // projector writes nothing.
    expect(await produce(as('projector'), topics.scores)).toMatch(DENIED);
    // reader: score events yes, the DLQ (whole original payloads) no.
    expect(await consume(as('reader'), topics.scores, `${ns}ipasn-reader-`)).toBe('ok');
    expect(await consume(as('reader'), topics.dlq, `${ns}ipasn-reader-`)).toMatch(DENIED);
  });

  it('refuses a client without credentials, with a wrong password, and without TLS', async () => {
    const ns = testNamespace();
    const topics = await createTopics(ns, ['3004'], { acls: true });
    const anonymous = createKafka({ brokers: KAFKA.brokers, ...(KAFKA.ssl ? { ssl: KAFKA.ssl } : {}), clientId: 'security-test-anonymous', logger: silentLogger(), connectionTimeout: 5_000 });
    expect(await produce(anonymous, topics.ingress('3004'))).not.toBe('ok');
    expect(await produce(as('agency-3004', 'not-the-password'), topics.ingress('3004'))).toMatch(/authentication|SASL/iu);
    const plaintext = createKafka({ brokers: KAFKA.brokers, ...(KAFKA.sasl ? { sasl: KAFKA.sasl } : {}), clientId: 'security-test-plaintext', logger: silentLogger(), connectionTimeout: 5_000 });
    expect(await produce(plaintext, topics.ingress('3004'))).not.toBe('ok');
  });
});
