#!/usr/bin/env node
/**
 * services/gateway: CloudEvents over HTTP(S) from agencies into their ingress topics (docs/gateway.md).
 * Wiring only: config → adapters → startGateway; the ops server; ordered shutdown.
 */
import { join } from 'node:path';
import { loadAgencyList } from '@ipasn/config';
import { serviceRuntime } from '@ipasn/runtime';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway.js';
import { gatewayMetrics } from './metrics.js';

const config = loadGatewayConfig(process.env);
const rt = serviceRuntime('gateway', config, { opsPort: config.GATEWAY_OPS_PORT, opsHost: config.OPS_HOST, portFile: config.PORT_FILE });
if (config.IPASN_INSECURE) rt.logger.warn('INSECURE MODE (IPASN_INSECURE=1): Kafka PLAINTEXT without ACLs, Redis without users. For benchmarks only.');
const agencies = loadAgencyList(config.IPASN_AGENCIES_FILE);
const redis = rt.redis('ratelimit');
const stateDir = process.env['IPASN_STATE_DIR'];
const gateway = await startGateway({
  config: { ...config, GATEWAY_PORT_FILE: config.GATEWAY_PORT_FILE ?? (stateDir ? join(stateDir, 'run', 'gateway-api.port') : undefined) },
  logger: rt.logger,
  kafka: rt.kafka,
  redis,
  metrics: gatewayMetrics(rt.metrics),
  topics: rt.topics,
  agencies: () => agencies,
});

// style.md's order: stop intake (the requests in flight finish: their events are acknowledged or
// answered 503) → flush and close the producer; the runtime then quits Redis, closes the ops
// server and flushes the logs.
rt.onShutdown('stop intake, answer in-flight requests, close the producer', () => gateway.close());
await rt.startOps({ redis: () => redis.status === 'ready', producer: () => gateway.producerConnected() });
rt.logger.info({ url: gateway.url }, 'gateway started');
