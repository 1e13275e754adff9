/** What the API's plugins read from and write to (built in console.ts). */
import type { Redis } from '@ipasn/redis';
import type { DlqReadOptions } from '../dlq.js';
import type { LagCache } from '../freshness.js';
import type { ConsoleMetrics } from '../metrics.js';
import type { ViewDeps } from '../read-models/agencies.js';
import type { RedriveDeps } from '../redrive.js';

/** What the freshness endpoint says about the stale job. */
export interface PeriodicJobInfo {
  everyMs: number;
  nextRunAt(): Promise<number | null>;
}

export interface ApiDeps {
  views: ViewDeps;
  redis: Redis;
  redisPrefix: string;
  lag: LagCache;
  dlq: Omit<DlqReadOptions, 'limit'> & { defaultLimit: number };
  redrive: RedriveDeps & { max: number; rate: { max: number; windowMs: number } };
  staleJob: PeriodicJobInfo;
  metrics: ConsoleMetrics;
  /** SCORER_HOLD_HOURS (shown with the held events). */
  holdHours: number;
}
