import { Counter, Histogram, type Registry } from '@ipasn/runtime';

export function scorerMetrics(registry: Registry) {
  return {
    applied: new Counter({ name: 'ipasn_scorer_events_applied_total', help: 'Canonical events applied to profiles', registers: [registry] }),
    replayed: new Counter({ name: 'ipasn_scorer_events_replayed_total', help: 'Redelivered events not applied again (their scores re-emitted)', registers: [registry] }),
    rejected: new Counter({
      name: 'ipasn_scorer_events_rejected_total',
      help: 'Events dead-lettered by the scorer, per agency (`unknown` for an undecodable record) and reason',
      labelNames: ['agency', 'reason'],
      registers: [registry],
    }),
    scores: new Counter({ name: 'ipasn_scorer_score_events_total', help: 'Score events produced, per cause', labelNames: ['cause'], registers: [registry] }),
    conflicts: new Counter({ name: 'ipasn_scorer_write_conflicts_total', help: 'Profile writes retried because a concurrent rescore wrote first', registers: [registry] }),
    chunkSeconds: new Histogram({
      name: 'ipasn_scorer_chunk_seconds',
      help: 'Time to load, apply, write and emit one chunk',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
export type ScorerMetrics = ReturnType<typeof scorerMetrics>;
