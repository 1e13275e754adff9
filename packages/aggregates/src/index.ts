export {
  agencyKeys,
  metaKey,
  agencyIndexKey,
  aggregatePattern,
  agencyScanPattern,
  escapeGlob,
  isAgencyCode,
  isRuleSetName,
  encodeContribution,
  encodeTombstone,
  decodeEntry,
  contributionOf,
  legsOf,
  invalidReason,
  parseSums,
  sumsToHash,
  SUMS_HASH_FIELDS,
  type AgencyKeys,
  type Contribution,
  type StoredEntry,
  type Leg,
} from './keys.js';
export { addSums, headcountOf, nationalOf, rankingOf, NATIONAL, type AgencySumsRow, type NationalSummary, type RankedAgency } from './rollup.js';
export { AggregateStore, deleteMatching, LUA_DIR, APPLY_RESULTS, type ApplyResult, type LegOutcome, type EventOutcome, type AgencyMeta } from './store.js';
export { readTopicToEnd, type TopicReadOptions, type TopicReadResult } from './read-topic.js';
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
