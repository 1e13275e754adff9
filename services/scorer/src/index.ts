export { createScorer, scoringContext, type Scorer, type ScorerDeps } from './scorer.js';
export { StateStore, LUA_DIR } from './store.js';
export { scorerMetrics, type ScorerMetrics } from './metrics.js';
export { loadScorerConfig, scorerConfigSchema } from './config.js';
export { requestRescore, rescoreRuns, workRescores, RESCORE_QUEUE, type RescoreChunk, type RescoreRequest, type RescoreSummary } from './rescore.js';
