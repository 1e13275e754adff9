import { Counter, Gauge, Histogram, type Registry } from '@ipasn/runtime';

export function projectorMetrics(registry: Registry) {
  return {
    applied: new Counter({
      name: 'ipasn_projector_applied_total',
      help: 'Lua calls that changed an aggregate, per leg (current or previous agency) and result (added, replaced, removed, tombstoned)',
      labelNames: ['leg', 'result'],
      registers: [registry],
    }),
    stale: new Counter({
      name: 'ipasn_projector_stale_total',
      help: 'Lua calls skipped because the stored version was the same or newer (redelivery, replay), per leg',
      labelNames: ['leg'],
      registers: [registry],
    }),
    invalid: new Counter({
      name: 'ipasn_projector_invalid_total',
      help: 'Messages skipped because they are not projectable score events, per reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    agencyLastUpdate: new Gauge({
      name: 'ipasn_projector_agency_last_update_timestamp_seconds',
      help: 'Unix time at which an agency aggregate last changed',
      labelNames: ['agency'],
      registers: [registry],
    }),
    chunkSeconds: new Histogram({
      name: 'ipasn_projector_chunk_seconds',
      help: 'Time to decode and apply one chunk of score events',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    endToEnd: new Histogram({
      name: 'ipasn_projector_end_to_end_seconds',
      help: "From a score event's computedAt (scorer) to its aggregate updated",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    historyErrors: new Counter({
      name: 'ipasn_projector_history_errors_total',
      help: 'Chunks whose history samples (console charts) could not be written; the aggregates were',
      registers: [registry],
    }),
  };
}
export type ProjectorMetrics = ReturnType<typeof projectorMetrics>;
