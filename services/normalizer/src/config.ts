import { baseConfigSchema, loadConfig, opsConfig, z } from '@ipasn/config';

export const normalizerConfigSchema = baseConfigSchema.extend({
  ...opsConfig('NORMALIZER', 9101),
  /** Consumer group of the normalizer (design.md). */
  NORMALIZER_GROUP_ID: z.string().default('ipasn-normalizer'),
  /** How often to look for new agency ingress topics, ms (picked up without a restart). */
  NORMALIZER_TOPIC_REFRESH_MS: z.coerce.number().int().min(100).default(30_000),
  /** How long a (source, id) dedupe mark lives; events.md wants at least 7 days. */
  NORMALIZER_DEDUPE_TTL_DAYS: z.coerce.number().min(7, 'dedupe marks must live at least 7 days').default(8),
  /** Messages per transaction. */
  NORMALIZER_CHUNK_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /**
   * Input partitions processed at once (kafkajs `partitionsConsumedConcurrently`). Each partition
   * has its own transactional producer and its chunks stay in order; 1 is one partition at a time.
   */
  NORMALIZER_PARTITIONS_CONCURRENTLY: z.coerce.number().int().min(1).max(64).default(4),
});
export type NormalizerConfig = z.infer<typeof normalizerConfigSchema>;

export function loadNormalizerConfig(env: Record<string, string | undefined>): NormalizerConfig {
  return loadConfig(env, normalizerConfigSchema);
}
