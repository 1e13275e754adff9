import { readFileSync } from 'node:fs';
import { Agencies } from '@ipasn/contracts';
import { baseConfigSchema, loadConfig, z } from '@ipasn/config';

export const normalizerConfigSchema = baseConfigSchema.extend({
  /** Consumer group of the normalizer (design.md). */
  NORMALIZER_GROUP_ID: z.string().default('ipasn-normalizer'),
  /** How often to look for new agency ingress topics, ms (picked up without a restart). */
  NORMALIZER_TOPIC_REFRESH_MS: z.coerce.number().int().min(100).default(30_000),
  /** How long a (source, id) dedupe mark lives; events.md wants at least 7 days. */
  NORMALIZER_DEDUPE_TTL_DAYS: z.coerce.number().min(7, 'dedupe marks must live at least 7 days').default(8),
  /** Messages per transaction. */
  NORMALIZER_CHUNK_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** Host and port of /healthz, /readyz, /metrics (0 = any free port). */
  OPS_HOST: z.string().default('127.0.0.1'),
  NORMALIZER_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9101),
  /** Written with the bound port (npm run up waits on /readyz through it). */
  PORT_FILE: z.string().optional(),
});
export type NormalizerConfig = z.infer<typeof normalizerConfigSchema>;

export function loadNormalizerConfig(env: Record<string, string | undefined>): NormalizerConfig {
  return loadConfig(env, normalizerConfigSchema);
}

export function loadAgencies(file: string | undefined): Agencies {
  return file ? Agencies.parse(JSON.parse(readFileSync(file, 'utf8'))) : Agencies.default();
}
