/**
 * Rule sets are open data (ipasn-rules.md, "Rule sets are data, and there can be any number of
 * them"; issue 16): a fourth rule-set file, written to a temporary folder and named only in
 * configuration (a rule-set list file, IPASN_RULE_SETS_FILE; an agency list making it one pilot
 * agency's primary, IPASN_AGENCIES_FILE), is computed with no code change by
 *  - `ipasn score --rules all` (four lines per active employee),
 *  - the live pipeline as processes: the scorer's score events, the projector's aggregates, the
 *    console's API (rule-set list, agency, national, pilot), and `ipasn verify`;
 * and a new version of it in the running system is noticed by the restarted scorer, marked
 * "being computed" by the console, and filled in by `ipasn rescore --rules <id>` (no Kafka replay).
 * Nothing in the code names the fourth id: it exists only in the files this test writes.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Agencies } from '@ipasn/contracts';
import { topicNames } from '@ipasn/pipeline';
import type { ScoreEvent } from '@ipasn/serde';
import { cliMain, createTopics, decoders, deleteNamespace, generateStream, onFinished, publishNdjson, REPO_ROOT, scanTopic, startService, testNamespace, waitForDrain } from '../src/index.js';

const run = promisify(execFile);
const AS_OF = '2025-06-30';
const FOURTH = 'kota-contoh-2026';
const EMPLOYEES = 400;

/** bkn-2023's file with another id and other numbers: what an operator does to add a rule set. */
function writeFourth(dir: string, version = '3'): string {
  const doc = JSON.parse(readFileSync(join(REPO_ROOT, 'packages', 'rules', 'src', 'data', 'bkn-2023.json'), 'utf8')) as {
    id: string;
    version: string;
    title: string;
    status: string;
    kompetensi: { columns: { components: { type: string; points: Record<string, number> }[] }[] };
  };
  doc.id = FOURTH;
  doc.version = version;
  doc.title = 'Kota Contoh 2026 (an operator’s rule set, test)';
  doc.status = 'draft';
  for (const col of doc.kompetensi.columns) {
    for (const c of col.components) if (c.type === 'performance') Object.assign(c.points, { SANGAT_BAIK: 30, BAIK: 22.5, CUKUP: 12.5, BUTUH_PERBAIKAN: 12.5 });
  }
  const file = join(dir, 'kota-contoh-2026.json');
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

type Line = { nip: string; rules: string; agencyCode: string; employmentType: string; total: number; category: string; dimensions: Record<string, number>; dataGaps: string[] };

/** NIPs whose lines in a generated file all come from one agency: their order is the file's (events.md). */
function singleAgencyNips(file: string): Set<string> {
  const sources = new Map<string, Set<string>>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const j = JSON.parse(line) as { subject?: unknown; source?: unknown };
    if (typeof j.subject !== 'string' || typeof j.source !== 'string') continue;
    const nip = j.subject.replace(/[\s.-]/gu, '');
    sources.set(nip, (sources.get(nip) ?? new Set()).add(j.source));
  }
  return new Set([...sources].filter(([, s]) => s.size === 1).map(([nip]) => nip));
}

async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, [cliMain(), ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  return stdout;
}

describe('a fourth rule set named only in configuration', () => {
  it(
    'is computed by ipasn score, the scorer, the projector, the console and ipasn verify, with no code change',
    async () => {
      const ns = testNamespace();
      const dir = mkdtempSync(join(tmpdir(), 'ipasn-open-rules-'));
      await onFinished(async () => {
        rmSync(dir, { recursive: true, force: true });
        await deleteNamespace(ns);
      });
      // The configuration: a rule-set list (the three shipped ones plus the file), and an agency
      // list in which one pilot agency uses the fourth rule set as its primary.
      writeFourth(dir);
      const ruleSetsFile = join(dir, 'rule-sets.json');
      writeFileSync(ruleSetsFile, JSON.stringify({ baseline: 'perban-8-2019', ruleSets: [{ shipped: 'perban-8-2019' }, { shipped: 'reformulasi-2024' }, { shipped: 'bkn-2023' }, { file: 'kota-contoh-2026.json' }] }));
      const list = Agencies.default().list;
      const agenciesFile = join(dir, 'agencies.json');
      writeFileSync(agenciesFile, JSON.stringify({ ...list, agencies: list.agencies.map((a) => (a.code === '6300' ? { ...a, primary: { ruleSet: FOURTH, from: null } } : a)) }));
      const config = { IPASN_RULE_SETS_FILE: ruleSetsFile, IPASN_AGENCIES_FILE: agenciesFile };

      const now = new Date();
      const stream = await generateStream({ dir, seed: 'open-rule-sets', employees: EMPLOYEES, asOf: AS_OF, now, invalid: 0, duplicates: 0 });

      // Offline: `ipasn score --rules all` prints one line per active employee and rule set of the list.
      const offline = (await cli(['score', '--rules', 'all', '--as-of', AS_OF, '--now', now.toISOString(), stream.file], config))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line);
      const nips = new Set(offline.map((l) => l.nip));
      expect(nips.size).toBeGreaterThan(EMPLOYEES / 2);
      expect(offline).toHaveLength(4 * nips.size);
      for (const nip of nips) expect(offline.filter((l) => l.nip === nip).map((l) => l.rules)).toEqual(['bkn-2023', FOURTH, 'perban-8-2019', 'reformulasi-2024']);
      // Its own numbers, not bkn-2023's: the bigger BAIK base shows in some employees' kompetensi.
      const bkn = new Map(offline.filter((l) => l.rules === 'bkn-2023').map((l) => [l.nip, l]));
      const fourth = offline.filter((l) => l.rules === FOURTH);
      expect(fourth.some((l) => l.dimensions['kompetensi']! !== bkn.get(l.nip)!.dimensions['kompetensi']!)).toBe(true);

      // Live: the services as processes, configured with the same files.
      const topics = topicNames(ns);
      const agencies = list.agencies.map((a) => a.code);
      await createTopics(ns, agencies);
      const secrets = process.env['IPASN_SECRETS_DIR'] ?? join(REPO_ROOT, '.local', 'secrets');
      const token = randomBytes(24).toString('base64url');
      const usersFile = join(dir, 'users.json');
      writeFileSync(usersFile, JSON.stringify({ version: 1, users: [], tokens: [{ name: 'openness', role: 'viewer', tokenHash: `sha256:${createHash('sha256').update(token).digest('hex')}` }] }), { mode: 0o600 });
      const env = { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, SCORING_AS_OF: AS_OF, LOG_LEVEL: 'warn', ...config };
      const consoleEnv = {
        ...env,
        CONSOLE_PORT: '0',
        CONSOLE_USERS_FILE: usersFile,
        CONSOLE_SESSION_SECRET: randomBytes(32).toString('base64'),
        CONSOLE_REDIS_PASSWORD_FILE: process.env['CONSOLE_REDIS_PASSWORD_FILE'] ?? join(secrets, 'redis', 'console.password'),
      };
      const services = await Promise.all([startService('normalizer', env), startService('scorer', env), startService('projector', env), startService('console', consoleEnv)]);
      await Promise.all(services.map((s) => s.waitReady()));
      const [, scorer, , consoleSvc] = services;
      await publishNdjson(stream.file, { prefix: ns, expect: stream.expectations });
      await waitForDrain(`${ns}ipasn-normalizer`, agencies.map((a) => topics.ingress(a)), 120_000);
      await waitForDrain(`${ns}ipasn-scorer`, [topics.events], 120_000);
      await waitForDrain(`${ns}ipasn-projector`, [topics.scores], 120_000);
      expect(scorer.logs()).not.toMatch(/RULE_SET/u);

      // Scores: the latest per (NIP, rule set) on ipasn.scores equals ipasn score's line, fourth included.
      const latest = new Map<string, ScoreEvent>();
      await scanTopic(topics.scores, (m) => {
        const s = decoders.scoreEvent(m.value, m);
        const prev = latest.get(`${s.nip}:${s.ruleSet}`);
        if (!prev || prev.version <= s.version) latest.set(`${s.nip}:${s.ruleSet}`, s);
      });
      const active = [...latest.values()].filter((s) => s.status === 'ACTIVE');
      expect(active.filter((s) => s.ruleSet === FOURTH).every((s) => s.ruleSetVersion === '3')).toBe(true);
      // Employees whose events all come from one agency are in the file's order on ipasn.events too
      // (the order of different agencies' topics is not defined, events.md): most of the stream.
      const single = singleAgencyNips(stream.file);
      let compared = 0;
      for (const l of fourth) {
        if (!single.has(l.nip)) continue;
        const s = latest.get(`${l.nip}:${FOURTH}`);
        expect(s && { agencyCode: s.agencyCode, total: s.total, category: s.category, dimensions: { ...s.dimensions } }, l.nip).toEqual({ agencyCode: l.agencyCode, total: l.total, category: l.category, dimensions: l.dimensions });
        compared++;
      }
      expect(compared).toBeGreaterThan(0.5 * fourth.length);

      // Console: the list in force, the agency under the fourth rule set (its primary), national, pilot.
      const api = async <T>(path: string): Promise<T> => {
        const res = await fetch(consoleSvc.url(path), { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
        expect(res.status, path).toBe(200);
        return (await res.json()) as T;
      };
      const ruleSets = await api<{ baseline: string; ruleSets: { id: string; version: string; computing: unknown }[] }>('/api/rule-sets');
      expect(ruleSets.ruleSets.map((r) => [r.id, r.version])).toEqual([['perban-8-2019', '1'], ['reformulasi-2024', '1'], ['bkn-2023', '1'], [FOURTH, '3']]);
      // The scorer started on an empty namespace: nothing to fill in, nothing "being computed".
      expect(ruleSets.ruleSets.every((r) => r.computing === null)).toBe(true);
      const agency = await api<{ rules: string; headcount: { total: number } }>('/api/agencies/6300');
      expect(agency.rules).toBe(FOURTH);
      expect(agency.headcount.total).toBeGreaterThan(0);
      expect(agency.headcount.total).toBe(active.filter((s) => s.ruleSet === FOURTH && s.agencyCode === '6300').length);
      const national = await api<{ rollups: { rules: string; headcount: { total: number } }[] }>('/api/national');
      expect(national.rollups.map((r) => r.rules)).toEqual(['perban-8-2019', 'reformulasi-2024', 'bkn-2023', FOURTH]);
      expect(national.rollups.find((r) => r.rules === FOURTH)!.headcount.total).toBe(active.filter((s) => s.ruleSet === FOURTH).length);
      const pilot = await api<{ agencies: { code: string; primaryRules: string; shadowRules: string }[] }>('/api/pilot');
      expect(pilot.agencies.find((a) => a.code === '6300')).toMatchObject({ primaryRules: FOURTH, shadowRules: 'perban-8-2019' });
      const pair = await api<{ agencies: { primaryRules: string; shadowRules: string }[] }>(`/api/pilot?a=${FOURTH}&b=bkn-2023`);
      expect(pair.agencies.every((a) => a.primaryRules === FOURTH && a.shadowRules === 'bkn-2023')).toBe(true);

      // ipasn verify, with the same configuration: Redis's aggregates equal the recomputation, fourth included.
      const verified = JSON.parse(await cli(['verify', '--json'], env)) as { ok: boolean; agencies: { rules: string; ok: boolean }[] };
      expect(verified.ok).toBe(true);
      expect(new Set(verified.agencies.map((a) => a.rules))).toEqual(new Set(['perban-8-2019', 'reformulasi-2024', 'bkn-2023', FOURTH]));

      // A new version of the fourth file in the running system: the restarted scorer notices it, the
      // console marks it "being computed", `ipasn rescore --rules <id>` fills it in without a replay.
      writeFourth(dir, '4');
      await scorer.restart({ waitReady: true });
      await consoleSvc.restart({ waitReady: true });
      expect(scorer.logs()).toMatch(/rule set kota-contoh-2026 v4 is not computed for the stored employees/u);
      const marked = await api<{ ruleSets: { id: string; version: string; computing: { version: string; reason: string } | null }[] }>('/api/rule-sets');
      expect(marked.ruleSets.find((r) => r.id === FOURTH)).toMatchObject({ version: '4', computing: { version: '4', reason: 'version' } });
      expect(marked.ruleSets.filter((r) => r.computing !== null)).toHaveLength(1);
      const rescored = JSON.parse((await cli(['rescore', '--rules', FOURTH, '--chunk-size', '100'], env)).trim().split('\n').at(-1)!) as { state: string; result: { employees: number; rescored: number } };
      expect(rescored.state).toBe('completed');
      expect(rescored.result.rescored).toBe(active.filter((s) => s.ruleSet === FOURTH).length);
      expect((await api<{ ruleSets: { computing: unknown }[] }>('/api/rule-sets')).ruleSets.every((r) => r.computing === null)).toBe(true);
      await waitForDrain(`${ns}ipasn-projector`, [topics.scores], 120_000);
      const v4 = new Map<string, ScoreEvent>();
      await scanTopic(topics.scores, (m) => {
        const sc = decoders.scoreEvent(m.value, m);
        if (sc.ruleSet === FOURTH && sc.cause.kind === 'RESCORE') v4.set(sc.nip, sc);
      });
      expect(v4.size).toBe(rescored.result.rescored);
      expect([...v4.values()].every((sc) => sc.ruleSetVersion === '4')).toBe(true);
      expect((JSON.parse(await cli(['verify', '--json', '--rules', FOURTH], env)) as { ok: boolean }).ok).toBe(true);
    },
    10 * 60_000,
  );
});
