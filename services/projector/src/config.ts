import { baseConfigSchema, loadConfig, opsConfig, z } from '@ipasn/config';
import { GROUPS } from '@ipasn/pipeline';

export const projectorConfigSchema = baseConfigSchema.extend({
  ...opsConfig('PROJECTOR', 9103),
  /** Consumer group of the projector on ipasn.scores (design.md); the topic prefix is prepended. */
  PROJECTOR_GROUP_ID: z.string().default(GROUPS.projector),
  /** Score events per chunk: one auto-pipelined Redis round trip and one offset commit per chunk. */
  PROJECTOR_CHUNK_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000),
});
export type ProjectorConfig = z.infer<typeof projectorConfigSchema>;

export function loadProjectorConfig(env: Record<string, string | undefined>): ProjectorConfig {
  return loadConfig(env, projectorConfigSchema);
}
