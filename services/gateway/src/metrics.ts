import { Counter, Histogram, type Registry } from '@ipasn/runtime';

export function gatewayMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'ipasn_gateway_requests_total',
      help: 'HTTP requests to the events endpoint, per CloudEvents mode and answer status',
      labelNames: ['mode', 'status'],
      registers: [registry],
    }),
    accepted: new Counter({
      name: 'ipasn_gateway_events_accepted_total',
      help: 'Events that passed checks 1–7 and were acknowledged by the broker (acks=all), per agency',
      labelNames: ['agency'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'ipasn_gateway_events_rejected_total',
      help: 'Events answered as rejected (checks 1–7), per agency and reason; not sent',
      labelNames: ['agency', 'reason'],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'ipasn_gateway_auth_failures_total',
      help: 'Requests refused for a missing, unknown or revoked token (401)',
      registers: [registry],
    }),
    produceSeconds: new Histogram({
      name: 'ipasn_gateway_produce_seconds',
      help: 'From handing a request’s accepted events to the producer until the broker acknowledged them (acks=all), including the wait behind the send in flight',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
export type GatewayMetrics = ReturnType<typeof gatewayMetrics>;
