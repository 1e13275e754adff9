import { Counter, Gauge, Histogram, type Registry } from '@ipasn/runtime';

export function normalizerMetrics(registry: Registry) {
  return {
    accepted: new Counter({
      name: 'ipasn_normalizer_events_accepted_total',
      help: 'Ingress events written to ipasn.events, per agency of the ingress topic',
      labelNames: ['agency'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'ipasn_normalizer_events_rejected_total',
      help: 'Ingress events dead-lettered to ipasn.dlq, per agency and reason',
      labelNames: ['agency', 'reason'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'ipasn_normalizer_duplicates_total',
      help: 'Later copies of an already accepted (source, id), dropped',
      labelNames: ['agency'],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'ipasn_normalizer_batch_seconds',
      help: 'Time to normalize, dedupe and commit one chunk (one transaction)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    freshnessErrors: new Counter({
      name: 'ipasn_normalizer_freshness_errors_total',
      help: 'Committed chunks whose freshness counters (reject rate, last event per hour) could not be written to Redis',
      registers: [registry],
    }),
    lastEventTime: new Gauge({
      name: 'ipasn_agency_last_accepted_timestamp_seconds',
      help: 'When the last event of an agency was accepted (Unix time)',
      labelNames: ['agency'],
      registers: [registry],
    }),
  };
}
export type NormalizerMetrics = ReturnType<typeof normalizerMetrics>;
