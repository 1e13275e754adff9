/**
 * The console's doors against the real Redis and Kafka (issue 20): every /api route needs a
 * session or a bearer token (walked over the registered routes, so a new route cannot escape),
 * redrive needs the operator role and records the principal whatever headers or body say, sign-in
 * and redrive are rate-limited, the Host header is allowlisted, every page carries a CSP that
 * forbids framing, cross-origin writes are refused, and a viewer sees rejects masked.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect } from 'vitest';
import { BatchProducer } from '@ipasn/kafka';
import { deadLetterMessage } from '@ipasn/pipeline';
import { createLogger } from '@ipasn/logger';
import { SchemaRegistry } from '@ipasn/serde';
import type { ConsoleHandle, DlqItem, RedriveRecord, RedriveResult } from '../src/index.js';
import { authHeaders, createTopics, fetchAs, getJson, postJson, signIn, startTestConsole, test, testAuth, until, type TestAuth } from './fixtures.js';

const NIP = '198501012010011001';
const NAME = 'Ani Suryani';

/** A raw HTTP request with a chosen Host header (fetch does not let one set it). */
function rawGet(c: ConsoleHandle, path: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: c.port, path, method: 'GET', headers: { ...headers, host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const sample = (url: string) => url.replace(/:code\b/gu, '3004');

describe('console security (real Redis, Kafka)', () => {
  let c: ConsoleHandle;
  let auth: TestAuth;
  let rejectId: string;
  const logLines: string[] = [];

  test.beforeAll(async ({ ns, kafka }) => {
    auth = await testAuth();
    await createTopics(kafka, ns, ['3004']);
    const registry = SchemaRegistry.load();
    const producer = new BatchProducer(kafka);
    await producer.connect();
    const original = JSON.stringify({ specversion: '1.0', id: 'sec-1', source: '/agencies/3004', type: 'ipasn.employee.upserted', subject: NIP, time: '2025-06-01T08:00:00+07:00', data: { name: NAME, employmentType: 'HONORER', jobGroup: 'PELAKSANA' } });
    await producer.send([
      deadLetterMessage(ns.topics, registry, {
        originalValue: Buffer.from(original),
        originalKey: Buffer.from(NIP),
        reason: 'SCHEMA_INVALID',
        message: `data.employmentType: expected PNS or PPPK (subject ${NIP})`,
        stage: 'normalizer',
        sourceTopic: ns.topics.ingress('3004'),
        sourcePartition: 0,
        sourceOffset: 7,
        eventId: 'sec-1',
        eventSource: '/agencies/3004',
        eventType: 'ipasn.employee.upserted',
        agencyCode: '3004',
        rejectedAt: Date.now(),
      }),
    ]);
    await producer.close();
    // At debug, into memory: the last test reads what the console logged while every test ran.
    c = await startTestConsole(ns, { CONSOLE_STALE_CHECK_MS: '1000' }, { logger: createLogger({ service: 'console', level: 'debug', destination: { write: (line: string) => void logLines.push(line) } }) });
    rejectId = (await until('the reject on the DLQ', async () => (await getJson<{ items: DlqItem[] }>(c, '/api/dlq')).body.items[0])).id;
  });
  test.afterAll(async () => {
    await c?.close();
  });

  test('every /api route answers 401 without a session or token, whatever its method', async () => {
    const api = c.routes.filter((r) => r.url.startsWith('/api/'));
    // The walk is only as good as the list: it holds at least the routes the API documents.
    for (const known of ['/api/agencies', '/api/agencies/:code', '/api/agencies/:code/groups', '/api/national', '/api/pilot', '/api/freshness', '/api/dlq', '/api/dlq/redrive', '/api/dlq/redrives', '/api/meta', '/api/session']) {
      expect(api.map((r) => r.url)).toContain(known);
    }
    for (const r of api) {
      const res = await fetch(c.url + sample(r.url), { method: r.method, headers: { 'content-type': 'application/json', origin: c.url }, ...(r.method === 'GET' || r.method === 'HEAD' ? {} : { body: JSON.stringify({ ids: [rejectId] }) }) });
      expect(res.status, `${r.method} ${r.url}`).toBe(401);
      if (r.method !== 'HEAD') expect(((await res.json()) as { code: string }).code).toBe('CONSOLE_UNAUTHENTICATED');
    }
    // With a session the same walk gets through (so the 401s above are the authentication's).
    expect((await getJson(c, '/api/agencies/3004')).status).toBe(200);
  });

  test('every other route but the ops endpoints and the sign-in page sends a browser to /login', async () => {
    const open = new Set(['/healthz', '/readyz', '/metrics', '/login', '/logout', '/style.css']);
    for (const r of c.routes.filter((x) => x.method === 'GET' && !x.url.startsWith('/api/') && !open.has(x.url))) {
      const res = await fetch(c.url + sample(r.url.replace('*', 'index.html')), { redirect: 'manual' });
      expect(res.status, r.url).toBe(302);
      expect(res.headers.get('location'), r.url).toMatch(/^\/login\?next=/u);
    }
    for (const p of ['/healthz', '/metrics']) expect((await fetch(c.url + p)).status).toBe(200);
  });

  test('a bearer token works for scripts; an unknown one is refused', async () => {
    expect((await getJson(c, '/api/national', { token: 'viewer' })).status).toBe(200);
    // An unknown token is refused by name, even on the sign-in page: a script should learn its token is wrong.
    const res = await fetch(`${c.url}/api/national`, { headers: { authorization: 'Bearer ipasnc_not-a-token-of-this-console' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toBe('bearer token not recognized');
    expect((await fetch(`${c.url}/login`, { headers: { authorization: 'Bearer ipasnc_not-a-token-of-this-console' } })).status).toBe(401);
    expect((await getJson<{ name: string; role: string; via: string }>(c, '/api/session', { token: 'operator' })).body).toEqual({ name: auth.tokens.operator.name, role: 'operator', via: 'token' });
  });

  test('a viewer cannot redrive (403), by session or by token', async () => {
    for (const as of ['viewer', { token: 'viewer' }] as const) {
      const res = await postJson<{ code: string }>(c, '/api/dlq/redrive', { ids: [rejectId] }, as);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CONSOLE_FORBIDDEN');
    }
    expect((await getJson<{ redrives: unknown[] }>(c, '/api/dlq/redrives')).body.redrives).toEqual([]);
  });

  test("an operator's redrive is recorded under the signed-in name, never X-Forwarded-User or a body field", async () => {
    const res = await postJson<{ results: RedriveResult[] }>(c, '/api/dlq/redrive', { ids: [rejectId], operator: 'mallory', by: 'mallory' }, 'operator', { 'x-forwarded-user': 'mallory', 'x-auth-request-user': 'mallory' });
    expect(res.status).toBe(200);
    expect(res.body.results[0]?.status).toBe('redriven');
    const log = (await getJson<{ redrives: RedriveRecord[] }>(c, '/api/dlq/redrives')).body.redrives;
    expect(log.map((r) => r.by)).toEqual([auth.users.operator.name]);
  });

  test('a cross-origin write is refused even with an operator session', async () => {
    const res = await postJson<{ code: string }>(c, '/api/dlq/redrive', { ids: ['0-99999'] }, 'operator', { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CONSOLE_FORBIDDEN');
  });

  test('a viewer sees NIPs and names masked in the DLQ; an operator sees them', async () => {
    const viewer = (await getJson<{ items: DlqItem[] }>(c, '/api/dlq', 'viewer')).body.items.find((i) => i.id === rejectId)!;
    expect(viewer.key).toBe('1985••••••••••••01');
    for (const text of [viewer.original, viewer.message, viewer.key ?? '']) {
      expect(text).not.toContain(NIP);
      expect(text).not.toContain(NAME);
    }
    expect(viewer.original).toContain('"subject":"1985••••••••••••01"');
    expect(viewer.original).toContain('"employmentType":"HONORER"');
    const operator = (await getJson<{ items: DlqItem[] }>(c, '/api/dlq', 'operator')).body.items.find((i) => i.id === rejectId)!;
    expect(operator.key).toBe(NIP);
    expect(operator.original).toContain(NAME);
  });

  test('the session cookie is signed, HttpOnly, SameSite=Strict; Redis holds only the token’s hash, with a TTL; logout ends it', async ({ ns, redis }) => {
    const res = await fetch(`${c.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: c.url }, body: JSON.stringify({ name: auth.users.viewer.name, password: auth.users.viewer.password }) });
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie().find((h) => h.startsWith('ipasn_session='))!;
    expect(set).toMatch(/; HttpOnly/u);
    expect(set).toMatch(/; SameSite=Strict/u);
    expect(set).toMatch(/; Path=\//u);
    const cookie = set.split(';')[0]!;
    const value = decodeURIComponent(cookie.slice('ipasn_session='.length));
    const token = value.slice(0, value.lastIndexOf('.'));
    const key = `${ns.redisPrefix}console:session:${createHash('sha256').update(token).digest('hex')}`;
    expect(JSON.parse((await redis.get(key))!)).toMatchObject({ name: auth.users.viewer.name, role: 'viewer' });
    expect(await redis.pttl(key)).toBeGreaterThan(0);
    expect(await redis.exists(`${ns.redisPrefix}console:session:${token}`)).toBe(0);
    // A tampered signature is no session, and neither is the bare token without its signature.
    expect((await fetch(`${c.url}/api/meta`, { headers: { cookie: `ipasn_session=${encodeURIComponent(`${token}.forged`)}` } })).status).toBe(401);
    expect((await fetch(`${c.url}/api/meta`, { headers: { cookie: `ipasn_session=${encodeURIComponent(token)}` } })).status).toBe(401);
    expect((await fetch(`${c.url}/api/meta`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${c.url}/logout`, { method: 'POST', headers: { cookie, origin: c.url } })).status).toBe(200);
    expect((await fetch(`${c.url}/api/meta`, { headers: { cookie } })).status).toBe(401);
    expect(await redis.exists(key)).toBe(0);
  });

  test('the sign-in form redirects back where the browser was going; a wrong password is 401', async () => {
    const form = (name: string, password: string) => new URLSearchParams({ name, password, next: '/#/dlq' }).toString();
    const ok = await fetch(`${c.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: c.url }, body: form(auth.users.operator.name, auth.users.operator.password) });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/#/dlq');
    const bad = await fetch(`${c.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: c.url }, body: form(auth.users.operator.name, 'wrong-password') });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('Nama atau kata sandi salah.');
    expect(bad.headers.getSetCookie()).toEqual([]);
    // An open redirect is not on offer.
    const away = await fetch(`${c.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: c.url }, body: new URLSearchParams({ name: auth.users.operator.name, password: auth.users.operator.password, next: '//evil.example/' }).toString() });
    expect(away.headers.get('location')).toBe('/');
  });

  test('a Host header outside CONSOLE_ALLOWED_HOSTS is refused (421), on pages, the sign-in page and the API alike', async () => {
    const { cookie } = (await authHeaders(c, 'operator')) as { cookie: string };
    for (const path of ['/', '/login', '/api/agencies', '/docs']) {
      const res = await rawGet(c, path, `evil.example:${c.port}`, { cookie });
      expect(res.status, path).toBe(421);
    }
    expect((await rawGet(c, '/api/agencies', `localhost:${c.port}`, { cookie })).status).toBe(200);
    // The ops endpoints answer whatever name a scraper uses.
    expect((await rawGet(c, '/healthz', 'console.internal:9999')).status).toBe(200);
  });

  test("every page carries a CSP with frame-ancestors 'none': /, /login and /docs", async () => {
    for (const path of ['/', '/login', '/docs', '/docs/static/index.html', '/api/meta']) {
      const res = await fetchAs(c, path, 'operator', { redirect: 'manual' });
      expect(res.status, path).toBeLessThan(400);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).not.toContain("script-src 'self' 'unsafe-inline'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  test('its debug log holds no NIP and no name of the rejects it served and redrove (runs last)', async () => {
    // Serve and redrive the reject once more, so this test stands alone too.
    expect((await getJson<{ items: DlqItem[] }>(c, '/api/dlq', 'operator')).body.items[0]?.original).toContain(NIP);
    expect((await postJson(c, '/api/dlq/redrive', { ids: [rejectId], force: true }, 'operator')).status).toBe(200);
    await until('a stale check logged at debug', () => Promise.resolve(logLines.some((l) => l.includes('"stale check done"')) || undefined));
    const log = logLines.join('');
    expect(log).toMatch(/"level":"debug"/u);
    expect(log).toMatch(/"msg":"console sign-in"/u);
    expect(log).not.toContain(NIP);
    expect(log).not.toContain(NAME);
  });
});

describe('rate limits (a console with low limits)', () => {
  let r: ConsoleHandle;
  let auth: TestAuth;

  test.beforeAll(async ({ ns }) => {
    auth = await testAuth();
    // Its own Redis prefix: the limits count in Redis, apart from the other console's.
    r = await startTestConsole(ns, { REDIS_PREFIX: `${ns.redisPrefix}rl:`, CONSOLE_LOGIN_RATE_MAX: '3', CONSOLE_REDRIVE_RATE_MAX: '2' });
  });
  test.afterAll(async () => {
    await r?.close();
  });

  test('wrong passwords answer 401; past CONSOLE_LOGIN_RATE_MAX attempts even the right one gets 429', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn(r, auth.users.operator.name, `wrong-${i}`)).status).toBe(401);
    expect((await signIn(r, 'nobody-at-all', 'x')).status).toBe(429);
    const right = await signIn(r, auth.users.operator.name, auth.users.operator.password);
    expect(right.status).toBe(429);
    expect(right.cookie).toBeNull();
  });

  test('X-Forwarded-For is ignored unless the proxy is trusted (CONSOLE_TRUST_PROXY)', async ({ ns }) => {
    const attempt = (c: ConsoleHandle, client: string) =>
      fetch(`${c.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: c.url, 'x-forwarded-for': client }, body: JSON.stringify({ name: 'x', password: 'y' }) }).then((res) => res.status);
    // No trusted proxy: a client that names other addresses is still limited as itself.
    const direct = await startTestConsole(ns, { REDIS_PREFIX: `${ns.redisPrefix}rld:`, CONSOLE_LOGIN_RATE_MAX: '1' });
    // Behind a trusted proxy (127.0.0.1 here), each forwarded client has its own budget.
    const proxied = await startTestConsole(ns, { REDIS_PREFIX: `${ns.redisPrefix}rlp:`, CONSOLE_LOGIN_RATE_MAX: '1', CONSOLE_TRUST_PROXY: '127.0.0.1' });
    try {
      expect(await attempt(direct, '203.0.113.1')).toBe(401);
      expect(await attempt(direct, '203.0.113.2')).toBe(429);
      expect(await attempt(proxied, '203.0.113.7')).toBe(401);
      expect(await attempt(proxied, '203.0.113.7')).toBe(429);
      expect(await attempt(proxied, '203.0.113.8')).toBe(401);
    } finally {
      await Promise.all([direct.close(), proxied.close()]);
    }
  });

  test('redrive is limited per principal (CONSOLE_REDRIVE_RATE_MAX)', async () => {
    const as = { token: 'operator' } as const;
    for (let i = 0; i < 2; i++) expect((await postJson(r, '/api/dlq/redrive', { ids: ['0-99999'] }, as)).status).toBe(200);
    const third = await postJson<{ code: string }>(r, '/api/dlq/redrive', { ids: ['0-99999'] }, as);
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('CONSOLE_RATE_LIMITED');
    // Reading is not limited.
    expect((await getJson(r, '/api/meta', as)).status).toBe(200);
  });
});
