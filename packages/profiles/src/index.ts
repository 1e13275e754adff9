export { StateStore, LUA_DIR, heldIndexKey, heldPerAgency, type Loaded } from './store.js';
export { encodeState, decodeState } from './codec.js';
export { applyEventChunk, StateConflictError, type ApplyHooks, type ChunkAttempt } from './apply.js';
export {
  recordRescore,
  requestRescore,
  rescoreRuns,
  summarizeRescore,
  RESCORE_QUEUE,
  type RescoreChunk,
  type RescoreChunkResult,
  type RescoreRequest,
  type RescoreRuns,
  type RescoreSummary,
} from './rescore.js';
export { RuleSetStatus, type Computing, type RuleSetStatusView } from './rule-set-status.js';
