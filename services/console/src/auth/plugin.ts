/**
 * Who is asking, and may they (fastify-plugin: `request.principal` and the access hook must reach
 * every route of the app). A request is made by
 * - a signed-in user: a session cookie (random token, signed with @fastify/cookie, HttpOnly,
 *   SameSite=Strict) naming a session in Redis (auth/sessions.ts); or
 * - a script: `Authorization: Bearer <token>`, a token of the users file (stored as SHA-256).
 * Role and existence are read from the users file on every request, so removing a user or
 * changing a role takes effect at once, sessions included.
 *
 * Routes: GET/POST /login (form or JSON; rate-limited), POST /logout, GET /api/session.
 */
import fastifyCookie from '@fastify/cookie';
import type { Logger } from '@ipasn/logger';
import { z } from '@ipasn/config';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError, errorBody, sendError } from '../api/errors.js';
import { doorOf, safeNext } from '../security/policy.js';
import { loginPage, type LoginNotice } from './login-page.js';
import type { SessionStore } from './sessions.js';
import type { Principal, Role, UserDirectory } from './users.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user or token owner; null on ops and public routes without one. */
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'ipasn_session';

export interface AuthOptions {
  users: UserDirectory;
  sessions: SessionStore;
  secret: string;
  secureCookie: boolean;
  sessionTtlMs: number;
  login: { max: number; windowMs: number };
  logger: Logger;
}

const loginBody = z.object({
  name: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(1024),
  next: z.string().max(512).optional(),
});

/** preHandler: only principals of `role` (operators may do all a viewer may). */
export function requireRole(role: Role): preHandlerHookHandler {
  return (req, _reply, done) => {
    if (!req.principal) return done(new ApiError('CONSOLE_UNAUTHENTICATED', 'sign in first (POST /login) or send a bearer token'));
    if (role === 'operator' && req.principal.role !== 'operator') return done(new ApiError('CONSOLE_FORBIDDEN', `${req.principal.name} is a ${req.principal.role}: this needs the operator role`));
    return done();
  };
}

/** The request's principal, if any: a bearer token wins over a cookie. */
async function resolvePrincipal(req: FastifyRequest, o: AuthOptions): Promise<Principal | null> {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S{16,512})$/iu.exec(auth);
    const owner = m ? o.users.token(m[1]!) : null;
    // A wrong token is an error even where none is needed: a script should learn of it.
    if (!owner) throw new ApiError('CONSOLE_UNAUTHENTICATED', 'bearer token not recognized');
    return { ...owner, via: 'token' };
  }
  const raw = req.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return null;
  const session = await o.sessions.get(unsigned.value);
  if (!session) return null;
  const user = o.users.user(session.name);
  return user ? { name: user.name, role: user.role, via: 'session' } : null;
}

function wantsHtml(req: FastifyRequest): boolean {
  const ct = req.headers['content-type'] ?? '';
  return ct.startsWith('application/x-www-form-urlencoded') || (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html'));
}

async function auth(app: FastifyInstance, o: AuthOptions): Promise<void> {
  await app.register(fastifyCookie, { secret: o.secret, hook: 'onRequest' });
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (req, reply) => {
    const door = doorOf(req.url);
    if (door === 'ops') return undefined;
    try {
      req.principal = await resolvePrincipal(req, o);
    } catch (err) {
      return sendError(reply, err);
    }
    if (req.principal || door === 'public') return undefined;
    if (door === 'page' && req.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(safeNext(req.url))}`, 302);
    return sendError(reply, new ApiError('CONSOLE_UNAUTHENTICATED', 'sign in first (POST /login) or send a bearer token'));
  });

  const cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: o.secureCookie, signed: true } as const;

  const renderLogin = (reply: FastifyReply, code: number, next: string, notice: LoginNotice) => reply.code(code).type('text/html; charset=utf-8').send(loginPage({ next, notice }));

  app.get<{ Querystring: { next?: string; out?: string } }>('/login', { schema: { hide: true } }, (req, reply) =>
    renderLogin(reply, 200, safeNext(req.query.next), req.query.out === '1' ? 'signed-out' : null),
  );

  app.post(
    '/login',
    {
      config: { rateLimit: { max: o.login.max, timeWindow: o.login.windowMs } },
      schema: {
        tags: ['session'],
        summary: 'Sign in (JSON `{name, password}` or the form); sets the session cookie',
        response: { 200: { type: 'object', properties: { name: { type: 'string' }, role: { type: 'string' } } }, 401: errorBody, 429: errorBody },
      },
    },
    async (req, reply) => {
      const form = wantsHtml(req);
      const parsed = loginBody.safeParse(req.body ?? {});
      const next = safeNext(parsed.success ? parsed.data.next : undefined);
      const user = parsed.success ? await o.users.authenticate(parsed.data.name, parsed.data.password) : null;
      if (!user) {
        // The name is logged (it may be a typo of a real one), never the password.
        o.logger.warn({ user: parsed.success ? parsed.data.name : null, ip: req.ip }, 'console sign-in failed');
        if (form) return renderLogin(reply, 401, next, 'failed');
        throw new ApiError('CONSOLE_UNAUTHENTICATED', 'wrong name or password');
      }
      const token = await o.sessions.create(user);
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: Math.floor(o.sessionTtlMs / 1000) });
      o.logger.info({ user: user.name, role: user.role }, 'console sign-in');
      return form ? reply.redirect(next, 303) : { name: user.name, role: user.role };
    },
  );

  app.post('/logout', { schema: { hide: true } }, async (req, reply) => {
    const raw = req.cookies[SESSION_COOKIE];
    const unsigned = raw ? req.unsignCookie(raw) : null;
    if (unsigned?.valid && unsigned.value) await o.sessions.destroy(unsigned.value);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return wantsHtml(req) ? reply.redirect('/login?out=1', 303) : { signedOut: true };
  });

  app.get('/api/session', { schema: { tags: ['session'], summary: 'Who is signed in, with which role', response: { 200: { type: 'object', properties: { name: { type: 'string' }, role: { type: 'string', enum: ['viewer', 'operator'] }, via: { type: 'string' } } } } } }, (req) => {
    // The access hook let only principals through.
    return req.principal!;
  });
}

export const authPlugin = fp(auth, { name: 'ipasn-console-auth', fastify: '5.x', dependencies: ['ipasn-console-security'] });
