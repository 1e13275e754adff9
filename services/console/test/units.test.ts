/**
 * The console's pure parts, table-driven: masking, the Host allowlist and Origin check, which door
 * a path is, the CSP, the error body, the freshness and DLQ read models, and the users file
 * (scrypt hashes, tokens, the console-users CLI on a temp file).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { z } from '@ipasn/config';
import { run } from '../src/cli/console-users.js';
import {
  ApiError,
  cspFor,
  doorOf,
  dlqPageView,
  freshnessView,
  hashPassword,
  hostAllowed,
  loadConsoleConfig,
  maskText,
  originAllowed,
  readUsersFile,
  safeNext,
  toErrorBody,
  tokenHash,
  UserDirectory,
  verifyPassword,
  type DlqItem,
  type RedriveRecord,
} from '../src/index.js';
import type { AgencyRow } from '../src/read-models/agencies.js';

describe('maskText', () => {
  it.each([
    ['a NIP', '198501012010011001', '1985••••••••••••01'],
    ['a NIP in JSON', '{"subject":"198501012010011001"}', '{"subject":"1985••••••••••••01"}'],
    ['a short id is left', '{"subject":"123"}', '{"subject":"123"}'],
    ['an 8-digit run', 'id 12345678', 'id 1••••••8'],
    ['a name', '{"data":{"name":"Ani Suryani","jobGroup":"PELAKSANA"}}', '{"data":{"name":"(nama disamarkan)","jobGroup":"PELAKSANA"}}'],
    ['a name with escaped quotes and spaces', '{ "nama" : "Ani \\"X\\" S" }', '{ "nama" : "(nama disamarkan)" }'],
    ['other names of fields are kept', '{"unitName":"Biro Umum"}', '{"unitName":"Biro Umum"}'],
    ['pretty-printed Avro JSON', '{\n  "nip": "198501012010011001",\n  "name": "Budi"\n}', '{\n  "nip": "1985••••••••••••01",\n  "name": "(nama disamarkan)"\n}'],
    ['broken JSON still masked', '{"name": "Ani", "subject": "198501012010011001', '{"name": "(nama disamarkan)", "subject": "1985••••••••••••01'],
  ])('%s', (_what, input, masked) => {
    expect(maskText(input)).toBe(masked);
  });
});

describe('Host allowlist and Origin check', () => {
  const allowed = ['127.0.0.1', 'localhost', '[::1]', 'console.example:8443'];
  it.each([
    ['127.0.0.1:8080', true],
    ['127.0.0.1', true],
    ['LOCALHOST:3000', true],
    ['[::1]:8080', true],
    ['console.example:8443', true],
    ['console.example:8080', false],
    ['console.example', false],
    ['evil.example:8080', false],
    ['127.0.0.1.evil.example', false],
    ['localhost@evil.example', false],
    ['', false],
    [undefined, false],
  ])('Host %s → %s', (host, ok) => {
    expect(hostAllowed(host, allowed)).toBe(ok);
  });
  it.each([
    [undefined, '127.0.0.1:8080', true],
    ['http://127.0.0.1:8080', '127.0.0.1:8080', true],
    ['http://127.0.0.1:8081', '127.0.0.1:8080', false],
    ['http://evil.example', '127.0.0.1:8080', false],
    ['null', '127.0.0.1:8080', false],
    ['file://', '127.0.0.1:8080', false],
  ])('Origin %s for Host %s → %s', (origin, host, ok) => {
    expect(originAllowed(origin, host)).toBe(ok);
  });
});

describe('doors, redirects and CSP', () => {
  it.each([
    ['/healthz', 'ops'],
    ['/metrics?x=1', 'ops'],
    ['/login?next=/', 'public'],
    ['/style.css', 'public'],
    ['/api/agencies', 'api'],
    ['/api', 'api'],
    ['/apix', 'page'],
    ['/', 'page'],
    ['/docs/json', 'page'],
    ['/js/app.js', 'page'],
  ])('%s is %s', (url, door) => {
    expect(doorOf(url)).toBe(door);
  });
  it.each([
    ['/#/dlq', '/#/dlq'],
    ['/docs', '/docs'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['/a b', '/'],
    [undefined, '/'],
  ])('next %s → %s', (next, to) => {
    expect(safeNext(next)).toBe(to);
  });
  it('forbids framing everywhere, inline scripts everywhere, inline styles outside /docs', () => {
    for (const url of ['/', '/login', '/docs', '/docs/static/index.html', '/api/meta']) {
      const csp = cspFor(url);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self';");
    }
    expect(cspFor('/')).toContain("style-src 'self'");
    expect(cspFor('/')).not.toContain('unsafe-inline');
  });
});

describe('toErrorBody: one shape for every failure', () => {
  const zodError = z.object({ name: z.string() }).safeParse({}).error;
  it.each([
    ['an ApiError', new ApiError('CONSOLE_NOT_FOUND', 'unknown agency ZZ99'), { statusCode: 404, error: 'Not Found', code: 'CONSOLE_NOT_FOUND', message: 'unknown agency ZZ99' }],
    ['a host refusal', new ApiError('CONSOLE_HOST_DENIED', 'no'), { statusCode: 421, error: 'Misdirected Request', code: 'CONSOLE_HOST_DENIED', message: 'no' }],
    ['a zod error', zodError, { statusCode: 400, error: 'Bad Request', code: 'CONSOLE_BAD_REQUEST', message: expect.stringContaining('name') as unknown }],
    ['a fastify validation error', Object.assign(new Error('querystring/rules must be equal to one of the allowed values'), { validation: [], statusCode: 400 }), { statusCode: 400, error: 'Bad Request', code: 'CONSOLE_BAD_REQUEST', message: 'querystring/rules must be equal to one of the allowed values' }],
    ['a fastify client error', Object.assign(new Error('Body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), { statusCode: 400, error: 'Bad Request', code: 'FST_ERR_CTP_INVALID_JSON_BODY', message: 'Body is not valid JSON' }],
    ['a bug', new TypeError('x is undefined'), { statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL', message: 'internal error (logged)' }],
  ])('%s', (_what, err, body) => {
    expect(toErrorBody(err)).toEqual(body);
  });
});

const row = (code: string, over: Partial<AgencyRow> = {}): AgencyRow =>
  ({
    code,
    name: `Instansi ${code}`,
    pilot: false,
    cadenceDays: 7,
    rules: 'perban-8-2019',
    headcount: { PNS: 3, PPPK: 1, total: 4 },
    index: { PNS: 80, PPPK: 70, ASN: 77.5 },
    category: 'SEDANG',
    categories: { SANGAT_TINGGI: 0, TINGGI: 0, SEDANG: 4, RENDAH: 0, SANGAT_RENDAH: 0 },
    dimensions: { kualifikasi: 20, kompetensi: 30, kinerja: 25, disiplin: 2.5 },
    dataGaps: 1,
    shadow: { rules: 'reformulasi-2024', index: { PNS: null, PPPK: null, ASN: null } },
    freshness: { lastAcceptedAt: null, lastEventAt: null, lastScoredAt: null, stale: false, staleSince: null, cadenceDays: 7, staleCheckedAt: null },
    ...over,
  });

describe('freshnessView (pure)', () => {
  const now = Date.parse('2025-06-30T10:00:00Z');
  it('per agency: seconds since the last accepted event, counts (zero when none), data-gap share; the job’s last run from the flags', () => {
    const v = freshnessView({
      now,
      asOf: '2025-06-30',
      agencies: [row('3004'), row('6171', { headcount: { PNS: 0, PPPK: 0, total: 0 }, dataGaps: 0, freshness: { ...row('x').freshness, stale: true, staleSince: '2025-06-29T00:00:00.000Z' } })],
      counts: new Map([['3004', { lastAcceptedAt: now - 90_500, lastRejectedAt: null, lastHour: { accepted: 5, rejected: 1, duplicates: 0 }, lastDay: { accepted: 9, rejected: 1, duplicates: 2 } }]]),
      lag: { at: now - 1000, groups: [], error: 'broker down' },
      staleFlags: new Map([
        ['3004', { stale: false, since: null, lastAcceptedAt: null, cadenceDays: 7, checkedAt: now - 5000 }],
        ['6171', { stale: true, since: null, lastAcceptedAt: null, cadenceDays: 7, checkedAt: now - 2000 }],
      ]),
      staleJob: { everyMs: 60_000, nextRunAt: now + 58_000 },
    });
    expect(v.staleCheck).toEqual({ everyMs: 60_000, lastRunAt: new Date(now - 2000).toISOString(), nextRunAt: new Date(now + 58_000).toISOString() });
    expect(v.agencies[0]).toMatchObject({ code: '3004', secondsSinceLastAccepted: 91, lastHour: { accepted: 5 }, dataGapShare: 0.25, stale: false });
    expect(v.agencies[1]).toMatchObject({ code: '6171', lastAcceptedAt: null, secondsSinceLastAccepted: null, lastHour: { accepted: 0, rejected: 0, duplicates: 0 }, dataGapShare: null, stale: true });
    expect(v.lag).toEqual({ readAt: new Date(now - 1000).toISOString(), error: 'broker down', groups: [] });
  });
  it('no flags yet: lastRunAt is null', () => {
    const v = freshnessView({ now, asOf: '2025-06-30', agencies: [], counts: new Map(), lag: { at: now, groups: [], error: null }, staleFlags: new Map(), staleJob: { everyMs: 1000, nextRunAt: null } });
    expect(v.staleCheck).toEqual({ everyMs: 1000, lastRunAt: null, nextRunAt: null });
  });
});

describe('dlqPageView (pure)', () => {
  const item: DlqItem = {
    id: '0-7',
    dlq: { partition: 0, offset: 7 },
    reason: 'SCHEMA_INVALID',
    message: 'subject 198501012010011001: data.employmentType',
    stage: 'normalizer',
    agencyCode: '3004',
    eventId: 'e-198501012010011001',
    eventSource: '/agencies/3004',
    eventType: 'ipasn.employee.upserted',
    source: { topic: 'ipasn.ingress.3004', partition: 0, offset: 7 },
    rejectedAt: '2025-06-30T10:00:00.000Z',
    key: '198501012010011001',
    originalFormat: 'json',
    original: '{"subject":"198501012010011001","data":{"name":"Ani"}}',
    originalBytes: 52,
    originalLength: null,
  };
  const record: RedriveRecord = { id: '0-7', at: '2025-06-30T10:01:00.000Z', by: 'ani', note: null, target: 'ipasn.ingress.3004', reason: 'SCHEMA_INVALID', agencyCode: '3004', eventId: null };
  const page = { items: [item], nextCursor: null, scanned: 1, retained: 8, partial: false };
  it('an operator sees the reject as received, with its redrive record', () => {
    expect(dlqPageView(page, new Map([['0-7', record]]), 'operator').items[0]).toEqual({ ...item, redrive: record });
  });
  it('a viewer sees key, event id, message and original masked', () => {
    const v = dlqPageView(page, new Map(), 'viewer').items[0]!;
    expect(JSON.stringify(v)).not.toMatch(/198501012010011001|Ani/u);
    expect(v).toMatchObject({ key: '1985••••••••••••01', eventId: 'e-1985••••••••••••01', redrive: null, reason: 'SCHEMA_INVALID', agencyCode: '3004' });
  });
});

describe('users file: scrypt hashes, tokens, console-users', () => {
  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-users-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  it('scrypt: the right password verifies, a wrong one or a tampered hash does not; salts differ', { timeout: 30_000 }, async () => {
    const h = await hashPassword('correct horse battery');
    expect(h).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/u);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await verifyPassword('correct horse battery', h.replace('ln=15', 'ln=14'))).toBe(false);
    expect(await verifyPassword('correct horse battery', h.replace('ln=15', 'ln=30'))).toBe(false);
    expect(await verifyPassword('x', 'plain-text-password')).toBe(false);
    expect(await hashPassword('correct horse battery')).not.toBe(h);
  });

  it('console-users: add (generated password, printed once), token, list, remove; 0600; the console reads it', { timeout: 30_000 }, async () => {
    const file = join(tmp(), 'secrets', 'users.json');
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(`ERR ${l}`), stdin: () => Promise.resolve('a-long-enough-password\n'), env: { CONSOLE_USERS_FILE: file } };
    expect(await run(['add', 'ani', '--role', 'operator', '--json'], io)).toBe(0);
    const added = JSON.parse(out.pop()!) as { name: string; role: string; password: string };
    expect(added).toMatchObject({ name: 'ani', role: 'operator' });
    expect(added.password.length).toBeGreaterThanOrEqual(20);
    expect(await run(['add', 'vera', '--role', 'viewer', '--password-stdin'], io)).toBe(0);
    expect(out.join('\n')).not.toContain('a-long-enough-password');
    expect(await run(['--json', 'token', 'demo', '--role', 'viewer'], io)).toBe(0);
    const { token } = JSON.parse(out.pop()!) as { token: string };
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(added.password);
    expect(text).not.toContain(token);
    expect(text).toContain(tokenHash(token));

    const dir = new UserDirectory(file);
    expect(await dir.authenticate('ani', added.password)).toEqual({ name: 'ani', role: 'operator' });
    expect(await dir.authenticate('vera', 'a-long-enough-password')).toEqual({ name: 'vera', role: 'viewer' });
    expect(await dir.authenticate('ani', 'a-long-enough-password')).toBeNull();
    expect(await dir.authenticate('nobody', added.password)).toBeNull();
    expect(dir.token(token)).toEqual({ name: 'demo', role: 'viewer' });
    expect(dir.token(`${token}x`)).toBeNull();

    // Usage errors exit 2 and change nothing.
    expect(await run(['add', 'ani', '--role', 'viewer'], io)).toBe(2);
    expect(await run(['add', 'bad name', '--role', 'viewer'], io)).toBe(2);
    expect(await run(['add', 'x', '--role', 'admin'], io)).toBe(2);
    expect(await run(['remove', 'nobody'], io)).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(text);

    expect(await run(['list', '--json'], io)).toBe(0);
    expect((JSON.parse(out.pop()!) as { entries: unknown[] }).entries).toEqual([
      { name: 'ani', role: 'operator', kind: 'user' },
      { name: 'vera', role: 'viewer', kind: 'user' },
      { name: 'demo', role: 'viewer', kind: 'token' },
    ]);
    expect(await run(['remove', 'ani'], io)).toBe(0);
    // The directory re-reads the changed file: a removed user cannot sign in any more.
    expect(await dir.authenticate('ani', added.password)).toBeNull();
    expect(readUsersFile(file).users.map((u) => u.name)).toEqual(['vera']);
  });

  it('an invalid users file is refused with CONSOLE_USERS_FILE_INVALID', () => {
    const dir = tmp();
    for (const [name, text] of [
      ['not-json', '{'],
      ['plain password', JSON.stringify({ version: 1, users: [{ name: 'ani', role: 'operator', password: 'x' }] })],
      ['unknown role', JSON.stringify({ version: 1, users: [{ name: 'ani', role: 'admin', passwordHash: '$scrypt$ln=15,r=8,p=1$AAAA$AAAA' }] })],
      ['twice', JSON.stringify({ version: 1, tokens: [0, 1].map(() => ({ name: 't', role: 'viewer', tokenHash: `sha256:${'0'.repeat(64)}` })) })],
    ] as const) {
      const file = join(dir, `${name}.json`);
      rmSync(file, { force: true });
      writeFileSync(file, text);
      expect(() => readUsersFile(file), name).toThrow(expect.objectContaining({ code: 'CONSOLE_USERS_FILE_INVALID' }) as Error);
    }
  });
});

describe('loadConsoleConfig: the secrets are required, from the environment or *_FILE', () => {
  const base = { CONSOLE_USERS_FILE: '/etc/ipasn/users.json', CONSOLE_REDIS_PASSWORD: 'redis-secret', CONSOLE_SESSION_SECRET: 'x'.repeat(32) };
  it.each([
    ['CONSOLE_REDIS_PASSWORD', { ...base, CONSOLE_REDIS_PASSWORD: undefined }],
    ['CONSOLE_USERS_FILE', { ...base, CONSOLE_USERS_FILE: undefined }],
    ['CONSOLE_SESSION_SECRET', { ...base, CONSOLE_SESSION_SECRET: undefined }],
    ['CONSOLE_SESSION_SECRET', { ...base, CONSOLE_SESSION_SECRET: 'too-short' }],
    ['CONSOLE_REDIS_PASSWORD', { ...base, CONSOLE_REDIS_PASSWORD: '' }],
    ['CONSOLE_ALLOWED_HOSTS', { ...base, CONSOLE_ALLOWED_HOSTS: 'http://evil/' }],
  ])('refuses without a valid %s', (name, env) => {
    expect(() => loadConsoleConfig(env)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(name) as unknown }) as Error);
  });
  it('reads secrets from *_FILE; defaults: console user, loopback hosts, plain cookies outside production', () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-config-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'secret'), `${'s'.repeat(40)}\n`);
    writeFileSync(join(dir, 'redis'), 'from-file\n');
    const c = loadConsoleConfig({ CONSOLE_USERS_FILE: '/u.json', CONSOLE_SESSION_SECRET_FILE: join(dir, 'secret'), CONSOLE_REDIS_PASSWORD_FILE: join(dir, 'redis') });
    expect(c).toMatchObject({ CONSOLE_SESSION_SECRET: 's'.repeat(40), CONSOLE_REDIS_PASSWORD: 'from-file', CONSOLE_REDIS_USERNAME: 'console', CONSOLE_ALLOWED_HOSTS: ['127.0.0.1', 'localhost', '[::1]'], CONSOLE_COOKIE_SECURE: false });
    expect(loadConsoleConfig({ ...base, NODE_ENV: 'production', KAFKA_SASL_USERNAME: 'console', KAFKA_SASL_PASSWORD: 'k', KAFKA_SSL_CA_FILE: '/ca.pem' }).CONSOLE_COOKIE_SECURE).toBe(true);
    expect(loadConsoleConfig({ ...base, CONSOLE_ALLOWED_HOSTS: 'Console.Example:8443, localhost' }).CONSOLE_ALLOWED_HOSTS).toEqual(['console.example:8443', 'localhost']);
  });
});
