/**
 * Held, not rejected, while a transfer is on its way (events.md), with the scorer killed (SIGKILL)
 * while events are held — real Kafka, Redis and service processes:
 *  1. agency 4011 upserts N employees with an education record;
 *  2. agency 3004's events for all of them (an upsert, a training, an appraisal) overtake the
 *     transfers, and a fifth of them get a stray record from 7672, which never owns them — the
 *     scorer is killed three times while this flows and once more after it, with everything held;
 *  3. 4011 sends the transfers to 3004, the scorer killed three times meanwhile.
 * Then: no dead letter at all; every employee is counted under 3004 with its held events applied
 * exactly once (its last score's version is the number of events applied: a lost held event makes
 * it lower, a doubled one higher); the held index holds exactly 7672's strays; the scores equal
 * `ipasn score` over the same events; and `ipasn verify` finds the aggregates right.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verify } from '@ipasn/ops';
import { topicNames } from '@ipasn/pipeline';
import { heldIndexKey, heldPerAgency } from '@ipasn/profiles';
import type { ScoreEvent } from '@ipasn/serde';
import {
  cliMain,
  createTopics,
  decoders,
  deleteNamespace,
  KAFKA,
  onFinished,
  publishLines,
  REDIS,
  scanTopic,
  sleep,
  startService,
  testNamespace,
  testRedis,
  waitForDrain,
  type ServiceHandle,
} from '../src/index.js';

const run = promisify(execFile);
const N = Number(process.env['E2E_HELD_EMPLOYEES'] ?? 2_000);
const AS_OF = '2025-06-30';
const MINUTES = 60_000;
const [A, B, C] = ['4011', '3004', '7672'];

/** N valid NIPs: born 1980–1989 on day 1–28, appointed 2010-01, gender 1, a sequence number. */
const nips = Array.from({ length: N }, (_, i) => `198${i % 10}01${String((Math.floor(i / 10) % 28) + 1).padStart(2, '0')}2010011${String(Math.floor(i / 280)).padStart(3, '0')}`);
const TIME = '2025-06-01T09:00:00+07:00';
let seq = 0;
function line(agency: string, nip: string, type: string, data: Record<string, unknown>): string {
  seq++;
  return JSON.stringify({ specversion: '1.0', id: `held-${seq}`, source: `/agencies/${agency}`, type: `ipasn.${type}`, subject: nip, time: TIME, data });
}

const phase1 = nips.flatMap((nip) => [
  line(A, nip, 'employee.upserted', { name: 'Pegawai', employmentType: 'PNS', jobGroup: 'PELAKSANA', requiredEducation: 'S1' }),
  line(A, nip, 'education.recorded', { recordId: 'pdk-1', level: 'S1', graduatedOn: '2008-08-01' }),
]);
const strays = nips.filter((_, i) => i % 5 === 0);
const phase2 = [
  ...nips.flatMap((nip) => [
    line(B, nip, 'employee.upserted', { name: 'Pegawai', employmentType: 'PNS', jobGroup: 'PELAKSANA', requiredEducation: 'S1', unitName: 'Biro Umum' }),
    line(B, nip, 'training.recorded', { recordId: 'dkl-1', kind: 'TECHNICAL', hours: 24, completedOn: '2025-03-01' }),
    line(B, nip, 'appraisal.recorded', { recordId: 'skp-2024', year: 2024, predicate: 'SANGAT_BAIK' }),
  ]),
  ...strays.map((nip) => line(C, nip, 'appraisal.recorded', { recordId: 'skp-x', year: 2024, predicate: 'BURUK' })),
];
const phase3 = nips.map((nip) => line(A, nip, 'employee.transferred', { toAgencyCode: B }));
/** Events applied per employee: phase 1 (2), the transfer, and phase 2's three, released by it. */
const APPLIED = 6;

/** Kills the scorer with SIGKILL `times` times at random moments, restarting it each time. */
async function crash(scorer: ServiceHandle, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await sleep(300 + Math.random() * 1_500);
    await scorer.kill('SIGKILL');
    await scorer.restart({ waitReady: true });
  }
}

describe('held events survive scorer crashes (real Kafka, Redis and service processes)', () => {
  it(
    `${N} transfers whose new agency's events overtook them: held, applied once each after SIGKILLs, strays still held`,
    async () => {
      const ns = testNamespace();
      const dir = mkdtempSync(join(tmpdir(), 'ipasn-held-'));
      const redis = testRedis();
      await onFinished(async () => {
        rmSync(dir, { recursive: true, force: true });
        await redis.quit();
        await deleteNamespace(ns);
      });
      const topics = topicNames(ns);
      await createTopics(ns, [A, B, C]);
      const env = { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, SCORING_AS_OF: AS_OF, LOG_LEVEL: 'warn' };
      const [normalizer, scorer, projector] = await Promise.all((['normalizer', 'scorer', 'projector'] as const).map((name) => startService(name, env)));
      await Promise.all([normalizer!.waitReady(), scorer!.waitReady(), projector!.waitReady()]);
      const ingress = [A, B, C].map((a) => topics.ingress(a));
      const drain = async () => {
        await waitForDrain(`${ns}ipasn-normalizer`, ingress, 10 * MINUTES);
        await waitForDrain(`${ns}ipasn-scorer`, [topics.events], 10 * MINUTES);
        await waitForDrain(`${ns}ipasn-projector`, [topics.scores], 10 * MINUTES);
      };
      const held = async () => heldPerAgency(await redis.hgetall(heldIndexKey(ns)));

      await publishLines(phase1, { prefix: ns });
      await drain();
      await Promise.all([publishLines(phase2, { prefix: ns }), crash(scorer!, 3)]);
      await drain();
      // Everything of 3004 and 7672 is held, exactly once, after the crashes; one more crash now.
      expect(await held()).toEqual(new Map([[B, { events: 3 * N, employees: N }], [C, { events: strays.length, employees: strays.length }]]));
      await scorer!.kill('SIGKILL');
      await scorer!.restart({ waitReady: true });
      await Promise.all([publishLines(phase3, { prefix: ns }), crash(scorer!, 3)]);
      await drain();
      expect(scorer!.starts).toBe(8);

      expect(await held()).toEqual(new Map([[C, { events: strays.length, employees: strays.length }]]));
      const dead: string[] = [];
      await scanTopic(topics.dlq, (m) => dead.push(decoders.deadLetter(m.value, m).reason), { timeoutMs: 5 * MINUTES });
      expect(dead).toEqual([]);

      const latest = new Map<string, ScoreEvent>();
      await scanTopic(
        topics.scores,
        (m) => {
          const s = decoders.scoreEvent(m.value, m);
          const key = `${s.nip}:${s.ruleSet}`;
          const prev = latest.get(key);
          if (!prev || prev.version <= s.version) latest.set(key, s);
        },
        { timeoutMs: 5 * MINUTES },
      );
      // One latest score per employee and rule set in force (the shipped list; `ipasn score` below
      // must compute the same rule sets).
      const ruleSets = new Set([...latest.values()].map((s) => s.ruleSet));
      const RULES = ruleSets.size;
      expect(RULES).toBeGreaterThanOrEqual(2);
      expect(latest.size).toBe(RULES * N);
      const versions = new Map<number, number>();
      for (const s of latest.values()) versions.set(s.version, (versions.get(s.version) ?? 0) + 1);
      expect(versions).toEqual(new Map([[APPLIED, RULES * N]]));
      expect(new Set([...latest.values()].map((s) => `${s.agencyCode} ${s.status}`))).toEqual(new Set([`${B} ACTIVE`]));

      // `ipasn score` over the same events in the same order (each phase drained before the next).
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, `${[...phase1, ...phase2, ...phase3].join('\n')}\n`);
      const { stdout, stderr } = await run(process.execPath, [cliMain(), 'score', '--rules', 'all', '--as-of', AS_OF, '--now', '2025-06-30T12:00:00+07:00', file], { maxBuffer: 1 << 28 });
      // Offline, the strays are still held at the end of the input: NOT_OWNER on their own lines.
      const rejects = stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { line: number; reason: string });
      expect(rejects.map((r) => r.reason)).toEqual(strays.map(() => 'NOT_OWNER'));
      expect(rejects.map((r) => r.line)).toEqual(strays.map((_, k) => phase1.length + 3 * N + k + 1));
      const offline = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { nip: string; rules: string; agencyCode: string; total: number; dimensions: Record<string, number> });
      expect(offline).toHaveLength(RULES * N);
      expect(new Set(offline.map((o) => o.rules))).toEqual(ruleSets);
      for (const o of offline) {
        const s = latest.get(`${o.nip}:${o.rules}`)!;
        expect([s.agencyCode, s.total, { ...s.dimensions }], o.nip).toEqual([o.agencyCode, o.total, o.dimensions]);
      }

      const v = await verify({ kafkaConnection: KAFKA, redisConnection: REDIS, topicPrefix: ns, redisPrefix: ns, asOf: AS_OF });
      expect(v.agencies.filter((a) => !a.ok)).toEqual([]);
      expect([v.ok, v.held, v.rejected]).toEqual([true, strays.length, 0]);
      await Promise.all([normalizer!.kill('SIGTERM'), scorer!.kill('SIGTERM'), projector!.kill('SIGTERM')]);
    },
    30 * MINUTES,
  );
});
