/**
 * The metric names the services really export: each service's own metrics registered the way its
 * main registers them, on the runtime's registry behind a real ops server, and read back from a
 * `/metrics` scrape. A histogram exports `<name>_bucket`, `_sum` and `_count`; a summary `_sum` and
 * `_count` besides the quantiles under its name.
 */
import { consoleMetrics } from '@ipasn/console';
import { consumerLagGauge } from '@ipasn/kafka';
import { silentLogger } from '@ipasn/logger';
import { normalizerMetrics } from '@ipasn/normalizer';
import { projectorMetrics } from '@ipasn/projector';
import { createRegistry, redisGuardGauges, startOpsServer, type Registry } from '@ipasn/runtime';
import { scorerMetrics } from '@ipasn/scorer';

/** What the scrape of one exposition yields: names of every TYPE line, histogram series expanded. */
export function namesOfExposition(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/gmu)) {
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${name}${s}`);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(`${name}${s}`);
  }
  return [...names];
}

async function scrape(registry: Registry): Promise<string> {
  const { app, port } = await startOpsServer({ host: '127.0.0.1', port: 0, logger: silentLogger(), registry, readiness: {} });
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
    return await res.text();
  } finally {
    await app.close();
  }
}

/** Every service's registry as its main builds it; the console's read-on-scrape sources are empty. */
function serviceRegistries(): Registry[] {
  const normalizer = createRegistry('normalizer');
  normalizerMetrics(normalizer);
  consumerLagGauge(normalizer);
  const scorer = createRegistry('scorer');
  scorerMetrics(scorer);
  consumerLagGauge(scorer);
  redisGuardGauges(scorer);
  const projector = createRegistry('projector');
  projectorMetrics(projector);
  consumerLagGauge(projector);
  redisGuardGauges(projector);
  const consoleRegistry = createRegistry('console');
  const empty = { read: () => Promise.resolve(new Map()), get: () => Promise.resolve({ groups: [] }) };
  consoleMetrics(consoleRegistry, { stale: empty, lag: empty } as unknown as Parameters<typeof consoleMetrics>[1]);
  return [normalizer, scorer, projector, consoleRegistry];
}

export async function exportedMetricNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const r of serviceRegistries()) for (const n of namesOfExposition(await scrape(r))) names.add(n);
  return names;
}

/**
 * Metrics from outside the services that the rules and dashboard are written against: Prometheus's
 * own `up`, and oliver006/redis_exporter's memory gauges (docs/operations.md).
 */
export const EXTERNAL_METRICS: readonly string[] = ['up', 'redis_memory_used_bytes', 'redis_memory_max_bytes'];
