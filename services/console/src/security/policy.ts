/**
 * Which door a request knocks on (pure; the hooks of security/plugin.ts and auth/plugin.ts apply
 * it). Default deny: whatever is not listed as ops or public needs a signed-in user or a token.
 *
 * - ops: /healthz /readyz /metrics — unauthenticated, no Host check (Prometheus and the
 *   orchestrator reach them under whatever name; they reveal no personal data).
 * - public: the sign-in page and what it needs; logout.
 * - api: /api/* — 401 without a principal.
 * - page: everything else (the web console, /docs) — redirected to /login without a session.
 */
export type Door = 'ops' | 'public' | 'api' | 'page';

export const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
export const PUBLIC_PATHS = new Set(['/login', '/logout', '/style.css', '/favicon.ico']);

export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export function doorOf(url: string): Door {
  const path = pathOf(url);
  if (OPS_PATHS.has(path)) return 'ops';
  if (PUBLIC_PATHS.has(path)) return 'public';
  if (path === '/api' || path.startsWith('/api/')) return 'api';
  return 'page';
}

/** A same-site path to return to after signing in; anything else (`//evil`, `http:…`) → `/`. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/u.test(next) && next.length <= 512 ? next : '/';
}

const BASE_CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The Content-Security-Policy of a response. The console's own pages load only their own files,
 * with no inline script or style. Swagger UI (/docs) sets element styles inline, so its pages
 * allow inline styles (never inline scripts). Every one forbids framing.
 */
export function cspFor(url: string): string {
  const path = pathOf(url);
  if (path === '/docs' || path.startsWith('/docs/')) return `${BASE_CSP}; script-src 'self'; style-src 'self' 'unsafe-inline'`;
  return `${BASE_CSP}; script-src 'self'; style-src 'self'`;
}
