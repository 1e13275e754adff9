/**
 * `ipasn publish`, `ipasn tail`, `ipasn report` and the reference reporting consumer
 * (examples/reporting-consumer) against the real Kafka and Redis, with the real normalizer and
 * scorer as processes (the e2e harness, test/README.md), each test in a namespace of its own.
 *
 * - publish: what its summary counts is what arrives: ipasn.events gets `expected.events`,
 *   ipasn.dlq `expected.dlq`, reason by reason; `--dry-run` sends nothing.
 * - the reporting consumer's scores.csv and agencies.csv, and `ipasn report`, equal `ipasn score`
 *   over the same input with the same evaluation date; `ipasn tail` shows score events live.
 *
 * The reporting stream has one agency: different agencies' ingress topics are not ordered with each
 * other (events.md), so a transfer and the new owner's next events could be applied in another
 * order than the file's, where `ipasn score` reads the file in order.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  KAFKA_BROKERS,
  createTopics,
  decoders,
  generateStream,
  readAll,
  startService,
  testNamespace,
  topicOffsets,
  waitForDrain,
} from '@ipasn/e2e';
import { jakartaDate } from '../src/dates.js';
import type { PublishSummary } from '../src/publish/summary.js';
import { CSV_HEADER, csvRow } from './csv-fixture.js';
import { BIN, ROOT } from './helpers.js';

const REPO = join(ROOT, '..', '..');
const CONSUMER = join(REPO, 'examples', 'reporting-consumer');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a node program to its end (asynchronously: the test's own timers keep running). */
function node(args: readonly string[], env: Record<string, string>, cwd = ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, KAFKA_BROKERS: KAFKA_BROKERS.join(','), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const ipasn = (args: readonly string[], env: Record<string, string>): Promise<Run> => node([BIN, ...args], env);

function ok(run: Run, what: string): Run {
  if (run.code !== 0) throw new Error(`${what} exited ${run.code}:\n${run.stderr.slice(-2000)}`);
  return run;
}

const ndjson = <T>(text: string): T[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as T);

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...rows] = text.trim().split(/\r?\n/u);
  const cols = header!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i]!, v])));
}

const num = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

beforeAll(async () => {
  // The example is a package of its own, built like the services (a few seconds).
  ok(await node([join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {}, CONSUMER), 'building examples/reporting-consumer');
}, 120_000);

describe('ipasn publish through the real normalizer', () => {
  it('sends what its summary says: NDJSON (--send-invalid) and CSV (--agency) of two agencies arrive as expected.events on ipasn.events and expected.dlq on ipasn.dlq; --dry-run sends nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipasn-publish-it-'));
    const ns = testNamespace();
    const stream = await generateStream({ dir, agencies: 2, employees: 120, seed: 'publish-it' });
    const topics = await createTopics(ns, ['9001', '9002']);
    const env = { IPASN_TOPIC_PREFIX: ns, IPASN_AGENCIES_FILE: stream.agenciesFile! };
    const normalizer = await startService('normalizer', { ...env, REDIS_PREFIX: ns });

    // Agency 9001 sends a CSV export (the rows CSV can carry), everything else goes as NDJSON.
    const lines = readFileSync(stream.file, 'utf8').split('\n').filter((l) => l !== '');
    const of9001 = (l: string): boolean => /"source"\s*:\s*"\/agencies\/9001"/u.test(l);
    const csvRows = lines.filter(of9001).map(csvRow).filter((r): r is string => r !== undefined);
    const csvFile = join(dir, '9001.csv');
    const ndjsonFile = join(dir, 'rest.ndjson');
    writeFileSync(csvFile, [CSV_HEADER, ...csvRows].join('\r\n'));
    writeFileSync(ndjsonFile, `${lines.filter((l) => !of9001(l)).join('\n')}\n`);
    expect(csvRows.length).toBeGreaterThan(100);

    const dry = JSON.parse(ok(await ipasn(['publish', '--dry-run', '--json', '-q', '--send-invalid', ndjsonFile], env), 'publish --dry-run').stdout) as PublishSummary;
    const [ndjsonRun, csvRun] = await Promise.all([
      ipasn(['publish', '--json', '--send-invalid', '--batch-size', '200', ndjsonFile], env),
      ipasn(['publish', '--json', '-q', '--agency', '9001', csvFile], env),
    ]);
    const a = JSON.parse(ok(ndjsonRun, 'publish ndjson').stdout) as PublishSummary;
    const b = JSON.parse(ok(csvRun, 'publish csv').stdout) as PublishSummary;
    const strip = ({ dryRun: _d, sent: _s, requests: _r, ms: _m, ...rest }: PublishSummary): Omit<PublishSummary, 'dryRun' | 'sent' | 'requests' | 'ms'> => rest;
    expect(strip(dry)).toEqual(strip(a));
    expect(dry.sent).toBe(0);
    expect(a).toMatchObject({ format: 'ndjson', sent: a.routed.total, rejected: { total: expect.any(Number) as number } });
    expect(b).toMatchObject({ format: 'csv', sent: b.routed.total, heldBack: b.rejected.total, expected: { dlq: 0 } });
    expect(a.rejected.total).toBeGreaterThan(5);
    expect(a.duplicates + b.duplicates).toBeGreaterThan(0);
    // Without a terminal: plain progress lines on stderr, the rejects as NDJSON.
    expect(ndjsonRun.stderr).toMatch(/^publish: \d+ events \(\d+ events\/s\)/mu);

    // Each ingress topic holds exactly what publish routed there, whatever the timing of the dry run.
    for (const code of ['9001', '9002']) {
      const topic = topics.ingress(code);
      const held = (await topicOffsets(topic)).reduce((n, p) => n + Number(p.end), 0);
      expect(held, topic).toBe((a.routed.byTopic[topic] ?? 0) + (b.routed.byTopic[topic] ?? 0));
    }

    await normalizer.waitReady();
    await waitForDrain(`${ns}ipasn-normalizer`, [topics.ingress('9001'), topics.ingress('9002')], 90_000);
    const events = await readAll(topics.events, { decode: decoders.raw });
    const dlq = await readAll(topics.dlq, { decode: decoders.deadLetter });
    expect(events.length).toBe(a.expected.events + b.expected.events);
    expect(dlq.length).toBe(a.expected.dlq + b.expected.dlq);
    expect(a.sent + b.sent).toBe(events.length + dlq.length + a.duplicates + b.duplicates);

    // A namespace without topics: nothing is sent, exit code 1 naming the topic.
    const missing = await ipasn(['publish', '-q', ndjsonFile], { ...env, IPASN_TOPIC_PREFIX: testNamespace() });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ipasn: topic t[0-9a-f]{8}\.ipasn\.ingress\.900[12] does not exist/mu);

    // Reason by reason: the dead letters are the rejects publish reported as sent.
    const sentRejects = ndjson<{ reason: string; fate: string }>(ndjsonRun.stderr).filter((r) => r.fate === 'sent');
    const count = (reasons: string[]): Record<string, number> => reasons.reduce<Record<string, number>>((m, r) => ({ ...m, [r]: (m[r] ?? 0) + 1 }), {});
    expect(count(dlq.map((r) => r.value.reason))).toEqual(count(sentRejects.map((r) => r.reason)));
  }, 240_000);
});

describe('the scores of a published stream, downstream', () => {
  it('the reporting consumer and ipasn report equal ipasn score over the same input; ipasn tail shows score events live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipasn-report-it-'));
    const ns = testNamespace();
    const now = new Date();
    const asOf = jakartaDate(now);
    const stream = await generateStream({ dir, agencies: 1, employees: 200, seed: 'report-it', now });
    const topics = await createTopics(ns, ['9001']);
    const agenciesFile = stream.agenciesFile!;
    const env = { IPASN_TOPIC_PREFIX: ns, IPASN_AGENCIES_FILE: agenciesFile };
    const services = { REDIS_PREFIX: ns, SCORING_AS_OF: asOf, ...env };
    const [normalizer, scorer] = await Promise.all([startService('normalizer', services), startService('scorer', services)]);
    await Promise.all([normalizer.waitReady(), scorer.waitReady()]);

    // A live tail first: it must show score events caused by the publish below.
    const tail = spawn(process.execPath, [BIN, 'tail', 'scores', '--max', '4', '--agency', '9001'], {
      env: { ...process.env, KAFKA_BROKERS: KAFKA_BROKERS.join(','), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (tail.exitCode === null) tail.kill('SIGTERM');
    });
    let tailOut = '';
    let tailErr = '';
    tail.stdout.on('data', (d: Buffer) => (tailOut += d.toString()));
    const tailDone = new Promise<number | null>((resolve) => tail.once('close', resolve));
    await new Promise<void>((resolve, reject) => {
      tail.stderr.on('data', (d: Buffer) => {
        tailErr += d.toString();
        if (tailErr.includes('following')) resolve();
      });
      tail.once('close', () => reject(new Error(`tail exited early: ${tailErr}`)));
    });

    const published = JSON.parse(ok(await ipasn(['publish', '--json', '-q', '--send-invalid', stream.file], env), 'publish').stdout) as PublishSummary;
    expect(published.sent).toBeGreaterThan(2000);
    expect(await tailDone).toBe(0);
    const tailLines = tailOut.trim().split('\n');
    expect(tailLines).toHaveLength(4);
    for (const l of tailLines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\S+Z 9001 \d{18} [a-z0-9.-]+ (PNS|PPPK) \d+\.\d\d (SANGAT_)?[A-Z]+ \[[\d./]+\] v\d+ (ACTIVE|REMOVED) asOf=\d{4}-\d\d-\d\d EVENT ipasn\./u);

    await waitForDrain(`${ns}ipasn-normalizer`, [topics.ingress('9001')], 90_000);
    await waitForDrain(`${ns}ipasn-scorer`, [topics.events], 90_000);

    // The reference: the offline scorer over the same file, same evaluation date and ingestion time.
    const scoreArgs = ['--as-of', asOf, '--now', now.toISOString(), '--rules', 'all', '--agencies-file', agenciesFile, stream.file];
    const [perEmployee, perAgency] = await Promise.all([ipasn(['score', ...scoreArgs], {}), ipasn(['score', '--by-agency', ...scoreArgs], {})]);
    const expected = ndjson<Record<string, unknown>>(ok(perEmployee, 'score').stdout);
    const expectedAgencies = ndjson<Record<string, unknown>>(ok(perAgency, 'score --by-agency').stdout);
    expect(expected.length).toBeGreaterThan(300);

    // The reference consumer, run as a batch: bootstrap from ipasn.scores.latest, then ipasn.scores to its end.
    const reportDir = join(dir, 'report');
    const consumerRun = ok(await node([join(CONSUMER, 'dist', 'main.js'), '--until-end'], { ...env, REPORT_DIR: reportDir }, CONSUMER), 'reporting consumer');
    expect(consumerRun.stderr).toMatch(/bootstrap: \d+ messages from .*ipasn\.scores\.latest/u);
    const rows = parseCsv(readFileSync(join(reportDir, 'scores.csv'), 'utf8'));
    const active = rows
      .filter((r) => r['status'] === 'ACTIVE')
      .map((r) => ({
        nip: r['nip'],
        agencyCode: r['agencyCode'],
        employmentType: r['employmentType'],
        rules: r['ruleSet'],
        total: num(r['total']),
        category: r['category'],
        dimensions: { kualifikasi: num(r['kualifikasi']), kompetensi: num(r['kompetensi']), kinerja: num(r['kinerja']), disiplin: num(r['disiplin']) },
        dataGaps: r['dataGaps'] === '' ? [] : r['dataGaps']!.split(';'),
      }));
    expect(active).toEqual(expected);
    const agencies = parseCsv(readFileSync(join(reportDir, 'agencies.csv'), 'utf8')).map((r) => ({
      agencyCode: r['agencyCode'],
      rules: r['ruleSet'],
      headcount: { PNS: num(r['headcountPNS']), PPPK: num(r['headcountPPPK']), total: num(r['headcount']) },
      index: { PNS: num(r['indexPNS']), PPPK: num(r['indexPPPK']), ASN: num(r['indexASN']) },
      dimensions: { kualifikasi: num(r['kualifikasi']), kompetensi: num(r['kompetensi']), kinerja: num(r['kinerja']), disiplin: num(r['disiplin']) },
      categories: { SANGAT_TINGGI: num(r['SANGAT_TINGGI']), TINGGI: num(r['TINGGI']), SEDANG: num(r['SEDANG']), RENDAH: num(r['RENDAH']), SANGAT_RENDAH: num(r['SANGAT_RENDAH']) },
      dataGaps: num(r['dataGaps']),
    }));
    expect(agencies).toEqual(expectedAgencies);

    // A second run resumes from its committed offsets and its CSV: nothing new, the same report.
    const before = readFileSync(join(reportDir, 'scores.csv'), 'utf8');
    const again = ok(await node([join(CONSUMER, 'dist', 'main.js'), '--until-end'], { ...env, REPORT_DIR: reportDir }, CONSUMER), 'reporting consumer, again');
    expect(again.stderr).toMatch(/\] 0 messages from /u);
    expect(readFileSync(join(reportDir, 'scores.csv'), 'utf8')).toBe(before);

    // ipasn report: the agency's aggregate and its employees, from ipasn.scores.latest.
    const report = JSON.parse(ok(await ipasn(['report', '--agency', '9001', '--employees', '-q'], env), 'report').stdout) as {
      summaries: unknown[];
      employees: Record<string, unknown>[];
      asOf: { min: string; max: string };
    };
    expect(report.summaries).toEqual(expectedAgencies);
    expect(report.asOf).toEqual({ min: asOf, max: asOf });
    expect(report.employees.map(({ jobGroup: _j, version: _v, ruleSetVersion: _r, asOf: _a, computedAt: _c, ...line }) => line)).toEqual(expected);
    const md = ok(await ipasn(['report', '--agency', '9001', '--format', 'md', '--rules', 'reformulasi-2024', '-q'], env), 'report md').stdout;
    expect(md).toContain('| reformulasi-2024 |');
    expect(md).not.toContain('| perban-8-2019 |');

    // The rejects, decoded: the normalizer's (as publish reported them) and the scorer's (as ipasn score found them).
    // Not what `ipasn score` reports as still held at the end of the input: live, those events are
    // held until their hold ends (SCORER_HOLD_HOURS, 24 h), not on ipasn.dlq yet.
    const offlineScorerRejects = ndjson<{ reason: string; message: string }>(perEmployee.stderr).filter(
      (r) => (r.reason === 'NOT_OWNER' && !r.message.endsWith('at the end of the input')) || r.reason === 'UNKNOWN_RECORD',
    );
    const total = published.expected.dlq + offlineScorerRejects.length;
    const dlqRun = ok(await ipasn(['tail', 'dlq', '--from-beginning', '--json', '--max', String(total)], env), 'tail dlq');
    const dead = ndjson<{ value: { reason: string; stage: string; originalValue: string } }>(dlqRun.stdout);
    expect(dead).toHaveLength(total);
    const byStage = (stage: string): string[] => dead.filter((d) => d.value.stage === stage).map((d) => d.value.reason).sort();
    expect(byStage('scorer')).toEqual(offlineScorerRejects.map((r) => r.reason).sort());
    expect(byStage('normalizer')).toHaveLength(published.expected.dlq);
  }, 240_000);
});
