import { baseConfigSchema, loadConfig, z } from '@ipasn/config';
import { GROUPS } from '@ipasn/pipeline';

export const projectorConfigSchema = baseConfigSchema.extend({
  /** Consumer group of the projector on ipasn.scores (design.md); the topic prefix is prepended. */
  PROJECTOR_GROUP_ID: z.string().default(GROUPS.projector),
  /** Score events per chunk: one auto-pipelined Redis round trip and one offset commit per chunk. */
  PROJECTOR_CHUNK_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /** Interface of the ops server (/healthz, /readyz, /metrics). */
  OPS_HOST: z.string().default('127.0.0.1'),
  /** Port of the ops server; 0 picks a free one (tests). */
  PROJECTOR_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9103),
  /** Where to write the bound port; default `$IPASN_STATE_DIR/run/projector.port` when that is set. */
  PORT_FILE: z.string().optional(),
});
export type ProjectorConfig = z.infer<typeof projectorConfigSchema>;

export function loadProjectorConfig(env: Record<string, string | undefined>): ProjectorConfig {
  return loadConfig(env, projectorConfigSchema);
}
