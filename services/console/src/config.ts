import { readFileSync } from 'node:fs';
import { Agencies } from '@ipasn/contracts';
import { baseConfigSchema, ConfigError, loadConfig, z } from '@ipasn/config';

export const consoleConfigSchema = baseConfigSchema.extend({
  /** Where the API, the web console and /healthz /readyz /metrics listen. */
  CONSOLE_HOST: z.string().default('127.0.0.1'),
  /** 0 picks a free port (tests). */
  CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The read-only Redis ACL user (infra/redis/users.acl): reads everything, writes only `*console:*` keys. */
  CONSOLE_REDIS_USERNAME: z.string().min(1).default('console'),
  /** Its password. The default is the development one of infra/redis/users.acl: set your own in production. */
  CONSOLE_REDIS_PASSWORD: z.string().min(1).default('ipasn-console-dev'),
  /** How often the stale-agency job runs (a BullMQ job scheduler), ms. */
  CONSOLE_STALE_CHECK_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Consumer-group lag and the oldest unconsumed message are read at most this often, ms. */
  CONSOLE_LAG_CACHE_MS: z.coerce.number().int().min(0).default(5_000),
  /** Rejects per DLQ page by default (a request may ask for up to 200). */
  CONSOLE_DLQ_PAGE_SIZE: z.coerce.number().int().min(1).max(200).default(50),
  /** DLQ messages read at most per request when filters match little (the page then ends early, with a cursor). */
  CONSOLE_DLQ_SCAN_LIMIT: z.coerce.number().int().min(100).max(100_000).default(5_000),
  /** Rejects one redrive request may re-publish. */
  CONSOLE_REDRIVE_MAX: z.coerce.number().int().min(1).max(1_000).default(100),
  /**
   * The services' consumer groups, set as for the services themselves; like them, the console puts
   * IPASN_TOPIC_PREFIX in front (see their main.ts).
   */
  NORMALIZER_GROUP_ID: z.string().default('ipasn-normalizer'),
  SCORER_GROUP_ID: z.string().default('ipasn-scorer'),
  PROJECTOR_GROUP_ID: z.string().default('ipasn-projector'),
  /** Written with the bound port (`npm run up` waits on /readyz through it). */
  PORT_FILE: z.string().optional(),
});
export type ConsoleConfig = z.infer<typeof consoleConfigSchema>;

export function loadConsoleConfig(env: Record<string, string | undefined>): ConsoleConfig {
  return loadConfig(env, consoleConfigSchema);
}

export function loadAgencies(file: string | undefined): Agencies {
  if (!file) return Agencies.default();
  try {
    return Agencies.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new ConfigError(`IPASN_AGENCIES_FILE ${file} is not a valid agency list: ${(err as Error).message}`, { cause: err });
  }
}

/** The consumer groups whose lag the console shows, with the topics each reads. */
export interface WatchedGroup {
  service: 'normalizer' | 'scorer' | 'projector';
  groupId: string;
}

export function watchedGroups(c: ConsoleConfig): WatchedGroup[] {
  return [
    { service: 'normalizer', groupId: `${c.IPASN_TOPIC_PREFIX}${c.NORMALIZER_GROUP_ID}` },
    { service: 'scorer', groupId: `${c.IPASN_TOPIC_PREFIX}${c.SCORER_GROUP_ID}` },
    { service: 'projector', groupId: `${c.IPASN_TOPIC_PREFIX}${c.PROJECTOR_GROUP_ID}` },
  ];
}
