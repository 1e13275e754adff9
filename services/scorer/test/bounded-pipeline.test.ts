/**
 * The normalizer, the scorer and the projector as they run in production (child processes on the real Kafka and
 * Redis), with LOG_LEVEL=debug:
 *  - check 10 (events.md): an employee at SCORER_MAX_RECORDS gets TOO_MANY_RECORDS for a new record,
 *    and can still replace or retract one (then add one again);
 *  - design.md Security: while a generated stream flows through all three, no log holds a NIP or an
 *    employee name of that stream, even at debug (every reject is logged at debug). The console's
 *    log is checked in services/console/test/security.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createTopics, decoders, generateStream, metricSum, publishLines, publishNdjson, readAll, startService, testNamespace, waitForDrain } from '@ipasn/e2e';

const HOUR = 3_600_000;
const NIP = '197208152000031004';
const NAME = 'Theresia Kurniawati Simanjuntak';
const MAX_RECORDS = 5;

function line(id: string, type: string, data: Record<string, unknown>): string {
  return JSON.stringify({ specversion: '1.0', id, source: '/agencies/3004', type, subject: NIP, time: new Date(Date.now() - HOUR).toISOString(), data });
}
const training = (id: string, recordId: string, hours = 8) => line(id, 'ipasn.training.recorded', { recordId, kind: 'TECHNICAL', hours, completedOn: '2026-01-10' });

describe('normalizer, scorer and projector: record limit and private logs', () => {
  it('TOO_MANY_RECORDS at SCORER_MAX_RECORDS, replace and retract still work; no NIP or name in any debug log while a stream flows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipasn-bounded-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const stream = await generateStream({ dir, seed: 'bounded-logs', events: 400, invalid: 0.1, duplicates: 0.02 });
    const ns = testNamespace();
    const topics = await createTopics(ns, [...new Set([...stream.agencies, '3004'])]);
    const env = { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, LOG_LEVEL: 'debug' };
    const normalizer = await startService('normalizer', env);
    const scorer = await startService('scorer', { ...env, SCORER_MAX_RECORDS: String(MAX_RECORDS), SCORING_AS_OF: '2026-06-30' });
    const projector = await startService('projector', env);
    await Promise.all([normalizer.waitReady(), scorer.waitReady(), projector.waitReady()]);

    const limitLines = [
      line('up', 'ipasn.employee.upserted', { name: NAME, employmentType: 'PNS', jobGroup: 'PELAKSANA' }),
      ...Array.from({ length: MAX_RECORDS }, (_, i) => training(`t${i}`, `R${i}`)),
      /* at the limit: a new record */ training('over-1', 'R-new'),
      /* replace */ training('replace', 'R0', 40),
      /* retract */ line('retract', 'ipasn.record.retracted', { recordId: 'R1' }),
      /* a new record again fits */ training('after', 'R-after'),
      /* and the next is over again */ training('over-2', 'R-new-2'),
    ];
    const published = await publishNdjson(stream.file, { prefix: ns, expect: stream.expectations });
    const limit = await publishLines(limitLines, { prefix: ns, routeAgency: '3004' });
    expect(published.keys.has(NIP)).toBe(false);

    const ingress = [...new Set([...stream.agencies, '3004'])].map((c) => topics.ingress(c));
    await waitForDrain(`${ns}ipasn-normalizer`, ingress, 120_000);
    await waitForDrain(`${ns}ipasn-scorer`, [topics.events], 120_000);
    await waitForDrain(`${ns}ipasn-projector`, [topics.scores], 120_000);

    // The record limit: two rejects of the scorer, the others applied.
    const dlq = await readAll(topics.dlq, { decode: decoders.deadLetter });
    // (The stream's employees have more than 5 records too: theirs are rejected the same way.)
    const allTooMany = dlq.filter((d) => d.value.reason === 'TOO_MANY_RECORDS');
    const tooMany = allTooMany.filter((d) => d.key?.toString() === NIP);
    expect(tooMany.map((d) => [d.value.eventId, d.value.stage, d.value.agencyCode]).sort()).toEqual([
      ['over-1', 'scorer', '3004'],
      ['over-2', 'scorer', '3004'],
    ]);
    for (const d of tooMany) expect(d.value.message).toMatch(new RegExp(`over the limit of ${MAX_RECORDS} \\(SCORER_MAX_RECORDS\\)`, 'u'));
    const scores = (await readAll(topics.scores, { decode: decoders.scoreEvent })).filter((s) => s.value.nip === NIP);
    // Every applied event is one version: upsert, 5 records, replace, retract, one more (11 events,
    // 2 rejected). A rejected replace or retract, or an accepted new record over the limit, changes it.
    // (One score event per employee and chunk: its cause is the chunk's last applied event.)
    const last = scores.reduce((a, b) => (b.value.version > a.value.version ? b : a));
    expect(last.value.version).toBe(1 + MAX_RECORDS + 3);
    expect(last.value.cause.eventId).toBe('after');
    for (const s of scores) expect(['over-1', 'over-2']).not.toContain(s.value.cause.eventId);
    const metrics = await scorer.metrics();
    expect(metricSum(metrics, 'ipasn_scorer_events_rejected_total', { reason: 'TOO_MANY_RECORDS' })).toBe(allTooMany.length);
    expect(limit.sent).toBe(limitLines.length);

    // The logs, after a graceful stop: no NIP and no name of anything that flowed.
    expect(await normalizer.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await scorer.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await projector.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    const logs = { normalizer: normalizer.logs(), scorer: scorer.logs(), projector: projector.logs() };
    // At debug, rejects are logged one by one: the test really reads debug output.
    expect(logs.normalizer).toMatch(/"level":"debug".*"msg":"rejected"/u);
    expect(logs.scorer).toMatch(/"level":"debug".*"reason":"TOO_MANY_RECORDS".*"msg":"rejected"/u);
    expect(logs.projector).toMatch(/"level":"debug"/u);
    const names = new Set<string>([NAME]);
    for (const l of readFileSync(stream.file, 'utf8').split('\n')) {
      try {
        const e = JSON.parse(l) as { type?: unknown; data?: { name?: unknown } };
        if (e.type === 'ipasn.employee.upserted' && typeof e.data?.name === 'string' && e.data.name.trim().length >= 6) names.add(e.data.name.trim().replace(/\s+/gu, ' '));
      } catch {
        // unreadable lines carry no name we could look for
      }
    }
    expect(names.size).toBeGreaterThan(10);
    const nips = new Set([...published.keys, NIP]);
    expect(nips.size).toBeGreaterThan(10);
    for (const [service, log] of Object.entries(logs)) {
      for (const nip of nips) expect(log.includes(nip), `the ${service} log holds NIP ${nip}`).toBe(false);
      for (const name of names) expect(log.includes(name), `the ${service} log holds the name "${name}"`).toBe(false);
    }
  });
});
