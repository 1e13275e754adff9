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
  /** SASL/SCRAM credentials for this client (both or neither). */
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  /** Namespace prefix of every topic name (tests use a unique one); empty in production. */
  IPASN_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/u, 'letters, digits, . _ - only').default(''),
  /** The project's own Redis (never the machine's 6379 in development). */
  REDIS_URL: z.url({ protocol: /^rediss?$/u }).default('redis://127.0.0.1:16379'),
  /** Prefix for every Redis key this process writes (tests use a unique one). */
  REDIS_PREFIX: z.string().default('ipasn:'),
  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A JSON agency list replacing the one shipped in packages/contracts. */
  IPASN_AGENCIES_FILE: z.string().optional(),
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
    throw new ConfigError('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together: set both or neither');
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

/** The SASL/SCRAM credentials of a config, when both are set (checked together by loadConfig). */
export function kafkaSasl(c: Pick<BaseConfig, 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD'>): { username: string; password: string } | undefined {
  return c.KAFKA_SASL_USERNAME && c.KAFKA_SASL_PASSWORD ? { username: c.KAFKA_SASL_USERNAME, password: c.KAFKA_SASL_PASSWORD } : undefined;
}
