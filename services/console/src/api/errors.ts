/**
 * One error body for every failure the console answers: `{ statusCode, error, code, message }`.
 * Handlers throw an `ApiError` (an IpasnError whose code fixes the HTTP status); the shared
 * handler also maps fastify's schema validation, zod's errors (login and other bodies parsed with
 * zod) and @fastify/rate-limit's refusals to the same shape. Anything else is a 500 whose message
 * is not shown (it may name internals); it is logged with its code.
 */
import { STATUS_CODES } from 'node:http';
import { errorCode, IpasnError } from '@ipasn/errors';
import type { Logger } from '@ipasn/logger';
import { z } from '@ipasn/config';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The console's HTTP error codes and the status each answers with. */
export const API_ERROR_STATUS = {
  CONSOLE_BAD_REQUEST: 400,
  CONSOLE_UNAUTHENTICATED: 401,
  CONSOLE_FORBIDDEN: 403,
  CONSOLE_NOT_FOUND: 404,
  CONSOLE_HOST_DENIED: 421,
  CONSOLE_RATE_LIMITED: 429,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

export class ApiError extends IpasnError {
  override name = 'ApiError';
  override readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.code = code;
  }
  get statusCode(): number {
    return API_ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
}

export const errorBody = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
  required: ['statusCode', 'error', 'code', 'message'],
} as const;

export function bodyOf(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
}

/** Pure: what a thrown value becomes on the wire. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof ApiError) return bodyOf(err.statusCode, err.code, err.message);
  if (err instanceof z.ZodError) {
    return bodyOf(400, 'CONSOLE_BAD_REQUEST', err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  const e = err as Partial<FastifyError> & { validation?: unknown };
  if (e && typeof e === 'object' && e.validation !== undefined) return bodyOf(400, 'CONSOLE_BAD_REQUEST', String(e.message));
  // fastify's own client errors (bad JSON, body too large, unsupported media type) carry a 4xx.
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return bodyOf(e.statusCode, e.statusCode === 429 ? 'CONSOLE_RATE_LIMITED' : (e.code ?? 'CONSOLE_BAD_REQUEST'), String(e.message ?? ''));
  }
  return bodyOf(500, err instanceof IpasnError ? err.code : 'INTERNAL', 'internal error (logged)');
}

/** Sends an error body (hooks that answer before a handler use it too). */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const body = toErrorBody(err);
  return reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
}

/** Installs the shared handler (on the root instance: every plugin inherits it). */
export function installErrorHandler(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const body = toErrorBody(err);
    if (body.statusCode >= 500) logger.error({ err, code: errorCode(err), method: req.method, url: req.routeOptions.url }, 'console request failed');
    return sendError(reply, err);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, new ApiError('CONSOLE_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`)));
}
