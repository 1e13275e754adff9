/**
 * The console's Prometheus metrics. Stale flags and lag are read on scrape (from Redis, and from the
 * lag cache), so every console instance reports the same values, whichever ran the job.
 */
import { CONSUMER_LAG_METRIC, CONSUMER_LAG_SECONDS_METRIC } from '@ipasn/kafka';
import { Counter, Gauge, type Registry } from '@ipasn/runtime';
import type { LagCache } from './freshness.js';
import type { StaleStore } from './stale.js';

export function consoleMetrics(registry: Registry, sources: { stale: StaleStore; lag: LagCache }) {
  const staleGauge = new Gauge({
    name: 'ipasn_agency_stale',
    help: '1 when no event of the agency was accepted within its cadence (agency list cadenceDays), else 0',
    labelNames: ['agency'],
    registers: [registry],
    async collect() {
      const flags = await sources.stale.read();
      this.reset();
      for (const [agency, f] of flags) this.set({ agency }, f.stale ? 1 : 0);
    },
  });
  const lastAccepted = new Gauge({
    name: 'ipasn_agency_last_accepted_timestamp_seconds',
    help: 'When the last event of the agency was accepted by the normalizer (as of the last stale check)',
    labelNames: ['agency'],
    registers: [registry],
    async collect() {
      const flags = await sources.stale.read();
      this.reset();
      for (const [agency, f] of flags) if (f.lastAcceptedAt !== null) this.set({ agency }, f.lastAcceptedAt / 1000);
    },
  });
  const lagMessages = new Gauge({
    name: CONSUMER_LAG_METRIC,
    help: 'Messages not yet consumed by a pipeline consumer group, per partition',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      const snap = await sources.lag.get();
      this.reset();
      for (const g of snap.groups) for (const p of g.partitions) this.set({ group: g.groupId, topic: p.topic, partition: String(p.partition) }, p.lag);
    },
  });
  const lagSeconds = new Gauge({
    name: CONSUMER_LAG_SECONDS_METRIC,
    help: 'Age of the oldest message not yet consumed by a pipeline consumer group, per partition (0 without lag)',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      const snap = await sources.lag.get();
      this.reset();
      for (const g of snap.groups) {
        for (const p of g.partitions) if (p.lagSeconds !== null) this.set({ group: g.groupId, topic: p.topic, partition: String(p.partition) }, p.lagSeconds);
      }
    },
  });
  const staleChecks = new Counter({ name: 'ipasn_console_stale_checks_total', help: 'Runs of the stale-agency job in this process', registers: [registry] });
  const redrives = new Counter({ name: 'ipasn_console_redrives_total', help: 'Rejects re-published from the DLQ by this process', labelNames: ['reason'], registers: [registry] });
  return { staleGauge, lastAccepted, lagMessages, lagSeconds, staleChecks, redrives };
}

export type ConsoleMetrics = ReturnType<typeof consoleMetrics>;
