/**
 * The one error class of this package. Codes are stable strings (documented in README.md, checked by
 * a test); none is retriable: bad bytes stay bad, so a consumer dead-letters them instead of retrying.
 */
import { IpasnError } from '@ipasn/errors';

export const SERDE_ERROR_CODES = [
  'BAD_MARKER',
  'TRUNCATED',
  'UNKNOWN_FINGERPRINT',
  'DECODE_FAILED',
  'WRONG_SUBJECT',
  'INVALID_VALUE',
  'INVALID_EVENT',
  'UNKNOWN_SUBJECT',
  'UNKNOWN_VERSION',
  'SCHEMA_DIR_INVALID',
  'SCHEMA_INCOMPATIBLE',
  'BAD_HEADERS',
] as const;
export type SerdeErrorCode = (typeof SERDE_ERROR_CODES)[number];

/** Bad data or a bad schema set never heals by retrying. */
export class SerdeError extends IpasnError {
  override name = 'SerdeError';
  declare readonly code: SerdeErrorCode;

  constructor(code: SerdeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { ...options, retriable: false });
  }
}
