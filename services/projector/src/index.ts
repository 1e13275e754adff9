export { createProjector, type Projector, type ProjectorDeps } from './projector.js';
export { projectorMetrics, type ProjectorMetrics } from './metrics.js';
export { loadProjectorConfig, projectorConfigSchema, type ProjectorConfig } from './config.js';
