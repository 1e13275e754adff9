/**
 * Reject reason codes (events.md, "Rejects"). Checks run in this order and the first failure wins.
 * docs/errors.md documents each; a test (test/contract/errors.test.ts) checks that the two agree.
 */
export const REJECT_REASONS = [
  'MALFORMED',
  'UNSUPPORTED_TYPE',
  'SCHEMA_INVALID',
  'INVALID_NIP',
  'UNKNOWN_AGENCY',
  'AGENCY_MISMATCH',
  'FUTURE_DATED',
  'NOT_OWNER',
  'UNKNOWN_RECORD',
  'TOO_MANY_RECORDS',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Where a reject was decided. */
export const REJECT_STAGES = ['normalizer', 'scorer'] as const;
export type RejectStage = (typeof REJECT_STAGES)[number];

export const REJECT_REASON_DESCRIPTIONS: Record<RejectReason, string> = {
  MALFORMED: 'over 64 KiB, not JSON, or not a JSON object',
  UNSUPPORTED_TYPE: 'specversion is not "1.0", or type is not a known event type',
  SCHEMA_INVALID:
    'an envelope or data field is missing, of the wrong type, outside its enumeration after aliases, or breaks a rule',
  INVALID_NIP: 'subject is not a valid 18-digit NIP (birth date, appointment year, gender digit)',
  UNKNOWN_AGENCY: 'the source agency or toAgencyCode is not in the agency list',
  AGENCY_MISMATCH: "the source agency differs from the ingress topic's agency",
  FUTURE_DATED: 'time or a record date is more than 24 h after ingestion, or year is after the ingestion year',
  NOT_OWNER: 'the sending agency does not own the employee (see the ownership table)',
  UNKNOWN_RECORD: 'a retraction names a record this employee does not have',
  TOO_MANY_RECORDS: 'a new recordId would give the employee more than SCORER_MAX_RECORDS (default 1,000) records',
};
