/**
 * End to end: `ipasn generate` → the agencies' ingress topics → the real normalizer, scorer and
 * projector (child processes, evaluation date pinned) → the console. The agency endpoint must equal
 * `ipasn score --by-agency` for the same events and date, and the freshness view must show what the
 * normalizer accepted.
 *
 * Ingress topics of different agencies are not ordered with each other (events.md), so the offline
 * scorer (file order) and the stream agree only for employees whose events all come from one
 * agency: employees who change agency are left out of the stream here.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect } from 'vitest';
import { agencyCodeOfSource } from '@ipasn/contracts';
import { BatchProducer, type OutMessage } from '@ipasn/kafka';
import type { AgencySummary } from '@ipasn/rules';
import type { ConsoleHandle, GroupLagView } from '../src/index.js';
import { CLI, createTopics, getJson, startService, startTestConsole, test, until } from './fixtures.js';

const run = promisify(execFile);
const AS_OF = '2025-06-30';

type Detail = AgencySummary & { freshness: { lastAcceptedAt: string | null; stale: boolean } };

describe('pipeline end to end: ingress → normalizer → scorer → projector → console', () => {
  const stops: (() => Promise<void>)[] = [];
  let c: ConsoleHandle;
  let expected: AgencySummary[];
  const perAgency = new Map<string, number>();

  test.beforeAll(async ({ ns, kafka, tmp }) => {
    await createTopics(kafka, ns);
    const generated = join(tmp, 'stream.ndjson');
    await run('node', [CLI, 'generate', '--seed', 'console-e2e', '--employees', '120', '--as-of', AS_OF, '--invalid', '0', '--duplicates', '0', '-q', '--out', generated]);
    // Keep the employees whose events all come from one agency.
    const lines = (await readFile(generated, 'utf8')).split('\n').filter(Boolean);
    const parsed = lines.map((l) => ({ line: l, e: JSON.parse(l) as { subject: string; source: string } }));
    const sources = new Map<string, Set<string>>();
    for (const { e } of parsed) {
      const nip = e.subject.replace(/\D/gu, '');
      sources.set(nip, (sources.get(nip) ?? new Set()).add(e.source));
    }
    const kept = parsed.filter(({ e }) => sources.get(e.subject.replace(/\D/gu, ''))?.size === 1);
    const stream = join(tmp, 'single-agency.ndjson');
    await writeFile(stream, kept.map((k) => k.line).join('\n') + '\n');
    const scored = await run('node', [CLI, 'score', '--as-of', AS_OF, '--now', `${AS_OF}T17:00:00+07:00`, '--rules', 'all', '--by-agency', stream], { maxBuffer: 64 * 1024 * 1024 });
    expected = scored.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AgencySummary);

    const messages: OutMessage[] = kept.map(({ line, e }) => {
      const agency = agencyCodeOfSource(e.source)!;
      perAgency.set(agency, (perAgency.get(agency) ?? 0) + 1);
      return { topic: ns.topics.ingress(agency), key: e.subject.replace(/\D/gu, ''), value: Buffer.from(line) };
    });
    const producer = new BatchProducer(kafka);
    await producer.connect();
    for (let i = 0; i < messages.length; i += 1000) await producer.send(messages.slice(i, i + 1000));
    await producer.close();

    const env = { SCORING_AS_OF: AS_OF };
    for (const name of ['normalizer', 'scorer', 'projector'] as const) stops.push((await startService(name, ns, tmp, env)).stop);
    c = await startTestConsole(ns, { SCORING_AS_OF: AS_OF });
  });
  test.afterAll(async () => {
    await c?.close();
    for (const stop of stops.reverse()) await stop();
  });

  test('the agency endpoint equals `ipasn score --by-agency` for the same events and evaluation date', async () => {
    expect(expected.length).toBeGreaterThanOrEqual(20);
    // The console's own lag view says when the pipeline has caught up.
    await until(
      'every consumer group caught up',
      async () => {
        const groups = (await getJson<{ lag: { groups: GroupLagView[] } }>(c, '/api/freshness')).body.lag.groups;
        return groups.every((g) => g.totalLag === 0 && g.state === 'Stable') && groups.length === 3;
      },
      120_000,
    );
    let mismatch: unknown;
    await until(
      'aggregates equal to the offline scorer',
      async () => {
        for (const line of expected) {
          const { freshness: _f, ...got } = (await getJson<Detail>(c, `/api/agencies/${line.agencyCode}?rules=${line.rules}`)).body;
          if (JSON.stringify(got) !== JSON.stringify({ ...got, ...line }) || Object.keys(got).length !== Object.keys(line).length) {
            mismatch = { expected: line, got };
            return undefined;
          }
        }
        return true;
      },
      60_000,
      () => mismatch,
    );
    for (const line of expected) {
      const { freshness, ...got } = (await getJson<Detail>(c, `/api/agencies/${line.agencyCode}?rules=${line.rules}`)).body;
      expect(got).toStrictEqual(line);
      expect(freshness.lastAcceptedAt).not.toBeNull();
    }
  });

  test('freshness shows what the normalizer accepted per agency, and those agencies are not stale', async () => {
    await c.checkStaleNow();
    const { body } = await getJson<{ agencies: { code: string; lastHour: { accepted: number; rejected: number }; lastDay: { accepted: number }; stale: boolean }[] }>(c, '/api/freshness');
    for (const [code, n] of perAgency) {
      const a = body.agencies.find((x) => x.code === code)!;
      expect(a.lastHour).toMatchObject({ accepted: n, rejected: 0 });
      expect(a.lastDay.accepted).toBe(n);
      expect(a.stale).toBe(false);
    }
    const { body: list } = await getJson<{ agencies: { code: string; freshness: { stale: boolean; lastEventAt: string | null } }[] }>(c, '/api/agencies');
    for (const code of perAgency.keys()) expect(list.agencies.find((a) => a.code === code)?.freshness).toMatchObject({ stale: false });
  });
});
