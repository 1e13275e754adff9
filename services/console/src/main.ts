#!/usr/bin/env node
/**
 * services/console: the operators' HTTP API (OpenAPI at /docs), the web console, stale-agency
 * detection (a BullMQ job scheduler) and /healthz /readyz /metrics, on CONSOLE_HOST:CONSOLE_PORT
 * (127.0.0.1:8080). Wiring only: config → startConsole → ordered shutdown.
 */
import { join } from 'node:path';
import { createLogger } from '@ipasn/logger';
import { Lifecycle } from '@ipasn/runtime';
import { loadConsoleConfig } from './config.js';
import { startConsole } from './console.js';

const config = loadConsoleConfig(process.env);
const logger = createLogger({ service: 'console', level: config.LOG_LEVEL });
const lifecycle = new Lifecycle({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }).installSignalHandlers();

const stateDir = process.env['IPASN_STATE_DIR'];
const handle = await startConsole({
  config,
  logger,
  portFile: config.PORT_FILE ?? (stateDir ? join(stateDir, 'run', 'console.port') : undefined),
  readiness: { shutdown: () => !lifecycle.shuttingDown },
});
for (const step of handle.shutdownSteps) lifecycle.onShutdown(step.name, step.run);
logger.info({ url: handle.url, asOf: config.SCORING_AS_OF ?? 'live' }, 'console started');
