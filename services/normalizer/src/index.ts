export { createProcessor, type ProcessorDeps } from './processor.js';
export { Normalizer, type NormalizerOptions } from './normalizer.js';
export { normalizerMetrics, type NormalizerMetrics } from './metrics.js';
export { loadNormalizerConfig, normalizerConfigSchema } from './config.js';
