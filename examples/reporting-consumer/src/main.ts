#!/usr/bin/env node
/**
 * The reference reporting consumer (README.md): keeps `scores.csv` (the latest score per NIP and
 * rule set) and `agencies.csv` (per-agency aggregates) up to date from `ipasn.scores`.
 *
 *   node dist/main.js              follow ipasn.scores until Ctrl-C
 *   node dist/main.js --until-end  read to the current end, write the report, exit (a nightly batch)
 *
 * First run (no scores.csv yet): bootstrap from the compacted `ipasn.scores.latest` (complete, where
 * `ipasn.scores` keeps 30 days), then follow `ipasn.scores` with the consumer group.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KafkaMessage } from 'kafkajs';
import { consume, KafkaClient, logLevel } from './consume.js';
import { Report, type ScoreEvent } from './report.js';
import { loadSchemas, SingleObjectDecoder } from './single-object.js';

/** Every setting, from the environment (README "Configuration"). */
function settings(env: NodeJS.ProcessEnv) {
  const prefix = env['IPASN_TOPIC_PREFIX'] ?? '';
  const user = env['KAFKA_SASL_USERNAME'];
  // The password itself, or a file holding it (as the project's services read secrets).
  const passwordFile = env['KAFKA_SASL_PASSWORD_FILE'];
  const password = env['KAFKA_SASL_PASSWORD'] ?? (passwordFile ? readFileSync(passwordFile, 'utf8').trim() : undefined);
  // The broker's CA (the project's brokers use SASL_SSL with a CA of their own).
  const caFile = env['KAFKA_SSL_CA_FILE'];
  return {
    brokers: (env['KAFKA_BROKERS'] ?? '127.0.0.1:19092').split(',').map((b) => b.trim()).filter(Boolean),
    sasl: user && password ? { mechanism: 'scram-sha-512' as const, username: user, password } : undefined,
    ssl: caFile ? { ca: [readFileSync(caFile, 'utf8')] } : env['KAFKA_SSL'] === 'true',
    scoresTopic: `${prefix}ipasn.scores`,
    latestTopic: `${prefix}ipasn.scores.latest`,
    groupId: env['REPORTING_GROUP_ID'] ?? `${prefix}ipasn-reporting-example`,
    schemasDir: env['SCHEMAS_DIR'] ?? fileURLToPath(new URL('../../../schemas/', import.meta.url)),
    reportDir: env['REPORT_DIR'] ?? 'report',
    flushIntervalMs: Number(env['FLUSH_INTERVAL_MS'] ?? 5000),
    bootstrap: env['BOOTSTRAP'] !== 'false',
  };
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

async function main(): Promise<void> {
  const untilEnd = process.argv.includes('--until-end');
  const s = settings(process.env);
  const decoder = new SingleObjectDecoder<ScoreEvent>(loadSchemas(s.schemasDir), 'ScoreEvent');
  mkdirSync(s.reportDir, { recursive: true });
  const scoresFile = join(s.reportDir, 'scores.csv');
  const agenciesFile = join(s.reportDir, 'agencies.csv');
  const firstRun = !existsSync(scoresFile);
  const report = firstRun ? new Report() : Report.fromScoresCsv(readFileSync(scoresFile, 'utf8'));
  let undecodable = 0;

  const apply = (messages: KafkaMessage[]): void => {
    for (const m of messages) {
      if (m.value === null) continue; // a compaction tombstone
      try {
        report.apply(decoder.decode(m.value).value);
      } catch (err) {
        undecodable += 1;
        if (undecodable <= 10) console.error(`[reporting] offset ${m.offset}: ${(err as Error).message}`);
      }
    }
  };
  const flush = (): Promise<void> => {
    writeAtomically(agenciesFile, report.agenciesCsv());
    writeAtomically(scoresFile, report.scoresCsv());
    return Promise.resolve();
  };

  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGINT', () => stop());
  process.once('SIGTERM', () => stop());

  const kafka = new KafkaClient({ clientId: 'ipasn-reporting-example', brokers: s.brokers, ssl: s.ssl, ...(s.sasl ? { sasl: s.sasl } : {}), logLevel: logLevel.WARN });
  if (firstRun && s.bootstrap) {
    // A throwaway group that commits nothing: the bootstrap is a one-off read to the end.
    const groupId = `${s.groupId}-bootstrap-${randomUUID().slice(0, 8)}`;
    const r = await consume({ kafka, groupId, topic: s.latestTopic, untilEnd: true, commit: false, apply, flush, flushIntervalMs: s.flushIntervalMs, stop: stopped });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
    console.error(`[reporting] bootstrap: ${r.messages} messages from ${s.latestTopic}, ${report.size} rows`);
  }
  const r = await consume({ kafka, groupId: s.groupId, topic: s.scoresTopic, untilEnd, commit: true, apply, flush, flushIntervalMs: s.flushIntervalMs, stop: stopped });
  await flush();
  console.error(`[reporting] ${r.messages} messages from ${s.scoresTopic}: ${report.applied} applied, ${report.stale} older than the report, ${undecodable} undecodable; ${report.size} rows in ${scoresFile}`);
}

try {
  await main();
} catch (err) {
  console.error(`[reporting] ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
}
