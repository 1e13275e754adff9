/**
 * The Host-header allowlist (DNS rebinding: a page of evil.example whose name now resolves to
 * 127.0.0.1 reaches the console with `Host: evil.example`, and must be refused). Pure.
 * An entry `host` allows any port; `host:port` that port only. IPv6 literals are bracketed.
 */
export function parseHost(header: string | undefined): { host: string; port: string | null } | null {
  if (!header) return null;
  const h = header.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/u.exec(h);
  if (!m) return null;
  return { host: m[1]!.replace(/\.$/u, ''), port: m[2] ?? null };
}

export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  const got = parseHost(header);
  if (!got) return false;
  return allowed.some((entry) => {
    const want = parseHost(entry);
    return want !== null && want.host === got.host && (want.port === null || want.port === got.port);
  });
}

/**
 * A state-changing request's Origin must be this console itself (CSRF, besides SameSite=Strict):
 * absent (a script with a bearer token; browsers always send it on POST) or the same host:port as
 * the Host header. `null` (sandboxed or opaque origins) is refused.
 */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host.toLowerCase() === host.trim().toLowerCase();
  } catch {
    return false;
  }
}
