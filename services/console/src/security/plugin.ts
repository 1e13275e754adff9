/**
 * Request-level defenses, on every route of the app (fastify-plugin: these hooks must reach the
 * sibling plugins, which encapsulation would otherwise hide them from):
 * - the Host allowlist (DNS rebinding) → 421;
 * - the Origin check on state-changing requests (CSRF, with SameSite=Strict cookies) → 403;
 * - security headers on every response: CSP with `frame-ancestors 'none'`, X-Frame-Options, nosniff,
 *   no referrer to other sites, and no caching of API answers or the sign-in page;
 * - form bodies (`application/x-www-form-urlencoded`) for the sign-in form without JavaScript;
 * - @fastify/rate-limit, in Redis under the console's prefix so every instance counts together;
 *   routes opt in with `config.rateLimit`.
 */
import rateLimit from '@fastify/rate-limit';
import type { Redis } from '@ipasn/redis';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, sendError } from '../api/errors.js';
import { consoleKey } from '../stale.js';
import { hostAllowed, originAllowed } from './hosts.js';
import { cspFor, doorOf, pathOf } from './policy.js';

export interface SecurityOptions {
  allowedHosts: readonly string[];
  redis: Redis;
  prefix: string;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function security(app: FastifyInstance, o: SecurityOptions): Promise<void> {
  app.addHook('onRequest', async (req, reply) => {
    if (doorOf(req.url) === 'ops') return;
    if (!hostAllowed(req.headers.host, o.allowedHosts)) {
      return sendError(reply, new ApiError('CONSOLE_HOST_DENIED', 'this console does not answer to that host name (CONSOLE_ALLOWED_HOSTS)'));
    }
    if (STATE_CHANGING.has(req.method)) {
      const origin = req.headers.origin;
      if (!originAllowed(origin, req.headers.host) || req.headers['sec-fetch-site'] === 'cross-site') {
        return sendError(reply, new ApiError('CONSOLE_FORBIDDEN', 'cross-origin request refused'));
      }
    }
    return undefined;
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('content-security-policy', cspFor(req.url));
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer Chrome sends `Origin: null` on form posts, which the Origin check refuses.
    reply.header('referrer-policy', 'same-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    const door = doorOf(req.url);
    if (door === 'api' || pathOf(req.url) === '/login') reply.header('cache-control', 'no-store');
    return payload;
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  await app.register(rateLimit, {
    global: false,
    redis: o.redis,
    nameSpace: consoleKey(o.prefix, 'ratelimit:'),
    errorResponseBuilder: (_req, ctx) => new ApiError('CONSOLE_RATE_LIMITED', `too many requests: try again in ${ctx.after}`),
  });
}

export const securityPlugin = fp(security, { name: 'ipasn-console-security', fastify: '5.x' });
