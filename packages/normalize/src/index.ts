export {
  MAX_EVENT_BYTES,
  NORMALIZER_REJECT_REASONS,
  SPEC_VERSION,
  normalize,
  utf8Length,
  type NormalizeContext,
  type NormalizeResult,
  type NormalizerRejectReason,
  type Reject,
} from './normalize.js';
export { MIN_APPOINTMENT_AGE, normalizeNip, validateNip, type NipCheck } from './nip.js';
export { dedupeKey } from './dedupe.js';
export { ALIASES, DATE_FORMATS, aliasKey, aliasLookup, type AliasTable } from './aliases.js';
export { CATALOG, type Catalog, type CatalogEntry } from './catalog.js';
export { FUTURE_TOLERANCE_MS } from './checks.js';
export { parseCalendarDate, parseTimestamp } from './calendar.js';
export { LENGTH_LIMITS, charCount } from './fields.js';
export { subjectKey } from './key.js';
