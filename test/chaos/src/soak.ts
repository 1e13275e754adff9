/**
 * `npm run soak` (test/chaos/soak.sh starts the run's own Kafka and Redis, then this): the four
 * services under a steady stream for a long while, no faults. Every 10 s it samples, from each
 * service's /metrics, resident memory (`process_resident_memory_bytes`), V8 heap in use
 * (`nodejs_heap_size_used_bytes`) and event-loop lag (`nodejs_eventloop_lag_p99_seconds`,
 * `nodejs_eventloop_lag_max_seconds`: prom-client's default metrics, since the last scrape), and
 * the consumer groups' lag. The report prints, per service, memory after the warm-up, at the end,
 * its growth and its slope over the second half (MB per 10 minutes), and the lag's median and worst.
 *
 *   --rate R       events per second sent (default 1,000)
 *   --minutes M    how long the stream lasts (default 15)
 *   --seed S       the generated stream (default 14)
 *   --warmup-s W   samples before this are left out of the growth (default 60)
 * Exit 0 when every service ran throughout (no exit) and the pipeline drained.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agencies } from '@ipasn/contracts';
import { generateStream, groupProgress, metricSum, publishLines, readLines, sleep } from '@ipasn/e2e';
import { topicNames } from '@ipasn/pipeline';
import { STATE_DIR } from './infra.js';
import { SERVICES, type ServiceName } from './plan.js';
import { drainAll } from './progress.js';
import { ServiceSet } from './services.js';

const AS_OF = '2025-06-30';
const SAMPLE_MS = 10_000;
const log = (line: string): void => void process.stderr.write(`[soak] ${line}\n`);

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '15' },
    seed: { type: 'string', default: '14' },
    'warmup-s': { type: 'string', default: '60' },
  },
});
const rate = Number(args.rate);
const minutes = Number(args.minutes);
const seed = Number(args.seed);
const warmupMs = Number(args['warmup-s']) * 1_000;
if (!(rate > 0 && minutes > 0 && Number.isSafeInteger(seed) && warmupMs >= 0)) throw new Error('--rate and --minutes are positive numbers, --seed an integer');

interface Sample {
  atMs: number;
  rss: number;
  heap: number;
  lagP99: number;
  lagMax: number;
}

interface Row {
  service: string;
  samples: number;
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  growthMb: number;
  slopeMbPer10Min: number;
  heapStartMb: number;
  heapEndMb: number;
  lagP99MedianMs: number;
  lagMaxMs: number;
}

const mb = (b: number): number => Math.round((b / 1024 / 1024) * 10) / 10;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!;
};

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

function summarize(service: string, samples: Sample[]): Row {
  const steady = samples.filter((s) => s.atMs >= warmupMs);
  const use = steady.length >= 2 ? steady : samples;
  const first = use[0]!;
  const last = use.at(-1)!;
  const secondHalf = use.slice(Math.floor(use.length / 2));
  const perMs = slope(secondHalf.map((s) => ({ x: s.atMs, y: s.rss })));
  return {
    service,
    samples: samples.length,
    rssStartMb: mb(first.rss),
    rssEndMb: mb(last.rss),
    rssMaxMb: mb(Math.max(...use.map((s) => s.rss))),
    growthMb: mb(last.rss - first.rss),
    slopeMbPer10Min: mb(perMs * 600_000),
    heapStartMb: mb(first.heap),
    heapEndMb: mb(last.heap),
    lagP99MedianMs: Math.round(median(use.map((s) => s.lagP99)) * 10_000) / 10,
    lagMaxMs: Math.round(Math.max(...use.map((s) => s.lagMax)) * 10_000) / 10,
  };
}

async function main(): Promise<number> {
  const work = join(STATE_DIR, 'run');
  const logs = join(STATE_DIR, 'logs');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const total = Math.round(rate * minutes * 60);
  log(`generating ${total} events (seed ${seed}): ${rate}/s for ${minutes} min`);
  // Valid events and a few duplicates: ipasn generate's intended rejects include lines for agencies
  // without a topic, which only `ipasn publish` can skip.
  const stream = await generateStream({ dir: work, seed, events: total, now: new Date(), asOf: AS_OF, invalid: 0, duplicates: 0.005 });
  const secrets = process.env['IPASN_SECRETS_DIR'] ?? join(STATE_DIR, 'secrets');
  log('starting normalizer, scorer, projector and console (each as its own principal)');
  const services = await ServiceSet.start({ SCORING_AS_OF: AS_OF, LOG_LEVEL: 'warn' }, secrets, logs);
  const topics = topicNames('');
  const groups = { ingress: Agencies.default().all.map((a) => topics.ingress(a.code)), events: topics.events, scores: topics.scores };

  const samples = new Map<ServiceName, Sample[]>(SERVICES.map((s) => [s, []]));
  const lags: { atMs: number; normalizer: number; scorer: number; projector: number; sent: number }[] = [];
  const t0 = Date.now();
  let sent = 0;
  let sampling = true;
  const groupLag = async (group: string, on: string[]): Promise<number> => (await groupProgress(group, on)).reduce((a, p) => a + p.lag, 0);
  const sampler = (async () => {
    while (sampling) {
      const atMs = Date.now() - t0;
      await Promise.all(
        SERVICES.map(async (name) => {
          try {
            const text = await services.handle(name).metrics();
            samples.get(name)!.push({
              atMs,
              rss: metricSum(text, 'process_resident_memory_bytes'),
              heap: metricSum(text, 'nodejs_heap_size_used_bytes'),
              lagP99: metricSum(text, 'nodejs_eventloop_lag_p99_seconds'),
              lagMax: metricSum(text, 'nodejs_eventloop_lag_max_seconds'),
            });
          } catch (err) {
            log(`${name}: /metrics failed: ${(err as Error).message}`);
          }
        }),
      );
      try {
        const [n, s, p] = await Promise.all([groupLag('ipasn-normalizer', groups.ingress), groupLag('ipasn-scorer', [groups.events]), groupLag('ipasn-projector', [groups.scores])]);
        lags.push({ atMs, normalizer: n, scorer: s, projector: p, sent });
        if (lags.length % 6 === 1) {
          const rss = SERVICES.map((name) => `${name} ${mb(samples.get(name)!.at(-1)?.rss ?? 0)}`).join(', ');
          log(`t=${(atMs / 1000).toFixed(0)} s sent ${sent}; lag normalizer ${n}, scorer ${s}, projector ${p}; RSS MB: ${rss}`);
        }
      } catch {
        // lag unreadable this time
      }
      await sleep(Math.max(0, SAMPLE_MS - (Date.now() - t0 - atMs)));
    }
  })();

  // A steady rate: never ahead of rate × elapsed; requests of a tenth of a second's events.
  async function* paced(): AsyncGenerator<Buffer> {
    for await (const line of readLines(stream.file)) {
      const due = t0 + (sent / rate) * 1_000;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      sent++;
      yield line;
    }
  }
  log(`sending ${stream.summary.lines} lines at ${rate}/s`);
  await publishLines(paced(), { prefix: '', expect: stream.expectations, batchSize: Math.max(1, Math.round(rate / 10)) });
  const publishMs = Date.now() - t0;
  log(`sent in ${(publishMs / 1000).toFixed(0)} s; waiting for the drain`);
  await drainAll(groups, 30 * 60_000);
  const drainMs = Date.now() - t0 - publishMs;
  sampling = false;
  await sampler;
  const running = services.running;
  const selfExits = services.selfExits;
  await services.stop();

  const rows = SERVICES.map((name) => summarize(name, samples.get(name)!));
  const maxLag = (k: 'normalizer' | 'scorer' | 'projector') => Math.max(0, ...lags.filter((l) => l.atMs <= publishMs).map((l) => l[k]));
  const lines = [
    `soak run, seed ${seed}   (repeat: npm run soak -- --rate ${rate} --minutes ${minutes} --seed ${seed})`,
    `stream      ${stream.summary.lines} lines (${stream.summary.duplicates} duplicates) sent at ${rate}/s in ${(publishMs / 1000).toFixed(0)} s (${Math.round(stream.summary.lines / (publishMs / 1000))}/s achieved); drained ${(drainMs / 1000).toFixed(0)} s after the last`,
    `lag         worst consumer-group lag while sending (messages): normalizer ${maxLag('normalizer')}, scorer ${maxLag('scorer')}, projector ${maxLag('projector')}`,
    `samples     every ${SAMPLE_MS / 1000} s from each service's /metrics; growth from the first sample after ${warmupMs / 1000} s to the last; slope: least squares over the second half`,
    '',
    `service     samples  RSS start   RSS end   RSS max   growth   slope/10min   heap start→end   loop lag p99 median   loop lag max`,
    ...rows.map(
      (r) =>
        `${r.service.padEnd(11)} ${String(r.samples).padStart(7)}  ${`${r.rssStartMb} MB`.padStart(9)} ${`${r.rssEndMb} MB`.padStart(9)} ${`${r.rssMaxMb} MB`.padStart(9)} ${`${r.growthMb >= 0 ? '+' : ''}${r.growthMb} MB`.padStart(8)} ${`${r.slopeMbPer10Min >= 0 ? '+' : ''}${r.slopeMbPer10Min} MB`.padStart(13)}   ${`${r.heapStartMb}→${r.heapEndMb} MB`.padStart(14)}   ${`${r.lagP99MedianMs} ms`.padStart(19)}   ${`${r.lagMaxMs} ms`.padStart(12)}`,
    ),
    '',
    `processes   ${running.length === SERVICES.length ? 'all running at the end' : `running at the end: ${running.join(', ')}`}; self-exits: ${selfExits.length === 0 ? 'none' : selfExits.map((e) => `${e.service} at ${(e.atMs / 1000).toFixed(0)} s (code ${e.code})`).join('; ')}`,
  ];
  const report = lines.join('\n');
  process.stdout.write(`${report}\n`);
  writeFileSync(join(STATE_DIR, 'soak-report.txt'), `${report}\n`);
  writeFileSync(join(STATE_DIR, 'soak-samples.json'), JSON.stringify({ rows, samples: Object.fromEntries(samples), lags }, null, 1));
  return running.length === SERVICES.length && selfExits.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(2);
  },
);
