/**
 * The project's one error model (style.md, "Errors"; kafkajs `src/errors.js` is the model): every
 * error the project throws on purpose is an `IpasnError` with a stable string `code`, a
 * `retriable` flag and a `cause`. Packages subclass it for their own family of codes (ConfigError,
 * SerdeError, CliError, …); docs/errors.md lists every code and a test holds it against the code.
 *
 * `retriable` answers one question: can the same work succeed if it is simply tried again later
 * (a broker or Redis hiccup, a lost compare-and-set race)? Bad data never is — it becomes a
 * dead letter with a reason — and neither is a programmer error (TypeError, RangeError, …).
 */
export interface IpasnErrorOptions {
  cause?: unknown;
  /** Defaults to false: retrying is an explicit claim. */
  retriable?: boolean;
}

export class IpasnError extends Error {
  override name = 'IpasnError';
  readonly retriable: boolean;

  constructor(
    readonly code: string,
    message: string,
    options: IpasnErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable ?? false;
  }
}

/** Node's socket errors that mean "the peer went away": a reconnect may heal them. */
const TRANSIENT_SYSCALL_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** Errors of the clients the adapters wrap that carry no `retriable` flag but are connection losses. */
const TRANSIENT_CLIENT_ERRORS = new Set([
  // ioredis: a command failed because the connection closed or retries ran out while reconnecting.
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
]);

/**
 * Whether a consumer should hand the failed chunk back for another attempt (true) or stop the
 * service (false). An `IpasnError` says so itself; a client error with a boolean `retriable`
 * (kafkajs's KafkaJSError) likewise; connection losses are retriable; everything else — a
 * TypeError above all — is a bug that a retry would only repeat.
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof IpasnError) return err.retriable;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { retriable?: unknown; name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.retriable === 'boolean') return e.retriable;
  if (typeof e.name === 'string' && TRANSIENT_CLIENT_ERRORS.has(e.name)) return true;
  if (typeof e.code === 'string' && TRANSIENT_SYSCALL_CODES.has(e.code)) return true;
  // ioredis rejects pending commands with a plain Error when the connection closes under them.
  if (e.message === 'Connection is closed.') return true;
  return false;
}

/** The code of an error for logs and metrics: its own code, else its class name. */
export function errorCode(err: unknown): string {
  if (err instanceof IpasnError) return err.code;
  if (err instanceof Error) return err.name;
  return 'UNKNOWN';
}
