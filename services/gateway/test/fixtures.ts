/**
 * An in-process gateway on the real broker and Redis, in a private namespace, logged in as the
 * gateway's own Kafka principal and Redis user (so the tests prove acls.json and users.acl give it
 * what it needs), with a token database of its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asPrincipal, kafkaConnection, loadAgencyList } from '@ipasn/config';
import { createTopics, REPO_ROOT, testNamespace } from '@ipasn/e2e';
import { createKafka, type KafkaClient } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { topicNames, type TopicNames } from '@ipasn/pipeline';
import { closeRedis, createRedis } from '@ipasn/redis';
import { createRegistry, type Registry } from '@ipasn/runtime';
import { onTestFinished } from 'vitest';
import { gatewayMetrics, loadGatewayConfig, startGateway, type GatewayHandle } from '../src/index.js';

export const AGENCY = '3004';
export const OTHER = '3015';

const secrets = (): string => {
  const dir = process.env['IPASN_SECRETS_DIR'];
  if (!dir) throw new Error('IPASN_SECRETS_DIR is not set: source infra/scripts/lib.sh and as_principal admin admin first');
  return dir;
};

/** A token database in a temp folder, through the same script operators use. */
export function tokenDir(codes: readonly string[]): { dir: string; db: string; token: (code: string) => string; script: (...args: string[]) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'gw-tokens-'));
  const script = (...args: string[]): string =>
    execFileSync('bash', [join(REPO_ROOT, 'infra/scripts/gateway-tokens.sh'), ...args], { env: { ...process.env, IPASN_SECRETS_DIR: dir }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  for (const code of codes) script('issue', code);
  return {
    dir,
    db: join(dir, 'gateway', 'tokens.db'),
    token: (code) => readFileSync(join(dir, 'gateway', 'tokens', `agency-${code}.token`), 'utf8').trim(),
    script,
  };
}

export interface TestGateway {
  ns: string;
  topics: TopicNames;
  handle: GatewayHandle;
  url: string;
  registry: Registry;
  tokens: ReturnType<typeof tokenDir>;
  kafka: KafkaClient;
  /** The gateway's own Redis client (its rate-limit store). */
  redis: ReturnType<typeof createRedis>;
}

export async function startTestGateway(env: Record<string, string> = {}, options: { ns?: string; topics?: boolean } = {}): Promise<TestGateway> {
  const ns = options.ns ?? testNamespace();
  if (options.topics !== false) await createTopics(ns, [AGENCY, OTHER], { acls: true });
  const tokens = tokenDir([AGENCY, OTHER]);
  const s = secrets();
  const config = loadGatewayConfig({
    ...process.env,
    KAFKA_SASL_USERNAME: 'gateway',
    KAFKA_SASL_PASSWORD_FILE: join(s, 'kafka/users/gateway.password'),
    REDIS_USERNAME: 'gateway',
    REDIS_PASSWORD_FILE: join(s, 'redis/gateway.password'),
    KAFKA_SASL_PASSWORD: undefined,
    REDIS_PASSWORD: undefined,
    IPASN_TOPIC_PREFIX: ns,
    REDIS_PREFIX: ns,
    GATEWAY_PORT: '0',
    GATEWAY_TOKENS_FILE: tokens.db,
    GATEWAY_TOKENS_RELOAD_MS: '0',
    ...env,
  });
  const logger = silentLogger();
  const kafka = createKafka({ ...asPrincipal(kafkaConnection(config), 'gateway', config.KAFKA_SASL_PASSWORD ?? ''), clientId: `gw-test-${ns}`, logger });
  const redis = createRedis({ url: config.REDIS_URL, username: 'gateway', password: config.REDIS_PASSWORD ?? '', logger, connectionName: 'gw-test' });
  const registry = createRegistry('gateway');
  const agencies = loadAgencyList(undefined);
  const handle = await startGateway({ config, logger, kafka, redis, metrics: gatewayMetrics(registry), topics: topicNames(ns), agencies: () => agencies });
  onTestFinished(async () => {
    await handle.close();
    await closeRedis(redis);
    rmSync(tokens.dir, { recursive: true, force: true });
  });
  return { ns, topics: topicNames(ns), handle, url: handle.url, registry, tokens, kafka, redis };
}

/** A valid NIP: born 1985-03-15, appointed 2010-01, male, sequence `seq`. */
export const nip = (seq: number): string => `198503152010011${String(seq % 1000).padStart(3, '0')}`;

export function upsert(id: string, agency = AGENCY, subject = nip(1)): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: `/agencies/${agency}`,
    type: 'ipasn.employee.upserted',
    subject,
    time: '2026-01-05T09:00:00+07:00',
    datacontenttype: 'application/json',
    data: { name: 'Budi Santoso', employmentType: 'PNS', jobGroup: 'PELAKSANA', requiredEducation: 'S1' },
  };
}

export function training(id: string, agency = AGENCY, subject = nip(1)): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: `/agencies/${agency}`,
    type: 'ipasn.training.recorded',
    subject,
    time: '2026-01-05T09:00:00+07:00',
    data: { recordId: `tr-${id}`, kind: 'TECHNICAL', hours: 24, completedOn: '2025-11-02' },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${url}/v1/events`, { method: 'POST', body, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export const asAgency = (token: string, contentType: string): Record<string, string> => ({ authorization: `Bearer ${token}`, 'content-type': contentType });
