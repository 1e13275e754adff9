export { Lifecycle, type LifecycleOptions, type ShutdownStep } from './lifecycle.js';
export { createRegistry, READY_METRIC, startOpsServer, type FastifyInstance, type OpsServerOptions } from './http.js';
export { redisGuardGauges, serviceRuntime, type ServiceOptions, type ServiceRuntime } from './service.js';
export { Counter, Gauge, Histogram, Registry } from 'prom-client';
