/**
 * The dashboard and the alert rules query only metrics that exist: each name is exported by a
 * service (read from a real /metrics scrape of every service's registry), defined by a recording
 * rule, or one of the declared external metrics (Prometheus's `up`, redis_exporter's gauges).
 */
import { describe, expect, it } from 'vitest';
import { dashboardQueries, readRules } from '../src/config-files.js';
import { EXTERNAL_METRICS, exportedMetricNames } from '../src/exported.js';
import { metricsOf } from '../src/promql.js';

const recorded = new Set(readRules().flatMap((r) => (r.record ? [r.record] : [])));

async function known(): Promise<Set<string>> {
  return new Set([...(await exportedMetricNames()), ...recorded, ...EXTERNAL_METRICS]);
}

function unknownNames(exprs: { where: string; expr: string }[], names: Set<string>): string[] {
  return exprs.flatMap(({ where, expr }) => {
    const m = metricsOf(expr);
    return [...m.names.filter((n) => !names.has(n)).map((n) => `${where}: ${n}`), ...m.unreadable.map((u) => `${where}: unreadable __name__ matcher ${u}`)];
  });
}

describe('metric names', () => {
  it('reads metric names out of PromQL, not functions, labels, strings or ranges', () => {
    expect(metricsOf('sum by (agency, reason) (rate({__name__=~"ipasn_(normalizer|scorer)_events_rejected_total"}[5m]))').names).toEqual([
      'ipasn_normalizer_events_rejected_total',
      'ipasn_scorer_events_rejected_total',
    ]);
    expect(metricsOf('histogram_quantile(0.99, sum by (le) (rate(a_bucket{job=~"x.*",le!="1"}[$__rate_interval])))').names).toEqual(['a_bucket']);
    expect(metricsOf('time() - max by (agency) (b_seconds) > on (agency) group_left c:d and e offset 5m').names).toEqual(['b_seconds', 'c:d', 'e']);
    expect(metricsOf('up{job=~"ipasn-.*"} == 0').names).toEqual(['up']);
    expect(metricsOf('{__name__=~"ipasn_.*"}').unreadable).toEqual(['ipasn_.*']);
  });

  it('the scrape holds what the services register, and not a made-up name', async () => {
    const names = await exportedMetricNames();
    for (const n of ['ipasn_consumergroup_lag', 'ipasn_consumergroup_lag_seconds', 'ipasn_service_ready', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'ipasn_projector_end_to_end_seconds_bucket']) {
      expect(names, n).toContain(n);
    }
    expect(names).not.toContain('ipasn_projector_end_to_end_seconds_total');
    // A query on a name nobody exports is caught.
    expect(unknownNames([{ where: 'probe', expr: 'rate(ipasn_normalizer_events_accepted_totl[5m])' }], await known())).toEqual(['probe: ipasn_normalizer_events_accepted_totl']);
  });

  it('every dashboard query names a metric the services export', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(15);
    expect(unknownNames(queries, await known())).toEqual([]);
  });

  it('every rule names a metric the services export (or a recorded or declared external one)', async () => {
    const rules = readRules();
    expect(unknownNames(rules.map((r) => ({ where: r.alert ?? r.record ?? '?', expr: r.expr })), await known())).toEqual([]);
  });
});
