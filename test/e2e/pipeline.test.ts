/**
 * The whole pipeline, end to end, through real Kafka and Redis, with every service a real process:
 * a generated stream of the pilot agencies (EMPLOYEES, default 50,000) is published to the ingress
 * topics while the scorer is killed with SIGKILL five times; once everything drained,
 *  - the latest score event per (NIP, rule set) equals `ipasn score --rules all` — over the stream as
 *    `ipasn.events` ordered it (every employee), and over the generated file itself for every
 *    employee whose events all come from one agency (for the others the order of different agencies'
 *    topics is not defined, events.md);
 *  - `ipasn verify` finds Redis's aggregates equal to the recomputation from `ipasn.events`.
 * Then a second stream flows while the projector is killed five times, and verify holds again.
 * Last, with the scorer and projector stopped, the namespace's Redis state is flushed and
 * `ipasn rebuild` restores it from Kafka; verify holds (the rebuild time per million events is printed).
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { rebuild, verify } from '@ipasn/ops';
import { Agencies } from '@ipasn/contracts';
import { topicNames } from '@ipasn/pipeline';
import { fromAvroCanonicalEvent, type ScoreEvent } from '@ipasn/serde';
import {
  cliMain,
  createTopics,
  decoders,
  deleteNamespace,
  deleteRedisKeys,
  generateStream,
  normalizerExpectation,
  KAFKA,
  onFinished,
  publishNdjson,
  REDIS,
  scanTopic,
  sleep,
  startService,
  testNamespace,
  waitForDrain,
  type ServiceHandle,
} from '../src/index.js';

const run = promisify(execFile);
const EMPLOYEES = Number(process.env['E2E_EMPLOYEES'] ?? 50_000);
const AS_OF = '2025-06-30';
const MINUTES = 60_000;

interface Expected {
  agencyCode: string;
  employmentType: string;
  total: number;
  category: string;
  dimensions: Record<string, number>;
  dataGaps: string[];
}

/** `ipasn score --rules all` over a file: (NIP:rules) → score line. */
async function offlineScores(file: string, now: Date): Promise<Map<string, Expected>> {
  const { stdout } = await run(process.execPath, [cliMain(), 'score', '--rules', 'all', '--as-of', AS_OF, '--now', now.toISOString(), file], { maxBuffer: 1 << 30 });
  const out = new Map<string, Expected>();
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const s = JSON.parse(line) as Expected & { nip: string; rules: string };
    out.set(`${s.nip}:${s.rules}`, { agencyCode: s.agencyCode, employmentType: s.employmentType, total: s.total, category: s.category, dimensions: s.dimensions, dataGaps: s.dataGaps });
  }
  return out;
}

/** The latest ACTIVE score per (NIP:rules) on ipasn.scores (the highest version wins). */
async function latestScores(topic: string): Promise<Map<string, Expected>> {
  const latest = new Map<string, ScoreEvent>();
  await scanTopic(
    topic,
    (m) => {
      const s = decoders.scoreEvent(m.value, m);
      const key = `${s.nip}:${s.ruleSet}`;
      const prev = latest.get(key);
      if (!prev || prev.version <= s.version) latest.set(key, s);
    },
    { timeoutMs: 10 * MINUTES },
  );
  const out = new Map<string, Expected>();
  for (const [key, s] of latest) {
    if (s.status !== 'ACTIVE') continue;
    out.set(key, { agencyCode: s.agencyCode, employmentType: s.employmentType, total: s.total, category: s.category, dimensions: { ...s.dimensions }, dataGaps: s.dataGaps });
  }
  return out;
}

/** Writes `ipasn.events` back as ingress NDJSON, in the order the scorer saw it (per partition). */
async function eventsAsIngress(topic: string, file: string): Promise<number> {
  const out = createWriteStream(file);
  let n = 0;
  await scanTopic(
    topic,
    (m) => {
      const e = fromAvroCanonicalEvent(decoders.canonicalEvent(m.value, m));
      out.write(`${JSON.stringify({ specversion: '1.0', id: e.id, source: e.source, type: e.type, subject: e.nip, time: e.time, data: e.data })}\n`);
      n++;
    },
    { timeoutMs: 10 * MINUTES },
  );
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return n;
}

/** NIPs whose lines in a generated file all name one source agency. */
function singleAgencyNips(file: string): Set<string> {
  const sources = new Map<string, Set<string>>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    let j: { subject?: unknown; source?: unknown } | null;
    try {
      j = JSON.parse(line) as typeof j;
    } catch {
      continue;
    }
    if (j === null || typeof j !== 'object' || typeof j.subject !== 'string' || typeof j.source !== 'string') continue;
    const nip = j.subject.replace(/[\s.-]/gu, '');
    let set = sources.get(nip);
    if (!set) sources.set(nip, (set = new Set()));
    set.add(j.source);
  }
  return new Set([...sources].filter(([, s]) => s.size === 1).map(([nip]) => nip));
}

/** Kills `service` with SIGKILL `times` times at random moments, restarting it each time. */
async function crash(service: ServiceHandle, times: number, gapMs: [number, number]): Promise<void> {
  for (let i = 0; i < times; i++) {
    await sleep(gapMs[0] + Math.random() * (gapMs[1] - gapMs[0]));
    await service.kill('SIGKILL');
    await service.restart({ waitReady: true });
  }
}

describe('the whole pipeline (real Kafka, Redis and service processes)', () => {
  it(
    `${EMPLOYEES} employees: scores equal ipasn score after 5 scorer crashes; aggregates verify, also after 5 projector crashes`,
    async () => {
      const ns = testNamespace();
      const dir = mkdtempSync(join(tmpdir(), 'ipasn-e2e-'));
      for (const sub of ['1', '2']) mkdirSync(join(dir, sub));
      await onFinished(async () => {
        rmSync(dir, { recursive: true, force: true });
        await deleteNamespace(ns);
      });
      const topics = topicNames(ns);
      const agencies = Agencies.default().all.map((a) => a.code);
      await createTopics(ns, agencies);
      const env = { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, SCORING_AS_OF: AS_OF, LOG_LEVEL: 'warn' };
      const [normalizer, scorer, projector] = await Promise.all((['normalizer', 'scorer', 'projector'] as const).map((name) => startService(name, env)));
      await Promise.all([normalizer!.waitReady(), scorer!.waitReady(), projector!.waitReady()]);
      const ingress = agencies.map((a) => topics.ingress(a));
      const drain = async () => {
        await waitForDrain(`${ns}ipasn-normalizer`, ingress, 20 * MINUTES);
        await waitForDrain(`${ns}ipasn-scorer`, [topics.events], 20 * MINUTES);
        await waitForDrain(`${ns}ipasn-projector`, [topics.scores], 20 * MINUTES);
      };

      // First stream, the scorer crashing five times while it flows.
      const now = new Date();
      const first = await generateStream({ dir: join(dir, '1'), seed: 2024, employees: EMPLOYEES, asOf: AS_OF, now, invalid: 0.01, duplicates: 0.005 });
      const t0 = performance.now();
      const publishing = publishNdjson(first.file, { prefix: ns, expect: first.expectations });
      await crash(scorer!, 5, [2_000, 6_000]);
      const published = await publishing;
      await drain();
      const seconds = (performance.now() - t0) / 1000;
      console.log(`first stream: ${published.sent} messages through the pipeline in ${seconds.toFixed(0)} s (${Math.round(published.sent / seconds)}/s, with 5 scorer crashes)`);
      expect(scorer!.starts).toBe(6);

      const replayed = join(dir, 'events.ndjson');
      const events = await eventsAsIngress(topics.events, replayed);
      // Exactly the declared count, but for one race the design allows: a re-sent copy of an event
      // that the scorer rejected (NOT_OWNER after a new owner's event overtook its transfer on
      // another agency's topic) finds no dedupe mark — a rejected event leaves none (events.md) —
      // and passes again. The exact count is the normalizer's own test (services/normalizer).
      const declared = normalizerExpectation(first.summary).events;
      expect(events).toBeGreaterThanOrEqual(declared);
      expect(events - declared).toBeLessThanOrEqual(first.summary.duplicates);
      const [actual, expectedByEvents, expectedByFile] = await Promise.all([latestScores(topics.scores), offlineScores(replayed, now), offlineScores(first.file, now)]);
      expect(actual.size).toBeGreaterThan(EMPLOYEES); // both rule sets of most employees
      expect(actual.size).toBe(expectedByEvents.size);
      for (const [key, want] of expectedByEvents) expect(actual.get(key), key).toEqual(want);
      const single = singleAgencyNips(first.file);
      let compared = 0;
      for (const [key, want] of expectedByFile) {
        if (!single.has(key.slice(0, 18))) continue;
        expect(actual.get(key), key).toEqual(want);
        compared++;
      }
      console.log(`compared ${expectedByEvents.size} scores with ipasn score over ipasn.events, ${compared} with ipasn score over the generated file`);
      expect(compared).toBeGreaterThan(0.8 * expectedByFile.size);

      const opts = { kafkaConnection: KAFKA, redisConnection: REDIS, topicPrefix: ns, redisPrefix: ns, asOf: AS_OF };
      const v1 = await verify(opts);
      expect(v1.agencies.filter((a) => !a.ok)).toEqual([]);
      expect(v1.ok).toBe(true);

      // Second stream, the projector crashing five times while it flows.
      const second = await generateStream({ dir: join(dir, '2'), seed: 2025, employees: Math.max(2_000, Math.round(EMPLOYEES / 5)), asOf: AS_OF, now, invalid: 0.01, duplicates: 0.005 });
      const publishing2 = publishNdjson(second.file, { prefix: ns, expect: second.expectations });
      await crash(projector!, 5, [1_000, 4_000]);
      await publishing2;
      await drain();
      expect(projector!.starts).toBe(6);
      const v2 = await verify(opts);
      expect(v2.agencies.filter((a) => !a.ok)).toEqual([]);
      expect(v2.ok).toBe(true);
      // More events, not exactly the sum: some agencies number their events with a sequence
      // (`<agency>-000000001`…), which a second generated stream repeats — dropped as duplicates.
      expect(v2.events).toBeGreaterThan(v1.events);

      // Redis lost: stop the writers, flush the namespace, rebuild from Kafka.
      await Promise.all([scorer!.kill('SIGTERM'), projector!.kill('SIGTERM')]);
      expect(await deleteRedisKeys(ns)).toBeGreaterThan(0);
      const t1 = performance.now();
      const rebuilt = await rebuild(opts);
      const rebuildSeconds = (performance.now() - t1) / 1000;
      console.log(`rebuild: ${rebuilt.states.events} events, ${rebuilt.aggregates.scores} latest scores in ${rebuildSeconds.toFixed(1)} s = ${((rebuildSeconds * 1e6) / rebuilt.states.events).toFixed(0)} s per million events (verify included)`);
      // The scorer had drained: nothing left to it, so the rebuild verified.
      expect(rebuilt.pending).toBe(0);
      expect(rebuilt.verify?.agencies.filter((a) => !a.ok)).toEqual([]);
      expect(rebuilt.ok).toBe(true);
      expect(rebuilt.states.events).toBe(v2.events);
    },
    60 * MINUTES,
  );
});
