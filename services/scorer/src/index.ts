export { createScorer, type Scorer, type ScorerDeps } from './scorer.js';
export { scorerMetrics, type ScorerMetrics } from './metrics.js';
export { loadScorerConfig, scorerConfigSchema } from './config.js';
export { workRescores } from './rescore.js';
