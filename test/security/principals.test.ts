/**
 * Least privilege that still works: the pipeline runs end to end with every process logged in as
 * itself — the agencies publishing through `ipasn publish --credentials` (one producer per agency,
 * each allowed only its own topic), the normalizer, scorer and projector as their own Kafka
 * principals and Redis users, under the namespace's copy of infra/topics/acls.json. A rule that is
 * too narrow shows as a service that cannot drain; the books must still verify.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Agencies } from '@ipasn/contracts';
import { verify } from '@ipasn/ops';
import {
  cliMain,
  createTopics,
  deleteNamespace,
  generateStream,
  KAFKA,
  onFinished,
  REDIS,
  startService,
  testNamespace,
  waitForDrain,
} from '../src/index.js';

const run = promisify(execFile);
const AS_OF = '2025-06-30';
const MINUTES = 60_000;
const SECRETS = process.env['IPASN_SECRETS_DIR'] ?? '';

function identity(principal: string, redisUser: string): Record<string, string | undefined> {
  return {
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SASL_PASSWORD: undefined,
    KAFKA_SASL_PASSWORD_FILE: join(SECRETS, 'kafka', 'users', `${principal}.password`),
    REDIS_USERNAME: redisUser,
    REDIS_PASSWORD: undefined,
    REDIS_PASSWORD_FILE: join(SECRETS, 'redis', `${redisUser}.password`),
  };
}

describe('every process as its own principal', () => {
  it(
    'agencies publish as themselves, the services run as theirs, and the aggregates verify',
    async () => {
      expect(SECRETS, 'IPASN_SECRETS_DIR (npm test sets it)').not.toBe('');
      const ns = testNamespace();
      const dir = mkdtempSync(join(tmpdir(), 'ipasn-principals-'));
      await onFinished(async () => {
        rmSync(dir, { recursive: true, force: true });
        await deleteNamespace(ns);
      });
      const stream = await generateStream({ dir, seed: 20, employees: 300, asOf: AS_OF, invalid: 0.02 });
      const agencies = Agencies.default().all.map((a) => a.code);
      const topics = await createTopics(ns, agencies, { acls: true });
      const base = { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, SCORING_AS_OF: AS_OF, LOG_LEVEL: 'warn' };
      const services = await Promise.all((['normalizer', 'scorer', 'projector'] as const).map((name) => startService(name, { ...base, ...identity(name, name) })));
      await Promise.all(services.map((s) => s.waitReady()));

      // The agencies' own credentials: no KAFKA_SASL_USERNAME at all, one login per agency.
      const env: NodeJS.ProcessEnv = { ...process.env, IPASN_TOPIC_PREFIX: ns };
      delete env['KAFKA_SASL_USERNAME'];
      delete env['KAFKA_SASL_PASSWORD_FILE'];
      const { stdout } = await run(process.execPath, [cliMain(), 'publish', '--credentials', join(SECRETS, 'kafka', 'users'), '--send-invalid', '--json', '--quiet', '--rejects', join(dir, 'rejects.ndjson'), stream.file], {
        env,
        maxBuffer: 1 << 26,
      });
      const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { sent?: number };
      expect(summary.sent).toBeGreaterThan(1000);

      // A refused Kafka request or Redis command ends a service (fatal): fail at once, not at the drain timeout.
      const died = Promise.race(services.map(async (s) => Promise.reject(new Error(`${s.name} exited (${JSON.stringify(await s.exited)}):\n${s.tail(5)}`))));
      const drained = (async () => {
        await waitForDrain(`${ns}ipasn-normalizer`, agencies.map((a) => topics.ingress(a)), 10 * MINUTES);
        await waitForDrain(`${ns}ipasn-scorer`, [topics.events], 10 * MINUTES);
        await waitForDrain(`${ns}ipasn-projector`, [topics.scores], 10 * MINUTES);
      })();
      died.catch(() => undefined);
      await Promise.race([drained, died]);
      for (const s of services) expect(s.logs(), `${s.name} log`).not.toMatch(/NOPERM|not authorized|authorization failed/iu);

      const report = await verify({ kafkaConnection: KAFKA, redisConnection: REDIS, topicPrefix: ns, redisPrefix: ns, asOf: AS_OF });
      expect(report.agencies.filter((a) => !a.ok)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.agencies.length).toBeGreaterThan(5);
    },
    20 * MINUTES,
  );
});
