/**
 * What a 2xx promises and what a retry costs, end to end through the real normalizer: a client that
 * resends a batch (after a timeout, a 503) never creates duplicates downstream, because the
 * normalizer keeps the first copy of each (source, id); and a broker that restarts under the
 * gateway gives the client a 503 with Retry-After, after which the same request succeeds.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { decoders, metricSum, readAll, REPO_ROOT, sleep, startService, waitForDrain } from '@ipasn/e2e';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BATCH } from '../src/index.js';
import { AGENCY, asAgency, nip, post, startTestGateway, training, upsert, type Answer } from './fixtures.js';

function batchOf(prefix: string, employees: number): string {
  const events = [...Array(employees).keys()].flatMap((i) => [upsert(`${prefix}-u${i}`, AGENCY, nip(i)), training(`${prefix}-t${i}`, AGENCY, nip(i))]);
  return JSON.stringify(events);
}

const broker = (script: 'start' | 'stop'): void => {
  execFileSync('bash', [join(REPO_ROOT, `infra/kafka/${script}.sh`)], { env: process.env, stdio: ['ignore', 'ignore', 'inherit'] });
};

async function canonicalIds(topic: string): Promise<string[]> {
  const events = await readAll(topic, { decode: decoders.canonicalEvent });
  return events.map((e) => (e.value as { id: string }).id);
}

describe('gateway durability', () => {
  it('the same batch sent three times is stored three times in ingress and once downstream (normalizer dedupe)', async () => {
    const gw = await startTestGateway();
    const normalizer = await startService('normalizer', { IPASN_TOPIC_PREFIX: gw.ns, REDIS_PREFIX: gw.ns });
    await normalizer.waitReady();
    const body = batchOf('d', 10);
    const answers: number[] = [];
    for (let i = 0; i < 3; i++) answers.push((await post(gw.url, body, asAgency(gw.tokens.token(AGENCY), BATCH))).status);
    expect(answers).toEqual([202, 202, 202]);
    await waitForDrain(`${gw.ns}ipasn-normalizer`, [gw.topics.ingress(AGENCY)], 120_000);
    expect(await readAll(gw.topics.ingress(AGENCY), { decode: decoders.raw })).toHaveLength(60);
    const ids = await canonicalIds(gw.topics.events);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(metricSum(await normalizer.metrics(), 'ipasn_normalizer_duplicates_total', { agency: AGENCY })).toBe(40);

    // A rejected event is answered at once and dead-lettered downstream with the same reason.
    const bad = JSON.stringify([{ ...training('d-bad', AGENCY, nip(1)), data: { recordId: 'x', kind: 'TECHNICAL', hours: -3, completedOn: '2025-11-02' } }]);
    const answer = await post(gw.url, bad, asAgency(gw.tokens.token(AGENCY), BATCH));
    expect([answer.status, (answer.body['results'] as { reason: string }[])[0]?.reason]).toEqual([207, 'SCHEMA_INVALID']);
    await waitForDrain(`${gw.ns}ipasn-normalizer`, [gw.topics.ingress(AGENCY)], 120_000);
    const dlq = await readAll(gw.topics.dlq, { decode: decoders.deadLetter });
    expect(dlq.map((d) => [d.value.reason, d.value.eventId, d.value.originalValue.toString('utf8')])).toEqual([['SCHEMA_INVALID', 'd-bad', JSON.stringify((JSON.parse(bad) as unknown[])[0])]]);
  });

  it('a broker restart under a batch: 503 with Retry-After, then the same request succeeds, with no duplicate downstream', async () => {
    const gw = await startTestGateway({ GATEWAY_PRODUCE_TIMEOUT_MS: '4000', GATEWAY_RETRY_AFTER_S: '1' });
    const token = gw.tokens.token(AGENCY);
    // Connected, with metadata, before the broker goes.
    expect((await post(gw.url, JSON.stringify([upsert('warm-up', AGENCY, nip(900))]), asAgency(token, BATCH))).status).toBe(202);
    let stopped = false;
    onTestFinished(() => {
      if (stopped) broker('start');
    });
    broker('stop');
    stopped = true;
    const body = batchOf('r', 5);
    const first = await post(gw.url, body, asAgency(token, BATCH));
    expect([first.status, first.body['code'], first.headers.get('retry-after')]).toEqual([503, 'GATEWAY_UNAVAILABLE', '1']);
    broker('start');
    stopped = false;
    // What a client does: the same request again after Retry-After, until it is not a 503.
    let retry: Answer = first;
    for (let attempt = 0; attempt < 120 && retry.status === 503; attempt++) {
      await sleep(Number(retry.headers.get('retry-after') ?? 1) * 1000);
      retry = await post(gw.url, body, asAgency(token, BATCH));
    }
    expect(retry.status).toBe(202);
    expect(retry.body['accepted']).toBe(10);

    const normalizer = await startService('normalizer', { IPASN_TOPIC_PREFIX: gw.ns, REDIS_PREFIX: gw.ns });
    await normalizer.waitReady();
    await waitForDrain(`${gw.ns}ipasn-normalizer`, [gw.topics.ingress(AGENCY)], 120_000);
    const ingress = await readAll(gw.topics.ingress(AGENCY), { decode: decoders.raw });
    // The 503'd copy may or may not have reached the broker later (it was in flight): 11 or more records…
    expect(ingress.length).toBeGreaterThanOrEqual(11);
    // …but downstream every event is there exactly once.
    const ids = await canonicalIds(gw.topics.events);
    expect(ids.sort()).toEqual(['warm-up', ...[...Array(5).keys()].flatMap((i) => [`r-t${i}`, `r-u${i}`])].sort());
  });
});
