export { withClients, type Clients, type PipelineOptions, type Progress, type Phase } from './clients.js';
export {
  verify,
  verifyWith,
  foldEvents,
  expectedSums,
  compareRows,
  diffSums,
  ProfileFold,
  type VerifyOptions,
  type VerifyResult,
  type AgencyComparison,
  type SumDiff,
} from './verify.js';
export { rebuild, rebuildWith, type RebuildOptions, type RebuildResult } from './rebuild.js';
export { MarkRestore, REBUILT_MARK, DEFAULT_DEDUPE_TTL_DAYS, type MarkedEvent, type MarksResult } from './marks.js';
