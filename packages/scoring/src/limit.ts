/**
 * The record limit (events.md check 10, `TOO_MANY_RECORDS`): an employee's records are agency data
 * without a natural bound, and each one is stored, loaded and scored on every event of that
 * employee. Decided after the reducer's own checks (8 NOT_OWNER, 9 UNKNOWN_RECORD), on what the
 * event would do: only an event that adds a record can break it, so replacing or retracting a
 * record is always allowed, even at or over the limit.
 */
import type { CanonicalEvent } from '@ipasn/contracts';
import { addsRecord, applyEvent, recordCount, type ApplyOutcome, type Profile } from '@ipasn/rules';

/** SCORER_MAX_RECORDS' default (events.md). */
export const DEFAULT_MAX_RECORDS = 1_000;

export type LimitedOutcome = ApplyOutcome | { ok: false; reason: 'TOO_MANY_RECORDS'; message: string };

/**
 * `applyEvent`, then check 10: an event that would add a record to an employee who has
 * `maxRecords` or more is TOO_MANY_RECORDS. Decided before the event is applied (so that `inPlace`,
 * see @ipasn/rules ApplyOptions, never changes a profile it then rejects); the reducer's own
 * rejects (NOT_OWNER) still come first.
 */
export function applyWithinLimit(profile: Profile, event: CanonicalEvent, maxRecords: number, inPlace = false): LimitedOutcome {
  // `seq` counts every record ever set (new or replaced), so it bounds the count: most employees
  // are far below the limit and are never counted.
  if (profile.seq < maxRecords || !addsRecord(profile, event) || recordCount(profile) < maxRecords) return applyEvent(profile, event, { inPlace });
  // Over the limit: the reducer's verdict first, on a copy.
  const outcome = applyEvent(profile, event);
  if (!outcome.ok) return outcome;
  const after = recordCount(profile) + 1;
  // Agency codes, record ids and counts only: never the employee.
  const recordId = 'recordId' in event.data ? ` ${JSON.stringify(event.data.recordId)}` : '';
  return {
    ok: false,
    reason: 'TOO_MANY_RECORDS',
    message: `${event.type} from agency ${event.agencyCode}: a new record${recordId} would be this employee's record ${after}, over the limit of ${maxRecords} (SCORER_MAX_RECORDS); replace or retract a record instead`,
  };
}
