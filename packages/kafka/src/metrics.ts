/**
 * The one consumer-lag metric of every service (kafka-lag-exporter's naming): messages a group is
 * behind the high watermark, per partition, recorded by the consumer runner after every chunk.
 */
import { Gauge, type Registry } from 'prom-client';

export type MetricsRegistry = Registry;

export const CONSUMER_LAG_METRIC = 'ipasn_consumergroup_lag';
/** The age of a group's oldest unconsumed message (the console reports it from its lag reads). */
export const CONSUMER_LAG_SECONDS_METRIC = 'ipasn_consumergroup_lag_seconds';

/** The gauge in `registry`, created once per registry (a service may run several consumers). */
export function consumerLagGauge(registry: Registry): Gauge<'group' | 'topic' | 'partition'> {
  const existing = registry.getSingleMetric(CONSUMER_LAG_METRIC);
  if (existing) return existing as Gauge<'group' | 'topic' | 'partition'>;
  return new Gauge({
    name: CONSUMER_LAG_METRIC,
    help: 'Messages a consumer group is behind the high watermark, per partition, after its last processed chunk',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
  });
}
