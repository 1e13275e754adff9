/**
 * `loadConfig(env)`: one zod schema over the environment, parsed in `main`, never at import time.
 * Services extend `baseConfigSchema` with their own variables (`baseConfigSchema.extend({ … })`).
 */
import { readFileSync } from 'node:fs';
import { Agencies } from '@ipasn/contracts';
import { IpasnError } from '@ipasn/errors';
import { z } from 'zod';

/** "true"/"false"/"1"/"0"/"yes"/"no" — never `z.coerce.boolean` (it turns "false" into true). */
export const flag = () => z.stringbool({ truthy: ['true', '1', 'yes', 'on'], falsy: ['false', '0', 'no', 'off'] });

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, 'expected YYYY-MM-DD');

export const baseConfigSchema = z.object({
  /** Comma-separated Kafka bootstrap servers (`host:port,…`). `npm run up` starts one on 19092. */
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:19092')
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/u, 'each broker is host:port')).min(1, 'name at least one broker')),
  /** Kafka client id prefix; each service appends its name. */
  KAFKA_CLIENT_ID: z.string().default('ipasn'),
  /**
   * This client's Kafka principal and its password (both or neither; the password usually as
   * KAFKA_SASL_PASSWORD_FILE). `npm run up` generates one per service and agency in
   * .local/secrets/kafka/users (docs/security.md).
   */
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** The SASL mechanism; the broker enables SCRAM-SHA-512 only. */
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256', 'plain']).default('scram-sha-512'),
  /** PEM file of the CA the broker's certificate is signed by; TLS is on when it is set (or KAFKA_SSL=true: the system's CAs). */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  /** TLS to the broker; default: on when KAFKA_SSL_CA_FILE is set. */
  KAFKA_SSL: flag().optional(),
  /** The Redis ACL user of this process and its password (usually REDIS_PASSWORD_FILE); the `default` user is off. */
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  /**
   * PLAINTEXT Kafka and Redis without users, only to measure what security costs (npm run bench).
   * Logged loudly at every start; refused with NODE_ENV=production.
   */
  IPASN_INSECURE: flag().default(false),
  /** `production` makes missing credentials and the insecure mode fatal at start. */
  NODE_ENV: z.string().optional(),
  /** Namespace prefix of every topic name (tests use a unique one); empty in production. */
  IPASN_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/u, 'letters, digits, . _ - only').default(''),
  /** The project's own Redis (never the machine's 6379 in development). */
  REDIS_URL: z.url({ protocol: /^rediss?$/u }).default('redis://127.0.0.1:16379'),
  /**
   * Redis through Sentinel (`npm run up -- --cluster`, docs/scaling.md): comma-separated Sentinel
   * addresses (`host:port,…`); REDIS_URL is then not used — the Sentinels name the primary, and a
   * client follows a failover to the promoted replica by itself.
   */
  REDIS_SENTINELS: z
    .string()
    .optional()
    .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.split(',').map((b) => b.trim()).filter(Boolean)))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/u, 'each Sentinel is host:port')).min(1).optional()),
  /** The name the Sentinels monitor the primary under (`sentinel monitor <name> …`). */
  REDIS_SENTINEL_NAME: z.string().min(1).default('ipasn'),
  /** The Sentinels' own password (their `requirepass`; usually REDIS_SENTINEL_PASSWORD_FILE) and user, when they have one. */
  REDIS_SENTINEL_USERNAME: z.string().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /** Prefix for every Redis key this process writes (tests use a unique one). */
  REDIS_PREFIX: z.string().default('ipasn:'),
  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A JSON agency list replacing the one shipped in packages/contracts. */
  IPASN_AGENCIES_FILE: z.string().optional(),
  /**
   * A JSON rule-set list (the rule sets in force and their baseline, docs/rules.md) replacing the
   * shipped one (perban-8-2019, reformulasi-2024, bkn-2023). Read with `ruleSetsInForce` from
   * `@ipasn/rules/files`.
   */
  IPASN_RULE_SETS_FILE: z.string().optional(),
  /** Pins the evaluation date (an official measurement period); live (today in Asia/Jakarta) when unset. */
  SCORING_AS_OF: isoDate.optional(),
  /** Graceful-shutdown deadline in milliseconds; past it the process exits non-zero. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

/** A bad environment: fixed by the operator, never by a retry. */
export class ConfigError extends IpasnError {
  override name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, options);
  }
}

function checkCrossFields<T extends BaseConfig>(c: T): T {
  if ((c.KAFKA_SASL_USERNAME === undefined) !== (c.KAFKA_SASL_PASSWORD === undefined)) {
    throw new ConfigError('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) go together: set both or neither');
  }
  if ((c.REDIS_USERNAME === undefined) !== (c.REDIS_PASSWORD === undefined)) {
    throw new ConfigError('REDIS_USERNAME and REDIS_PASSWORD (or REDIS_PASSWORD_FILE) go together: set both or neither');
  }
  if (c.NODE_ENV === 'production') {
    const missing: string[] = [];
    if (c.IPASN_INSECURE) throw new ConfigError('IPASN_INSECURE is refused with NODE_ENV=production: it exists only to measure the cost of security');
    if (c.KAFKA_SASL_PASSWORD === undefined) missing.push('KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD(_FILE)');
    if (c.KAFKA_SSL === false || (c.KAFKA_SSL === undefined && c.KAFKA_SSL_CA_FILE === undefined)) missing.push('KAFKA_SSL_CA_FILE (or KAFKA_SSL=true)');
    // A service may name its own Redis user's variables (the console: CONSOLE_REDIS_PASSWORD).
    const redisPassword = Object.entries(c).some(([k, v]) => k.endsWith('REDIS_PASSWORD') && v !== undefined && v !== '');
    if (!redisPassword && !/^rediss?:\/\/[^@/]*:[^@/]+@/u.test(c.REDIS_URL)) missing.push('REDIS_USERNAME/REDIS_PASSWORD(_FILE)');
    if (missing.length > 0) throw new ConfigError(`NODE_ENV=production needs credentials: set ${missing.join(', ')} (docs/security.md)`);
  }
  return c;
}

/**
 * Secrets may come from files (`<NAME>_FILE=/path`, the Docker/Kubernetes convention): for every
 * variable `<NAME>` of the schema that is not set itself, `<NAME>_FILE`'s content (trailing newline
 * removed) becomes `<NAME>`. Setting both is an error, so it is always clear which one is used.
 * Other `*_FILE` variables of the environment (a shell's own) are left alone.
 */
export function resolveFileVariables(env: Record<string, string | undefined>, names: Iterable<string>): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of names) {
    const key = `${name}_FILE`;
    const path = env[key];
    if (path === undefined || path === '') continue;
    if (env[name] !== undefined) throw new ConfigError(`${name} and ${key} are both set: keep one`);
    try {
      out[name] = readFileSync(path, 'utf8').replace(/\r?\n$/u, '');
    } catch (err) {
      throw new ConfigError(`${key}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  return out;
}

/** Parses `env` with `schema`; the error lists every bad variable with how to fix it. */
export function loadConfig<S extends z.ZodType<BaseConfig>>(env: Record<string, string | undefined>, schema: S): z.infer<S>;
export function loadConfig(env: Record<string, string | undefined>): BaseConfig;
export function loadConfig(env: Record<string, string | undefined>, schema: z.ZodType<BaseConfig> = baseConfigSchema): BaseConfig {
  const names = schema instanceof z.ZodObject ? Object.keys(schema.shape) : Object.keys(baseConfigSchema.shape);
  const r = schema.safeParse(resolveFileVariables(env, names));
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`, { cause: r.error });
  }
  return checkCrossFields(r.data);
}

export { z };

const port = () => z.coerce.number().int().min(0).max(65535);

/**
 * The ops-server variables of a service: `OPS_HOST`, `<PREFIX>_OPS_PORT` (0 picks a free port) and
 * `PORT_FILE`. Spread into a service schema: `baseConfigSchema.extend({ ...opsConfig('SCORER', 9102), … })`.
 */
export function opsConfig<P extends string>(prefix: P, defaultPort: number) {
  return {
    /** Interface of /healthz, /readyz, /metrics (127.0.0.1: Prometheus scrapes from the same host or network). */
    OPS_HOST: z.string().default('127.0.0.1'),
    /** Written with the bound port (`npm run up` waits on /readyz through it); default `$IPASN_STATE_DIR/run/<service>.port`. */
    PORT_FILE: z.string().optional(),
    ...({ [`${prefix}_OPS_PORT`]: port().default(defaultPort) } as Record<`${P}_OPS_PORT`, z.ZodDefault<ReturnType<typeof port>>>),
  };
}

/** The agency list in force: the file named (IPASN_AGENCIES_FILE), else the one shipped in packages/contracts. */
export function loadAgencyList(file: string | undefined): Agencies {
  if (!file) return Agencies.default();
  try {
    return Agencies.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new ConfigError(`IPASN_AGENCIES_FILE ${file} is not a readable agency list (see packages/contracts/src/data/agencies.json): ${(err as Error).message}`, { cause: err });
  }
}

export type KafkaSaslMechanism = BaseConfig['KAFKA_SASL_MECHANISM'];

/** How a client reaches and authenticates to Kafka: what `createKafka` takes besides its id and logger. */
export interface KafkaConnection {
  brokers: string[];
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
  /** TLS; `ca` (PEM) when the broker's CA is not one of the system's. */
  ssl?: { ca?: string };
}

/** The Kafka connection of a config (the CA file is read here, at start, so a wrong path fails fast). */
export function kafkaConnection(c: Pick<BaseConfig, 'KAFKA_BROKERS' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SSL_CA_FILE' | 'KAFKA_SSL'>): KafkaConnection {
  const out: KafkaConnection = { brokers: c.KAFKA_BROKERS };
  if (c.KAFKA_SASL_USERNAME && c.KAFKA_SASL_PASSWORD) out.sasl = { mechanism: c.KAFKA_SASL_MECHANISM, username: c.KAFKA_SASL_USERNAME, password: c.KAFKA_SASL_PASSWORD };
  if (c.KAFKA_SSL ?? c.KAFKA_SSL_CA_FILE !== undefined) {
    out.ssl = {};
    if (c.KAFKA_SSL_CA_FILE !== undefined) {
      try {
        out.ssl.ca = readFileSync(c.KAFKA_SSL_CA_FILE, 'utf8');
      } catch (err) {
        throw new ConfigError(`KAFKA_SSL_CA_FILE: cannot read ${c.KAFKA_SSL_CA_FILE}: ${(err as Error).message}`, { cause: err });
      }
    }
  }
  return out;
}

/** The same connection as another principal (tools that act for several agencies: one producer each). */
export function asPrincipal(conn: KafkaConnection, username: string, password: string): KafkaConnection {
  return { ...conn, sasl: { mechanism: conn.sasl?.mechanism ?? 'scram-sha-512', username, password } };
}

/** Sentinels that name the Redis primary (REDIS_SENTINELS): what `createRedis` connects through instead of the URL. */
export interface RedisSentinel {
  sentinels: { host: string; port: number }[];
  name: string;
  username?: string;
  password?: string;
}

/** How a client reaches Redis: the URL (or the Sentinels, when REDIS_SENTINELS is set) and this process's ACL user, when set. */
export function redisConnection(
  c: Pick<BaseConfig, 'REDIS_URL' | 'REDIS_USERNAME' | 'REDIS_PASSWORD'> & Partial<Pick<BaseConfig, 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME' | 'REDIS_SENTINEL_USERNAME' | 'REDIS_SENTINEL_PASSWORD'>>,
): { url: string; username?: string; password?: string; sentinel?: RedisSentinel } {
  return {
    url: c.REDIS_URL,
    ...(c.REDIS_USERNAME !== undefined && c.REDIS_PASSWORD !== undefined ? { username: c.REDIS_USERNAME, password: c.REDIS_PASSWORD } : {}),
    ...(c.REDIS_SENTINELS !== undefined ? { sentinel: redisSentinel(c.REDIS_SENTINELS, c) } : {}),
  };
}

function redisSentinel(addresses: string[], c: Partial<Pick<BaseConfig, 'REDIS_SENTINEL_NAME' | 'REDIS_SENTINEL_USERNAME' | 'REDIS_SENTINEL_PASSWORD'>>): RedisSentinel {
  const sentinels = addresses.map((a) => {
    const i = a.lastIndexOf(':');
    return { host: a.slice(0, i), port: Number(a.slice(i + 1)) };
  });
  return {
    sentinels,
    name: c.REDIS_SENTINEL_NAME ?? 'ipasn',
    ...(c.REDIS_SENTINEL_USERNAME !== undefined ? { username: c.REDIS_SENTINEL_USERNAME } : {}),
    ...(c.REDIS_SENTINEL_PASSWORD !== undefined ? { password: c.REDIS_SENTINEL_PASSWORD } : {}),
  };
}
