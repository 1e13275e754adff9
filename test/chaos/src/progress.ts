/**
 * How far the pipeline is: the mean of the normalizer's share (committed offsets on the ingress
 * topics over the lines sent) and the scorer's (committed offsets on ipasn.events over the events
 * declared). Committed offsets survive crashes, so progress never goes back when a service dies.
 */
import { committedTotal, groupProgress, sleep, waitForDrain } from '@ipasn/e2e';

export interface Groups {
  ingress: string[];
  events: string;
  scores: string;
}

export async function pipelineProgress(groups: Groups, lines: number, events: number): Promise<number | undefined> {
  try {
    const [n, s] = await Promise.all([groupProgress('ipasn-normalizer', groups.ingress), groupProgress('ipasn-scorer', [groups.events])]);
    return (Math.min(1, committedTotal(n) / Math.max(1, lines)) + Math.min(1, committedTotal(s) / Math.max(1, events))) / 2;
  } catch {
    return undefined; // the broker is away
  }
}

/** How many ipasn.events records the scorer's group has not committed yet; undefined while the broker is away. */
export async function scorerBacklog(groups: Groups): Promise<number | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const s = await groupProgress('ipasn-scorer', [groups.events]);
      return s.reduce((n, p) => n + Math.max(0, p.end - Math.max(p.low, p.committed)), 0);
    } catch {
      await sleep(1_000); // the broker is back only partly
    }
  }
  return undefined;
}

/** Waits until the normalizer has processed every ingress message (retrying while the broker is back only partly). */
export async function drainIngress(groups: Groups, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await waitForDrain('ipasn-normalizer', groups.ingress, Math.max(5_000, deadline - Date.now()), { settleMs: 3_000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
  }
}

/** Waits until the three consumer groups have processed everything (retrying while the broker is back only partly). */
export async function drainAll(groups: Groups, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const steps: [string, string[]][] = [
    ['ipasn-normalizer', groups.ingress],
    ['ipasn-scorer', [groups.events]],
    ['ipasn-projector', [groups.scores]],
  ];
  // Twice: a scorer that was behind can still write scores after the projector looked drained.
  for (let round = 0; round < 2; round++) {
    for (const [group, topics] of steps) {
      for (;;) {
        try {
          await waitForDrain(group, topics, Math.max(5_000, deadline - Date.now()), { settleMs: 3_000 });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
        }
      }
    }
  }
}
