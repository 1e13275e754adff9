#!/usr/bin/env node
/**
 * `npm run bench -w @ipasn/gateway [-- --events N --rounds R]`: events/s through the HTTP gateway
 * (batched mode, over HTTPS when the local certificate exists) against `ipasn publish` over Kafka
 * (SASL_SSL, one producer per agency), in the same run, on the same file, as a ratio.
 *
 * Both sides are the same CLI (`ipasn publish`, which checks every event locally first), so the
 * difference is the transport: Kafka's idempotent producer as each agency, or the gateway (which
 * checks each event again, then produces with acks=all before it answers). The gateway runs in this
 * process, as its own principal, in a fresh namespace whose topics and ACLs are made here and
 * deleted at the end. Rounds alternate the order; the medians are printed. Needs Kafka and Redis
 * (`npm run up` or infra-up.sh) with the secure setup, and a build.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { asPrincipal, kafkaConnection, loadAgencyList } from '@ipasn/config';
import { cliMain, createTopics, deleteNamespace, generateStream, REPO_ROOT, testNamespace } from '@ipasn/e2e';
import { createKafka } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { topicNames } from '@ipasn/pipeline';
import { closeRedis, createRedis } from '@ipasn/redis';
import { createRegistry } from '@ipasn/runtime';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway.js';
import { gatewayMetrics } from './metrics.js';

const run = promisify(execFile);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const { values } = parseArgs({ options: { events: { type: 'string', default: process.env['BENCH_EVENTS'] ?? '20000' }, rounds: { type: 'string', default: process.env['BENCH_ROUNDS'] ?? '3' } } });
const events = Number(values.events);
const rounds = Number(values.rounds);
const secrets = process.env['IPASN_SECRETS_DIR'] ?? join(REPO_ROOT, '.local', 'secrets');
if (!existsSync(join(secrets, 'kafka', 'ca.pem'))) throw new Error(`no secrets in ${secrets}: start the secure infrastructure first (npm run up)`);

const dir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
const ns = testNamespace();
const tokensDir = join(dir, 'secrets');
let stop: (() => Promise<void>) | undefined;
try {
  out(`gateway bench: ${fmt(events)} events, ${rounds} rounds, namespace ${ns}`);
  const stream = await generateStream({ dir, events, invalid: 0, duplicates: 0, seed: 7 });
  await createTopics(ns, stream.agencies, { acls: true, cleanup: false });
  for (const code of stream.agencies) await run('bash', [join(REPO_ROOT, 'infra/scripts/gateway-tokens.sh'), 'issue', code], { env: { ...process.env, IPASN_SECRETS_DIR: tokensDir } });

  const tlsCert = join(secrets, 'gateway', 'tls.pem');
  const tls = existsSync(tlsCert);
  const config = loadGatewayConfig({
    ...process.env,
    KAFKA_SASL_USERNAME: 'gateway',
    KAFKA_SASL_PASSWORD_FILE: join(secrets, 'kafka/users/gateway.password'),
    KAFKA_SASL_PASSWORD: undefined,
    KAFKA_SSL_CA_FILE: join(secrets, 'kafka/ca.pem'),
    REDIS_USERNAME: 'gateway',
    REDIS_PASSWORD_FILE: join(secrets, 'redis/gateway.password'),
    REDIS_PASSWORD: undefined,
    IPASN_TOPIC_PREFIX: ns,
    REDIS_PREFIX: ns,
    GATEWAY_PORT: '0',
    GATEWAY_TOKENS_FILE: join(tokensDir, 'gateway', 'tokens.db'),
    GATEWAY_RATE_MAX: '1000000',
    ...(tls ? { GATEWAY_TLS_CERT_FILE: tlsCert, GATEWAY_TLS_KEY_FILE: join(secrets, 'gateway', 'tls.key') } : {}),
  });
  const logger = silentLogger();
  const kafka = createKafka({ ...asPrincipal(kafkaConnection(config), 'gateway', config.KAFKA_SASL_PASSWORD ?? ''), clientId: 'gw-bench', logger });
  const redis = createRedis({ url: config.REDIS_URL, username: 'gateway', password: config.REDIS_PASSWORD ?? '', logger, connectionName: 'gw-bench' });
  const agencies = loadAgencyList(undefined);
  const gateway = await startGateway({ config, logger, kafka, redis, metrics: gatewayMetrics(createRegistry('gateway')), topics: topicNames(ns), agencies: () => agencies });
  stop = async () => {
    await gateway.close();
    await closeRedis(redis);
  };

  const env = { ...process.env, IPASN_TOPIC_PREFIX: ns, KAFKA_SSL_CA_FILE: join(secrets, 'kafka/ca.pem') };
  const publish = async (transport: 'kafka' | 'gateway'): Promise<number> => {
    const args =
      transport === 'kafka'
        ? ['--credentials', join(secrets, 'kafka', 'users')]
        : ['--http', gateway.url, '--credentials', join(tokensDir, 'gateway', 'tokens'), ...(tls ? ['--ca', join(secrets, 'kafka/ca.pem')] : [])];
    const started = process.hrtime.bigint();
    const { stdout } = await run('node', [cliMain(), 'publish', ...args, '--quiet', '--json', stream.file], { env, maxBuffer: 64 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const sent = (JSON.parse(stdout) as { sent: number }).sent;
    if (sent !== events) throw new Error(`${transport}: ${sent} of ${events} events sent`);
    return (sent * 1000) / ms;
  };

  const rates = { kafka: [] as number[], gateway: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    const order: ('kafka' | 'gateway')[] = r % 2 === 0 ? ['kafka', 'gateway'] : ['gateway', 'kafka'];
    for (const t of order) rates[t].push(await publish(t));
    out(`  round ${r + 1}: ipasn publish over Kafka ${fmt(rates.kafka[r]!)} events/s, through the gateway ${fmt(rates.gateway[r]!)} events/s`);
  }
  const k = median(rates.kafka);
  const g = median(rates.gateway);
  out();
  out(`ipasn publish over Kafka (SASL_SSL, one producer per agency): ${fmt(k)} events/s (median of ${rounds}, wall clock incl. process start)`);
  out(`ipasn publish --http through the gateway (batched, ${tls ? 'HTTPS' : 'HTTP'}, acks=all):  ${fmt(g)} events/s`);
  out(`gateway / Kafka: ${(g / k).toFixed(2)}`);
} finally {
  await stop?.().catch(() => undefined);
  await deleteNamespace(ns).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
