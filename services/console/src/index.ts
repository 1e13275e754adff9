export { consoleConfigSchema, loadConsoleConfig, watchedGroups, type ConsoleConfig, type WatchedGroup } from './config.js';
export { startConsole, PUBLIC_DIR, type ConsoleHandle, type ConsoleOptions } from './console.js';
export { registerApi, type ApiDeps, type PeriodicJobInfo } from './api/index.js';
export { ApiError, API_ERROR_STATUS, toErrorBody, type ApiErrorCode, type ErrorBody } from './api/errors.js';
export { KafkaReader, type ReadRequest, type ReadResult } from './kafka-reader.js';
export { readDlqPage, DlqPageCache, decodeCursor, encodeCursor, toItem, type DlqItem, type DlqPage, type DlqFilter } from './dlq.js';
export { redrive, redriveTarget, parseDlqId, RedriveLog, type RedriveRecord, type RedriveResult } from './redrive.js';
export { StaleStore, evaluateStale, consoleKey, DAY_MS, type StaleFlag } from './stale.js';
export { readGroupLag, topicsOf, type GroupLagView, type PartitionLagView } from './lag.js';
export { LagCache, readAgencyFreshness } from './freshness.js';
export { diff2, otherRuleSet, listAgencies, readAgency, readNational, readPilot, type ViewDeps } from './read-models/agencies.js';
export { freshnessView, agencyFreshness, type FreshnessView } from './read-models/freshness.js';
export { dlqPageView, maskItem, type DlqPageView } from './read-models/dlq.js';
export { maskText, maskDigits } from './security/mask.js';
export { hostAllowed, originAllowed, parseHost } from './security/hosts.js';
export { doorOf, cspFor, safeNext } from './security/policy.js';
export { SESSION_COOKIE } from './auth/plugin.js';
export { SessionStore } from './auth/sessions.js';
export {
  UserDirectory,
  UsersFileError,
  emptyUsersFile,
  generatePassword,
  generateToken,
  hashPassword,
  readUsersFile,
  tokenHash,
  verifyPassword,
  writeUsersFile,
  type Principal,
  type Role,
  type UsersFile,
} from './auth/users.js';
export { consoleMetrics, type ConsoleMetrics } from './metrics.js';
