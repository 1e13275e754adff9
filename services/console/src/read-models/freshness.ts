/**
 * The freshness page's read model (GET /api/freshness), pure: per agency the time since the last
 * accepted event, the last hour's and day's counts, data-gap share and stale flag; the stale job's
 * schedule; the consumer groups' lag as last read.
 */
import type { IsoDate, RuleSetId } from '@ipasn/contracts';
import type { FreshnessCounts } from '@ipasn/pipeline';
import type { LagSnapshot } from '../freshness.js';
import type { GroupLagView } from '../lag.js';
import type { StaleFlag } from '../stale.js';
import type { AgencyRow } from './agencies.js';

export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

const ZERO = { accepted: 0, rejected: 0, duplicates: 0 } as const;

export interface FreshnessInputs {
  now: number;
  asOf: IsoDate;
  agencies: readonly AgencyRow[];
  counts: ReadonlyMap<string, FreshnessCounts>;
  lag: LagSnapshot;
  staleFlags: ReadonlyMap<string, StaleFlag>;
  staleJob: { everyMs: number; nextRunAt: number | null };
}

export interface AgencyFreshness {
  code: string;
  name: string | null;
  cadenceDays: number;
  rules: RuleSetId;
  lastAcceptedAt: string | null;
  secondsSinceLastAccepted: number | null;
  lastRejectedAt: string | null;
  lastHour: { accepted: number; rejected: number; duplicates: number };
  lastDay: { accepted: number; rejected: number; duplicates: number };
  headcount: number;
  dataGaps: number;
  dataGapShare: number | null;
  stale: boolean;
  staleSince: string | null;
}

export interface FreshnessView {
  now: string;
  asOf: IsoDate;
  staleCheck: { everyMs: number; lastRunAt: string | null; nextRunAt: string | null };
  agencies: AgencyFreshness[];
  lag: { readAt: string | null; error: string | null; groups: GroupLagView[] };
}

export function agencyFreshness(a: AgencyRow, c: FreshnessCounts | undefined, now: number): AgencyFreshness {
  const last = c?.lastAcceptedAt ?? null;
  return {
    code: a.code,
    name: a.name,
    cadenceDays: a.cadenceDays,
    rules: a.rules,
    lastAcceptedAt: iso(last),
    secondsSinceLastAccepted: last === null ? null : Math.max(0, Math.round((now - last) / 1000)),
    lastRejectedAt: iso(c?.lastRejectedAt),
    lastHour: c?.lastHour ?? { ...ZERO },
    lastDay: c?.lastDay ?? { ...ZERO },
    headcount: a.headcount.total,
    dataGaps: a.dataGaps,
    dataGapShare: a.headcount.total === 0 ? null : a.dataGaps / a.headcount.total,
    stale: a.freshness.stale,
    staleSince: a.freshness.staleSince,
  };
}

export function freshnessView(i: FreshnessInputs): FreshnessView {
  // Whichever console instance ran the job, its last run is the newest flag it wrote.
  const lastRunAt = Math.max(0, ...[...i.staleFlags.values()].map((f) => f.checkedAt)) || null;
  return {
    now: new Date(i.now).toISOString(),
    asOf: i.asOf,
    staleCheck: { everyMs: i.staleJob.everyMs, lastRunAt: iso(lastRunAt), nextRunAt: iso(i.staleJob.nextRunAt) },
    agencies: i.agencies.map((a) => agencyFreshness(a, i.counts.get(a.code), i.now)),
    lag: { readAt: iso(i.lag.at), error: i.lag.error, groups: i.lag.groups },
  };
}
