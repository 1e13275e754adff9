/**
 * One error body for every request-level failure: `{ statusCode, error, code, message }` (the
 * console's shape). Per-event problems are not errors: they are results (ingest.ts). Handlers throw
 * a `GatewayError` (its code fixes the status); fastify's own client errors (body too large, bad
 * media type) and @fastify/rate-limit's refusals are mapped to the same shape; anything else is a
 * 500 whose message is not shown.
 */
import { STATUS_CODES } from 'node:http';
import { errorCode, IpasnError } from '@ipasn/errors';
import type { Logger } from '@ipasn/logger';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const GATEWAY_ERROR_STATUS = {
  GATEWAY_BAD_REQUEST: 400,
  GATEWAY_UNAUTHENTICATED: 401,
  GATEWAY_FORBIDDEN: 403,
  GATEWAY_TOO_LARGE: 413,
  GATEWAY_UNSUPPORTED_MEDIA_TYPE: 415,
  GATEWAY_RATE_LIMITED: 429,
  GATEWAY_UNAVAILABLE: 503,
} as const;
export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_STATUS;

export class GatewayError extends IpasnError {
  override name = 'GatewayError';
  override readonly code: GatewayErrorCode;
  constructor(code: GatewayErrorCode, message: string, options?: { cause?: unknown; retriable?: boolean }) {
    super(code, message, options);
    this.code = code;
  }
  get statusCode(): number {
    return GATEWAY_ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
}

export const errorBodySchema = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
  required: ['statusCode', 'error', 'code', 'message'],
} as const;

function bodyOf(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
}

/** fastify's client errors that have a gateway code of their own. */
const FASTIFY_CODES: Record<string, GatewayErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'GATEWAY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'GATEWAY_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'GATEWAY_BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'GATEWAY_BAD_REQUEST',
};

/** Pure: what a thrown value becomes on the wire. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof GatewayError) return bodyOf(err.statusCode, err.code, err.message);
  const e = err as Partial<FastifyError> & { validation?: unknown };
  if (e && typeof e === 'object' && e.validation !== undefined) return bodyOf(400, 'GATEWAY_BAD_REQUEST', String(e.message));
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = e.statusCode === 429 ? 'GATEWAY_RATE_LIMITED' : (FASTIFY_CODES[e.code ?? ''] ?? 'GATEWAY_BAD_REQUEST');
    return bodyOf(e.statusCode, code, String(e.message ?? ''));
  }
  return bodyOf(500, err instanceof IpasnError ? err.code : 'INTERNAL', 'internal error (logged)');
}

export function sendError(reply: FastifyReply, err: unknown, retryAfterS?: number): FastifyReply {
  const body = toErrorBody(err);
  if (body.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="ipasn-gateway"');
  if (body.statusCode === 503 && retryAfterS !== undefined) reply.header('retry-after', String(retryAfterS));
  return reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
}

export function installErrorHandler(app: FastifyInstance, logger: Logger, retryAfterS: number): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const body = toErrorBody(err);
    if (body.statusCode >= 500) logger.error({ err, code: errorCode(err), method: req.method, url: req.routeOptions.url }, 'gateway request failed');
    return sendError(reply, err, retryAfterS);
  });
}
