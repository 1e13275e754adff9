import { baseConfigSchema, ConfigError, flag, loadConfig, z } from '@ipasn/config';

/** `host` (any port) or `host:port`; IPv6 in brackets (`[::1]`). Lower-cased, no spaces. */
const hostList = z
  .string()
  .transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/u, 'each entry is host or host:port')).min(1, 'name at least one host'));

export const consoleConfigSchema = baseConfigSchema.extend({
  /** `production` refuses insecure settings (plain cookies, a world-readable users file). */
  NODE_ENV: z.string().optional(),
  /** Where the API, the web console and /healthz /readyz /metrics listen. */
  CONSOLE_HOST: z.string().default('127.0.0.1'),
  /** 0 picks a free port (tests). */
  CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The read-only Redis ACL user (infra/redis/users.acl): reads everything, writes only `*console:*` keys. */
  CONSOLE_REDIS_USERNAME: z.string().min(1).default('console'),
  /** Its password (or CONSOLE_REDIS_PASSWORD_FILE). Required: no default is committed anywhere. */
  CONSOLE_REDIS_PASSWORD: z.string({ error: 'required (or CONSOLE_REDIS_PASSWORD_FILE): the console Redis user’s password' }).min(1, 'must not be empty'),
  /**
   * The operators' accounts and the scripts' bearer tokens (JSON, mode 0600), managed with the
   * `console-users` CLI. Re-read when it changes, so adding or removing a user needs no restart.
   */
  CONSOLE_USERS_FILE: z.string({ error: 'required: the users file (create it with `console-users add <name> --role operator`)' }).min(1),
  /** Signs the session cookie (or CONSOLE_SESSION_SECRET_FILE); at least 32 characters, e.g. `openssl rand -base64 48`. */
  CONSOLE_SESSION_SECRET: z
    .string({ error: 'required (or CONSOLE_SESSION_SECRET_FILE): at least 32 random characters, e.g. `openssl rand -base64 48`' })
    .min(32, 'at least 32 characters, e.g. `openssl rand -base64 48`'),
  /** How long a sign-in lasts, ms (absolute, not sliding). */
  CONSOLE_SESSION_TTL_MS: z.coerce.number().int().min(60_000).max(7 * 86_400_000).default(8 * 3_600_000),
  /** Sets the cookie's `Secure` attribute (HTTPS only). Default: on with NODE_ENV=production, off otherwise (plain http on 127.0.0.1); browsers accept `Secure` cookies from http://localhost too. */
  CONSOLE_COOKIE_SECURE: flag().optional(),
  /**
   * The Host header values the console answers (DNS-rebinding defense): `host` (any port) or
   * `host:port`, comma-separated. Add the name a proxy or the browser uses to reach it.
   */
  CONSOLE_ALLOWED_HOSTS: hostList.default(['127.0.0.1', 'localhost', '[::1]']),
  /**
   * The reverse proxies in front of the console (addresses or CIDRs, comma-separated) whose
   * X-Forwarded-For names the client: sign-in limits then count per client, not per proxy.
   * Default none: the header is ignored, so a client cannot choose the address it is limited by.
   */
  CONSOLE_TRUST_PROXY: z
    .string()
    .transform((s) => s.split(',').map((h) => h.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/u, 'each entry is an IP address or CIDR')))
    .default([]),
  /** Sign-in attempts per client address per window (then 429 until the window ends). */
  CONSOLE_LOGIN_RATE_MAX: z.coerce.number().int().min(1).max(10_000).default(10),
  CONSOLE_LOGIN_RATE_WINDOW_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Redrive requests per signed-in user (or token) per window. */
  CONSOLE_REDRIVE_RATE_MAX: z.coerce.number().int().min(1).max(10_000).default(30),
  CONSOLE_REDRIVE_RATE_WINDOW_MS: z.coerce.number().int().min(1_000).default(60_000),
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
export type ConsoleConfig = Omit<z.infer<typeof consoleConfigSchema>, 'CONSOLE_COOKIE_SECURE'> & { CONSOLE_COOKIE_SECURE: boolean };

export const isProduction = (c: Pick<ConsoleConfig, 'NODE_ENV'>): boolean => c.NODE_ENV === 'production';

/** Parses the environment; secrets may come from `<NAME>_FILE` (packages/config). */
export function loadConsoleConfig(env: Record<string, string | undefined>): ConsoleConfig {
  const c = loadConfig(env, consoleConfigSchema);
  const production = isProduction(c);
  if (production && c.KAFKA_SASL_USERNAME !== undefined && c.KAFKA_SASL_PASSWORD === '') {
    throw new ConfigError('KAFKA_SASL_PASSWORD is empty: NODE_ENV=production refuses empty secrets');
  }
  return { ...c, CONSOLE_COOKIE_SECURE: c.CONSOLE_COOKIE_SECURE ?? production };
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
