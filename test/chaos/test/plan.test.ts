/** The chaos fault plan: reproducible from its seed, every service hit, points inside the range. */
import { describe, expect, it } from 'vitest';
import { faultPlan, SERVICES, type PlanOptions } from '../src/plan.js';

const base: PlanOptions = { seed: 20261206, kills: 15, minPerService: 3, broker: true, redis: true, from: 0.05, to: 0.85 };

describe('faultPlan', () => {
  it('is the same plan for the same seed, another for another seed', () => {
    expect(faultPlan(base)).toEqual(faultPlan(base));
    expect(faultPlan({ ...base, seed: 1 })).not.toEqual(faultPlan(base));
  });

  it.each([1, 2, 3, 42, 20261206])('seed %i: 15 kills, each service at least 3 times, one broker and one Redis fault, in order inside the range', (seed) => {
    const plan = faultPlan({ ...base, seed });
    expect(plan).toHaveLength(17);
    for (const s of SERVICES) expect(plan.filter((f) => f.kind === 'kill' && f.service === s).length, s).toBeGreaterThanOrEqual(3);
    expect(plan.filter((f) => f.kind === 'broker')).toHaveLength(1);
    expect(plan.filter((f) => f.kind === 'redis')).toHaveLength(1);
    const points = plan.map((f) => f.at);
    expect(points).toEqual([...points].sort((a, b) => a - b));
    for (const f of plan) {
      expect(f.at).toBeGreaterThanOrEqual(0.05);
      expect(f.at).toBeLessThan(0.85);
      expect(f.delayMs).toBeGreaterThanOrEqual(0);
      expect(f.delayMs).toBeLessThan(1_000);
    }
  });

  it('the CI variant: one kill of each service, the broker and Redis: 6 faults', () => {
    const plan = faultPlan({ ...base, kills: 4, minPerService: 1 });
    expect(plan.map((f) => (f.kind === 'kill' ? f.service : f.kind)).sort()).toEqual(['broker', 'console', 'normalizer', 'projector', 'redis', 'scorer']);
  });

  it('--flush-redis adds one flush; without it the plan is unchanged', () => {
    expect(faultPlan({ ...base, flush: false })).toEqual(faultPlan(base));
    const plan = faultPlan({ ...base, kills: 4, minPerService: 1, flush: true });
    expect(plan.map((f) => (f.kind === 'kill' ? f.service : f.kind)).sort()).toEqual(['broker', 'console', 'flush', 'normalizer', 'projector', 'redis', 'scorer']);
    const points = plan.map((f) => f.at);
    expect(points).toEqual([...points].sort((a, b) => a - b));
  });
});
