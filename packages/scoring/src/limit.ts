/**
 * The record limit (events.md check 10, `TOO_MANY_RECORDS`): an employee's records are agency data
 * without a natural bound, and each one is stored, loaded and scored on every event of that
 * employee. Decided after the reducer's own checks (8 NOT_OWNER, 9 UNKNOWN_RECORD), on what the
 * event would do: only an event that adds a record can break it, so replacing or retracting a
 * record is always allowed, even at or over the limit.
 */
import type { CanonicalEvent } from '@ipasn/contracts';
import { applyEvent, type ApplyOutcome, type Profile } from '@ipasn/rules';

/** SCORER_MAX_RECORDS' default (events.md). */
export const DEFAULT_MAX_RECORDS = 1_000;

export type LimitedOutcome = ApplyOutcome | { ok: false; reason: 'TOO_MANY_RECORDS'; message: string };

function recordCount(profile: Profile): number {
  return Object.keys(profile.records).length;
}

/** `applyEvent`, then check 10: more records than before and more than `maxRecords` is TOO_MANY_RECORDS. */
export function applyWithinLimit(profile: Profile, event: CanonicalEvent, maxRecords: number): LimitedOutcome {
  const outcome = applyEvent(profile, event);
  if (!outcome.ok) return outcome;
  const after = recordCount(outcome.profile);
  if (after <= maxRecords || after <= recordCount(profile)) return outcome;
  // Agency codes, record ids and counts only: never the employee.
  const recordId = 'recordId' in event.data ? ` ${JSON.stringify(event.data.recordId)}` : '';
  return {
    ok: false,
    reason: 'TOO_MANY_RECORDS',
    message: `${event.type} from agency ${event.agencyCode}: a new record${recordId} would be this employee's record ${after}, over the limit of ${maxRecords} (SCORER_MAX_RECORDS); replace or retract a record instead`,
  };
}
