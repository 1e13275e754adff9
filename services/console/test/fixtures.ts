/**
 * Shared fixtures (vitest `test.extend`): a private namespace per test file (Redis prefix, topic
 * prefix, consumer groups), its topics on the real broker, the real Redis, the console started
 * in-process on port 0, and data made by the real CLI (`ipasn generate`, `ipasn score`) written
 * through packages/aggregates. Every resource is removed where it was created.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test as base } from 'vitest';
import { AggregateStore, deleteMatching } from '@ipasn/aggregates';
import { kafkaConnection, loadConfig, redisConnection } from '@ipasn/config';
import { Agencies, type Category, type EmploymentType, type RuleSetId } from '@ipasn/contracts';
import { applyTopics, createKafka, expandTopics, readTopicFile, withAdmin, type KafkaClient } from '@ipasn/kafka';
import { silentLogger, type Logger } from '@ipasn/logger';
import { topicNames, type TopicNames } from '@ipasn/pipeline';
import { closeRedis, createRedis, type Redis } from '@ipasn/redis';
import type { AgencySummary } from '@ipasn/rules';
import type { ScoreEvent } from '@ipasn/serde';
import { generatePassword, generateToken, hashPassword, loadConsoleConfig, startConsole, tokenHash, writeUsersFile, type ConsoleHandle, type Role } from '../src/index.js';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(ROOT, 'packages/cli/dist/bin/ipasn.js');
export const BROKERS = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:16379';
/** The harness's Kafka connection and Redis user (npm test exports the admin's, from the generated secrets). */
export const KAFKA = kafkaConnection(loadConfig(process.env));
export const REDIS = redisConnection(loadConfig(process.env));
/** The Kafka credentials variables the in-process console takes from the harness's environment. */
const KAFKA_AUTH = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => /^KAFKA_(SASL|SSL)_/u.test(e[0]) && e[1] !== undefined),
);
/** The console Redis user's password: the secret infra/scripts/secrets.sh generates (npm test sets IPASN_SECRETS_DIR). */
export const CONSOLE_REDIS_PASSWORD =
  process.env['CONSOLE_REDIS_PASSWORD'] ??
  readFileSync(process.env['CONSOLE_REDIS_PASSWORD_FILE'] ?? join(process.env['IPASN_SECRETS_DIR'] ?? join(ROOT, '.local', 'secrets'), 'redis', 'console.password'), 'utf8').trim();
export const AGENCIES = Agencies.default();
export const PILOT_CODES = AGENCIES.all.filter((a) => a.pilot).map((a) => a.code);

export interface Namespace {
  id: string;
  redisPrefix: string;
  topicPrefix: string;
  topics: TopicNames;
  /** What the normalizer names its group in this namespace (IPASN_TOPIC_PREFIX + ipasn-normalizer). */
  normalizerGroup: string;
}

export function namespace(): Namespace {
  const id = `cns${randomUUID().slice(0, 8)}`;
  const topicPrefix = `${id}.`;
  return { id, redisPrefix: `${id}:`, topicPrefix, topics: topicNames(topicPrefix), normalizerGroup: `${topicPrefix}ipasn-normalizer` };
}

/** The accounts every test console knows: one per role, plus a bearer token per role. */
export interface TestAuth {
  file: string;
  secret: string;
  users: Record<Role, { name: string; password: string }>;
  tokens: Record<Role, { name: string; token: string }>;
}

let auth: Promise<TestAuth> | undefined;

/** A users file (mode 0600, made with the console's own functions) for this test process; removed at exit. */
export function testAuth(): Promise<TestAuth> {
  return (auth ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-auth-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const users = { operator: { name: 'ani.operator', password: generatePassword() }, viewer: { name: 'vera.viewer', password: generatePassword() } };
    const tokens = { operator: { name: 'ops-script', token: generateToken() }, viewer: { name: 'read-script', token: generateToken() } };
    const file = join(dir, 'users.json');
    writeUsersFile(file, {
      version: 1,
      users: await Promise.all(Object.entries(users).map(async ([role, u]) => ({ name: u.name, role: role as Role, passwordHash: await hashPassword(u.password) }))),
      tokens: Object.entries(tokens).map(([role, t]) => ({ name: t.name, role: role as Role, tokenHash: tokenHash(t.token) })),
    });
    return { file, secret: randomBytes(32).toString('base64'), users, tokens };
  })());
}

/** The console's environment for a namespace (any variable can be overridden). */
export async function consoleEnv(ns: Namespace, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const a = await testAuth();
  return {
    KAFKA_BROKERS: BROKERS,
    ...KAFKA_AUTH,
    REDIS_URL,
    CONSOLE_REDIS_PASSWORD,
    CONSOLE_USERS_FILE: a.file,
    CONSOLE_SESSION_SECRET: a.secret,
    REDIS_PREFIX: ns.redisPrefix,
    IPASN_TOPIC_PREFIX: ns.topicPrefix,
    CONSOLE_PORT: '0',
    CONSOLE_LAG_CACHE_MS: '0',
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

export async function startTestConsole(ns: Namespace, env: Record<string, string> = {}, options: { clock?: () => number; agencies?: Agencies; logger?: Logger } = {}): Promise<ConsoleHandle> {
  return startConsole({ config: loadConsoleConfig(await consoleEnv(ns, env)), logger: silentLogger(), ...options });
}

/** Who makes a request: a signed-in user of a role, a role's bearer token, or nobody. */
export type As = Role | { token: Role } | 'anonymous';

const cookies = new WeakMap<ConsoleHandle, Map<Role, string>>();

/** Signs in through POST /login (JSON) and returns the session cookie (`name=value`). */
export async function signIn(c: ConsoleHandle, name: string, password: string): Promise<{ status: number; cookie: string | null }> {
  const res = await fetch(`${c.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: c.url }, body: JSON.stringify({ name, password }) });
  await res.arrayBuffer();
  const set = res.headers.getSetCookie().find((h) => h.startsWith('ipasn_session='));
  return { status: res.status, cookie: set ? set.split(';')[0]! : null };
}

/** Request headers for `as` (one sign-in per console and role, reused). */
export async function authHeaders(c: ConsoleHandle, as: As): Promise<Record<string, string>> {
  if (as === 'anonymous') return {};
  const a = await testAuth();
  if (typeof as === 'object') return { authorization: `Bearer ${a.tokens[as.token].token}` };
  const jar = cookies.get(c) ?? new Map<Role, string>();
  cookies.set(c, jar);
  let cookie = jar.get(as);
  if (!cookie) {
    const r = await signIn(c, a.users[as].name, a.users[as].password);
    if (!r.cookie) throw new Error(`sign-in as ${as} failed: ${r.status}`);
    jar.set(as, (cookie = r.cookie));
  }
  return { cookie };
}

export async function getJson<T = unknown>(c: ConsoleHandle, path: string, as: As = 'operator'): Promise<{ status: number; body: T }> {
  const res = await fetch(c.url + path, { headers: await authHeaders(c, as) });
  return { status: res.status, body: (await res.json()) as T };
}

export async function postJson<T = unknown>(c: ConsoleHandle, path: string, body: unknown, as: As = 'operator', headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(c.url + path, { method: 'POST', headers: { 'content-type': 'application/json', origin: c.url, ...(await authHeaders(c, as)), ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

/** GET with the operator's session, any content (metrics, pages). */
export async function fetchAs(c: ConsoleHandle, path: string, as: As = 'operator', init: RequestInit = {}): Promise<Response> {
  return fetch(c.url + path, { ...init, headers: { ...(await authHeaders(c, as)), ...(init.headers as Record<string, string> | undefined) } });
}

/**
 * Polls until `check` returns a value (not undefined/false), or fails after `ms`; `seen` (if given)
 * says what was last observed, for the failure message.
 */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 30_000, seen?: () => unknown): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${seen ? `; last seen: ${JSON.stringify(seen())}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Per-employee line of `ipasn score` (events.md). */
export interface ScoredLine {
  nip: string;
  agencyCode: string;
  employmentType: EmploymentType;
  rules: RuleSetId;
  total: number;
  category: Category;
  dimensions: ScoreEvent['dimensions'];
  dataGaps: string[];
}

export interface Dataset {
  /** `ipasn score --by-agency --rules all` lines. */
  byAgency: AgencySummary[];
  employees: ScoredLine[];
  streamFile: string;
}

/**
 * `ipasn generate` → `ipasn score` (per employee) → one ACTIVE score event per employee and rule set
 * applied through AggregateStore (the projector's Lua), and `ipasn score --by-agency` to compare.
 */
export async function loadDataset(redis: Redis, prefix: string, o: { seed: string; employees: number; asOf: string; dir: string }): Promise<Dataset> {
  const streamFile = join(o.dir, `stream-${o.seed}.ndjson`);
  const now = `${o.asOf}T17:00:00+07:00`;
  await run('node', [CLI, 'generate', '--seed', o.seed, '--employees', String(o.employees), '--as-of', o.asOf, '--invalid', '0', '--duplicates', '0', '-q', '--out', streamFile]);
  const opts = { maxBuffer: 256 * 1024 * 1024 };
  const perEmployee = await run('node', [CLI, 'score', '--as-of', o.asOf, '--now', now, '--rules', 'all', streamFile], opts);
  const byAgency = await run('node', [CLI, 'score', '--as-of', o.asOf, '--now', now, '--rules', 'all', '--by-agency', streamFile], opts);
  const parse = <T>(s: string): T[] => s.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  const employees = parse<ScoredLine>(perEmployee.stdout);
  const store = await AggregateStore.open(redis, prefix);
  const computedAt = Date.parse(now);
  const events: ScoreEvent[] = employees.map((e) => ({
    nip: e.nip,
    agencyCode: e.agencyCode,
    employmentType: e.employmentType,
    ruleSet: e.rules,
    ruleSetVersion: '1',
    status: 'ACTIVE',
    total: e.total,
    category: e.category,
    dimensions: e.dimensions,
    dataGaps: e.dataGaps,
    version: 1,
    cause: { kind: 'EVENT', eventId: null, eventSource: null, eventType: null, partition: null, offset: null },
    asOf: o.asOf,
    computedAt,
    previousAgencyCode: null,
    previousTotal: null,
    jobGroup: null,
  }));
  for (let i = 0; i < events.length; i += 500) await store.apply(events.slice(i, i + 500));
  return { byAgency: parse<AgencySummary>(byAgency.stdout), employees, streamFile };
}

export async function createTopics(kafka: KafkaClient, ns: Namespace, codes: readonly string[] = AGENCIES.all.map((a) => a.code)): Promise<void> {
  await applyTopics(kafka, expandTopics(await readTopicFile(), codes, ns.topicPrefix));
}

export async function deleteTopics(kafka: KafkaClient, ns: Namespace): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    await admin.deleteTopics((await admin.listTopics()).filter((t) => t.startsWith(ns.topicPrefix)));
    // The services' groups and the console's offset readers are named after the topic prefix.
    await admin.deleteGroups((await admin.listGroups()).filter((g) => g.startsWith(ns.topicPrefix))).catch(() => undefined);
  });
}

/**
 * Per-file fixtures: one namespace, one Redis connection (the default user, as the services write),
 * one KafkaClient client and a temp folder for the whole file. The namespace's cleanup removes everything
 * under it — Redis keys, topics, consumer groups — whichever fixtures the file used; it runs after
 * the file's afterAll hooks (which stop the services that write there).
 */
export const test = base
  // eslint-disable-next-line no-empty-pattern -- vitest requires a destructuring pattern here
  .extend('ns', { scope: 'file' }, ({}, { onCleanup }) => {
    const ns = namespace();
    onCleanup(async () => {
      const redis = createRedis({ ...REDIS, logger: silentLogger(), connectionName: 'console-test-cleanup' });
      const kafka = createKafka({ ...KAFKA, clientId: 'console-test-cleanup', logger: silentLogger() });
      try {
        await deleteTopics(kafka, ns);
        await deleteMatching(redis, `${ns.redisPrefix}*`);
      } finally {
        await closeRedis(redis);
      }
    });
    return ns;
  })
  // eslint-disable-next-line no-empty-pattern -- vitest requires a destructuring pattern here
  .extend('redis', { scope: 'file' }, ({}, { onCleanup }) => {
    const redis = createRedis({ ...REDIS, logger: silentLogger(), connectionName: 'console-test' });
    onCleanup(() => closeRedis(redis));
    return redis;
  })
  .extend('kafka', { scope: 'file' }, () => createKafka({ ...KAFKA, clientId: 'console-test', logger: silentLogger() }))
  // eslint-disable-next-line no-empty-pattern -- vitest requires a destructuring pattern here
  .extend('tmp', { scope: 'file' }, async ({}, { onCleanup }) => {
    const dir = await mkdtemp(join(tmpdir(), 'console-test-'));
    onCleanup(() => rm(dir, { recursive: true, force: true }));
    return dir;
  });

export async function writeAgencyFile(dir: string, agencies: Agencies): Promise<string> {
  const file = join(dir, `agencies-${randomUUID().slice(0, 6)}.json`);
  await writeFile(file, JSON.stringify(agencies.list));
  return file;
}

/** A real pipeline service as a child process (`node services/<name>/dist/main.js`), ready when its /readyz says so. */
export async function startService(name: 'normalizer' | 'scorer' | 'projector', ns: Namespace, dir: string, env: Record<string, string> = {}): Promise<{ stop(): Promise<void> }> {
  const portFile = join(dir, `${name}-${randomUUID().slice(0, 6)}.port`);
  const child = spawn(process.execPath, [join(ROOT, `services/${name}/dist/main.js`)], {
    env: {
      ...process.env,
      KAFKA_BROKERS: BROKERS,
      REDIS_URL,
      REDIS_PREFIX: ns.redisPrefix,
      IPASN_TOPIC_PREFIX: ns.topicPrefix,
      NORMALIZER_TOPIC_REFRESH_MS: '1000',
      [`${name.toUpperCase()}_OPS_PORT`]: '0',
      PORT_FILE: portFile,
      LOG_LEVEL: 'warn',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await until(`${name} ready`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${stderr}`);
      const port = await readFile(portFile, 'utf8').catch(() => '');
      if (!port) return undefined;
      return (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok || undefined;
    }, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}
