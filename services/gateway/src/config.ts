import { baseConfigSchema, ConfigError, loadConfig, opsConfig, z } from '@ipasn/config';

export const gatewayConfigSchema = baseConfigSchema.extend({
  ...opsConfig('GATEWAY', 9104),
  /** Where the agencies' API listens (the ops endpoints are on GATEWAY_OPS_PORT, never here). */
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** 0 picks a free port (tests). */
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  /** Written with the API's bound port (the demo and `ipasn publish --http` find it there). */
  GATEWAY_PORT_FILE: z.string().optional(),
  /** HTTPS: the certificate and key (PEM); both or neither. `npm run up` uses .local/secrets/gateway/tls.pem, signed by the local CA. */
  GATEWAY_TLS_CERT_FILE: z.string().min(1).optional(),
  GATEWAY_TLS_KEY_FILE: z.string().min(1).optional(),
  /** The hashed API tokens (infra/scripts/gateway-tokens.sh writes it); re-read when it changes. */
  GATEWAY_TOKENS_FILE: z.string({ error: 'required: the token database (.local/secrets/gateway/tokens.db, written by infra/scripts/gateway-tokens.sh)' }).min(1),
  /** How often, at most, the token file's modification time is looked at, ms (0: on every request). */
  GATEWAY_TOKENS_RELOAD_MS: z.coerce.number().int().min(0).default(1_000),
  /** Largest request body, bytes (→ 413). One event is at most 64 KiB (events.md); a batch of them needs room. */
  GATEWAY_BODY_LIMIT_BYTES: z.coerce.number().int().min(65_536).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  /** Most events in one batch (→ 413). */
  GATEWAY_MAX_BATCH_EVENTS: z.coerce.number().int().min(1).max(100_000).default(1_000),
  /** Requests per agency per window (→ 429 with Retry-After), counted in Redis across instances. */
  GATEWAY_RATE_MAX: z.coerce.number().int().min(1).max(1_000_000).default(600),
  GATEWAY_RATE_WINDOW_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** How long a request waits for the broker's acknowledgement before it answers 503 (the client retries; the normalizer drops copies). */
  GATEWAY_PRODUCE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Retry-After (seconds) of a 503. */
  GATEWAY_RETRY_AFTER_S: z.coerce.number().int().min(1).max(3_600).default(5),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  const c = loadConfig(env, gatewayConfigSchema);
  if ((c.GATEWAY_TLS_CERT_FILE === undefined) !== (c.GATEWAY_TLS_KEY_FILE === undefined)) {
    throw new ConfigError('GATEWAY_TLS_CERT_FILE and GATEWAY_TLS_KEY_FILE go together: set both (HTTPS) or neither (plain HTTP behind a TLS proxy)');
  }
  if (c.NODE_ENV === 'production' && c.GATEWAY_TLS_CERT_FILE === undefined && c.GATEWAY_HOST !== '127.0.0.1') {
    throw new ConfigError('NODE_ENV=production: plain HTTP on a public interface would carry API tokens in clear; set GATEWAY_TLS_CERT_FILE/GATEWAY_TLS_KEY_FILE or bind GATEWAY_HOST=127.0.0.1 behind a TLS proxy');
  }
  return c;
}
