import { baseConfigSchema, loadConfig, opsConfig, z } from '@ipasn/config';

export const scorerConfigSchema = baseConfigSchema.extend({
  ...opsConfig('SCORER', 9102),
  /** Consumer group of the scorer (design.md). */
  SCORER_GROUP_ID: z.string().default('ipasn-scorer'),
  /** Events per chunk (one Redis round trip and one produce per chunk). */
  SCORER_CHUNK_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** Partitions processed at once (different partitions never share an employee). */
  SCORER_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * Records per employee (events.md check 10): a new recordId beyond this many is TOO_MANY_RECORDS;
   * replacing or retracting is always allowed. `ipasn score` reads the same variable.
   */
  SCORER_MAX_RECORDS: z.coerce.number().int().min(1).default(1_000),
  /**
   * Events held per NIP while a transfer is on its way (events.md "Held, not rejected"): one more
   * is NOT_OWNER at once. `ipasn score` reads the same variable.
   */
  SCORER_HOLD_MAX: z.coerce.number().int().min(0).max(10_000).default(100),
  /** How long a held event waits after its ingestion time before it is NOT_OWNER (hours; may be fractional). */
  SCORER_HOLD_HOURS: z.coerce.number().positive().max(24 * 365).default(24),
  /** Time-driven rescoring jobs processed at once. */
  SCORER_TIMER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
});
export type ScorerConfig = z.infer<typeof scorerConfigSchema>;

export function loadScorerConfig(env: Record<string, string | undefined>): ScorerConfig {
  return loadConfig(env, scorerConfigSchema);
}
