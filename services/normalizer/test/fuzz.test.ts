/**
 * Fuzzing the normalizer through the real service (issue 14): seeded fast-check messages of
 * `@ipasn/normalize/testing` — malformed ones of every kind (wrong types, missing fields, huge and
 * long strings, invalid UTF-8, random bytes, deep nesting, `__proto__`/`constructor` keys, numbers
 * as strings out of range, impossible dates) mixed with valid ones — published raw to an ingress
 * topic and consumed by the normalizer as a child process. Then, read `read_committed`: each
 * malformed message is on ipasn.dlq exactly once, under its own source coordinates, with the reason
 * the pure normalizer gives; each valid one is on ipasn.events exactly once; the process never
 * exited; its resident memory, sampled from /metrics while it works, stays under a bound.
 *
 * FUZZ_EVENTS messages (default 10,000, about a minute; `npm run fuzz` runs 50,000), FUZZ_SEED.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Agencies } from '@ipasn/contracts';
import { normalize } from '@ipasn/normalize';
import { fuzzSample, type FuzzSample } from '@ipasn/normalize/testing';
import { createTopics, decoders, metricSum, publishLines, readAll, sleep, startService, testNamespace, waitForDrain } from '@ipasn/e2e';

const N = Number(process.env['FUZZ_EVENTS'] ?? 10_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 1_406);
/** Resident memory the normalizer must stay under while it chews the garbage (it idles near 150 MB). */
const RSS_BOUND = 768 * 1024 * 1024;
const AGENCY = '3004';

const hash = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('normalizer: fuzzed ingress through the real service', () => {
  it(`${N} generated messages (seed ${SEED}): every malformed one dead-lettered once with its reason, every valid one accepted once, no crash, bounded RSS`, async () => {
    const samples = fuzzSample(N, SEED, { agency: AGENCY, idPrefix: `fz${SEED}-` });
    const byHash = new Map<string, FuzzSample>();
    for (const s of samples) byHash.set(hash(s.bytes), s);
    const kinds: Record<string, number> = {};
    for (const s of samples) kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;

    const ns = testNamespace();
    const topics = await createTopics(ns, [AGENCY]);
    const svc = await startService('normalizer', { IPASN_TOPIC_PREFIX: ns, REDIS_PREFIX: ns, LOG_LEVEL: 'warn' });
    await svc.waitReady();

    // Resident memory from /metrics every second while the normalizer works.
    const rss: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          rss.push(metricSum(await svc.metrics(), 'process_resident_memory_bytes'));
        } catch {
          // A scrape that fails is a missing sample; the process check below catches a crash.
        }
        await sleep(1_000);
      }
    })();

    const published = await publishLines(
      samples.map((s) => s.bytes),
      { prefix: ns, routeAgency: AGENCY, batchSize: 500 },
    );
    expect(published.sent).toBe(N);
    await waitForDrain(`${ns}ipasn-normalizer`, [topics.ingress(AGENCY)], 15 * 60_000);
    sampling = false;
    await sampler;
    rss.push(metricSum(await svc.metrics(), 'process_resident_memory_bytes'));

    // What the pure normalizer says of each record as it sits on ingress, by its coordinates.
    const ingress = await readAll(topics.ingress(AGENCY), { decode: decoders.raw });
    expect(ingress).toHaveLength(N);
    const agencies = Agencies.default();
    const now = new Date();
    const expected = new Map<string, { sample: FuzzSample; reason: string | null }>();
    for (const r of ingress) {
      const sample = byHash.get(hash(r.raw!));
      expect(sample, `ingress ${r.partition}/${r.offset} is not a generated message`).toBeDefined();
      const verdict = normalize(r.raw!, { agencies, ingestionTime: now, topicAgency: AGENCY });
      // The generators' promise, checked on what was actually sent.
      expect(verdict.ok, `${sample!.kind}: ${r.raw!.subarray(0, 200).toString()}`).toBe(!sample!.malformed);
      expected.set(`${r.partition}/${r.offset}`, { sample: sample!, reason: verdict.ok ? null : verdict.reason });
    }

    const dlq = await readAll(topics.dlq, { decode: decoders.deadLetter });
    const events = await readAll(topics.events, { decode: decoders.canonicalEvent });
    const malformed = [...expected.values()].filter((e) => e.reason !== null);
    expect(dlq).toHaveLength(malformed.length);
    const seen = new Set<string>();
    for (const d of dlq) {
      const dl = d.value;
      expect(dl.sourceTopic).toBe(topics.ingress(AGENCY));
      const at = `${dl.sourcePartition}/${dl.sourceOffset}`;
      expect(seen.has(at), `dead-lettered twice: ${at}`).toBe(false);
      seen.add(at);
      const e = expected.get(at);
      expect(e?.reason, `dead letter for ${at} (${e?.sample.kind ?? 'unknown'})`).toBe(dl.reason);
      expect(dl.stage).toBe('normalizer');
    }

    const valid = [...expected.values()].filter((e) => e.reason === null);
    expect(events).toHaveLength(valid.length);
    const ids = (list: readonly string[]) => [...list].sort();
    expect(ids(events.map((e) => `${e.value.source}|${e.value.id}`))).toEqual(
      ids(valid.map((e) => {
        const json = JSON.parse(e.sample.bytes.toString('utf8')) as { source: string; id: string };
        return `${json.source}|${json.id}`;
      })),
    );

    // Never crashed: the one process is still the first, and ready.
    expect(svc.starts).toBe(1);
    expect(svc.running).toBe(true);
    expect((await svc.get('/readyz')).status).toBe(200);
    const peak = Math.max(...rss);
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    process.stdout.write(`fuzz: ${N} messages (seed ${SEED}) ${JSON.stringify(kinds)}; ${malformed.length} dead-lettered, ${valid.length} accepted; RSS first ${mb(rss[0] ?? 0)} MB, peak ${mb(peak)} MB, last ${mb(rss.at(-1) ?? 0)} MB over ${rss.length} samples\n`);
    expect(rss.length).toBeGreaterThan(0);
    expect(peak).toBeLessThan(RSS_BOUND);
    await svc.kill('SIGTERM');
  }, 20 * 60_000);
});
