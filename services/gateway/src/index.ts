export { loadGatewayConfig, gatewayConfigSchema, type GatewayConfig } from './config.js';
export { startGateway, type GatewayDeps, type GatewayHandle } from './gateway.js';
export { gatewayMetrics, type GatewayMetrics } from './metrics.js';
export { GATEWAY_ERROR_STATUS, GatewayError, type GatewayErrorCode } from './errors.js';
export { parseTokenFile, verifyToken, TokenStore } from './auth/tokens.js';
export { splitJsonArray, binaryEvent, modeOf, STRUCTURED, BATCH, BINARY_DATA, type Mode } from './cloudevents/modes.js';
export { checkEvents, type EventResult } from './ingest.js';
export { ProduceQueue } from './produce-queue.js';
