/**
 * The fault plan: which fault fires at which point of the run, drawn from a seed so that a run can
 * be repeated (`--seed`). A point is a share of the pipeline's progress (see progress.ts), not a
 * wall-clock time: the same seed hits the same stage of the stream on a fast or a slow machine.
 */
import { prng } from '@ipasn/e2e';

export type ServiceName = 'normalizer' | 'scorer' | 'projector' | 'console';
export const SERVICES: readonly ServiceName[] = ['normalizer', 'scorer', 'projector', 'console'];

export type Fault =
  | { kind: 'kill'; service: ServiceName; at: number; delayMs: number }
  | { kind: 'broker'; at: number; delayMs: number }
  | { kind: 'redis'; at: number; delayMs: number }
  /** FLUSHALL on the run's Redis, then the runbook's repair (docs/runbooks.md, `redis-epoch`). */
  | { kind: 'flush'; at: number; delayMs: number };

/** The seeded PRNG of the harness (@ipasn/e2e), re-exported for the plan's tests. */
export { prng };

export interface PlanOptions {
  seed: number;
  /** SIGKILLs of service instances; each service gets `minPerService` first, the rest at random. */
  kills: number;
  minPerService: number;
  broker: boolean;
  redis: boolean;
  /** One Redis flush (`--flush-redis`); off by default. Off, the plan is the same as without the option. */
  flush?: boolean;
  /** Faults fire between these shares of the progress. */
  from: number;
  to: number;
}

export function faultPlan(o: PlanOptions): Fault[] {
  const random = prng(o.seed);
  const targets: ServiceName[] = [];
  for (const s of SERVICES) for (let i = 0; i < o.minPerService && targets.length < o.kills; i++) targets.push(s);
  while (targets.length < o.kills) targets.push(SERVICES[Math.floor(random() * 3)]!); // the extra kills go to the stream's services
  const kinds: ({ kind: 'kill'; service: ServiceName } | { kind: 'broker' } | { kind: 'redis' } | { kind: 'flush' })[] = targets.map((service) => ({ kind: 'kill', service }));
  if (o.broker) kinds.push({ kind: 'broker' });
  if (o.redis) kinds.push({ kind: 'redis' });
  if (o.flush) kinds.push({ kind: 'flush' });
  // Fisher–Yates, then increasing points: the order of the faults is random too.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const points = kinds.map(() => o.from + random() * (o.to - o.from)).sort((a, b) => a - b);
  return kinds.map((k, i) => ({ ...k, at: points[i]!, delayMs: Math.floor(random() * 1_000) }));
}

export function describeFault(f: Fault): string {
  if (f.kind === 'kill') return `SIGKILL ${f.service}`;
  return f.kind === 'broker' ? 'SIGKILL the Kafka broker' : f.kind === 'redis' ? 'SIGKILL Redis' : 'FLUSHALL Redis';
}
