/**
 * Interleaves employee scripts into one stream (a pool of employees "in flight", like agencies
 * sending concurrently), adds re-sent copies of accepted events, and accounts for every line.
 * Memory is bounded by the pool: nothing of the stream is kept once written.
 */
import { jakartaTimestamp } from '../dates.js';
import type { GenContext } from './context.js';
import { createEmployee, type Employee } from './employee.js';
import { employeeScript } from './history.js';
import type { Accounting } from './summary.js';
import type { Line } from './script.js';

const POOL = 32;
const RECENT = 512;

export interface StreamPlan {
  /** Employees to generate (more are created when `targetLines` is not reached). */
  employees: number;
  /** Exactly this many lines when set; otherwise as many as the histories make. */
  targetLines: number | undefined;
}

/** One entry of the `--expect` file. */
export type Expectation =
  | { line: number; reason: string; topic: string; offlineReason?: string }
  | { line: number; duplicateOf: number; topic: string };

interface Slot {
  emp: Employee;
  lines: Line[];
  pos: number;
}

interface Recent {
  line: Line;
  number: number;
}

export function* generateStream(
  g: GenContext,
  plan: StreamPlan,
  acc: Accounting,
  expect?: (e: Expectation) => void,
): Generator<string, void, undefined> {
  const { rng, universe } = g;
  const usedNips = new Set<string>();
  const recent: Recent[] = [];
  let created = 0;
  let emitted = 0;
  const target = plan.targetLines;
  const wantMore = (): boolean => (target === undefined ? created < plan.employees : emitted < target);

  const newSlot = (): Slot => {
    created += 1;
    const agency = universe.employers.draw(rng);
    const emp = createEmployee({ rng, asOf: g.opts.asOf, agency, usedNips });
    return { emp, lines: employeeScript(g, emp), pos: 0 };
  };
  const finish = (slot: Slot): void => {
    if (slot.pos === 0) return; // never appeared in the stream
    const last = slot.lines[slot.pos - 1] as Line;
    acc.employee(last.owner, slot.emp.employmentType);
  };

  const pool: Slot[] = [];
  while (pool.length < POOL && wantMore()) pool.push(newSlot());

  while (pool.length > 0 && (target === undefined || emitted < target)) {
    const k = rng.int(0, pool.length - 1);
    const slot = pool[k] as Slot;
    const line = slot.lines[slot.pos] as Line;
    slot.pos += 1;
    emitted += 1;
    acc.line(line.type, line.topic, line.outcome, line.offline, line.messy, line.held);
    if (line.outcome !== 'ACCEPTED' && expect) {
      expect(
        line.offline === line.outcome
          ? { line: emitted, reason: line.outcome, topic: line.topic }
          : { line: emitted, reason: line.outcome, topic: line.topic, offlineReason: line.offline },
      );
    }
    if (line.wire) {
      if (recent.length < RECENT) recent.push({ line, number: emitted });
      else recent[rng.int(0, RECENT - 1)] = { line, number: emitted };
    }
    yield line.text;

    if (slot.pos >= slot.lines.length) {
      finish(slot);
      if (wantMore()) pool[k] = newSlot();
      else {
        pool[k] = pool[pool.length - 1] as Slot;
        pool.pop();
      }
    }

    if (recent.length > 0 && rng.chance(g.duplicatePerLine) && (target === undefined || emitted < target)) {
      const orig = rng.pick(recent);
      emitted += 1;
      acc.duplicate(orig.line.type, orig.line.topic);
      expect?.({ line: emitted, duplicateOf: orig.number, topic: orig.line.topic });
      yield resend(g, orig.line);
    }
  }
  for (const slot of pool) finish(slot);
}

/**
 * A re-sent copy: usually the same bytes (a producer retry); sometimes re-serialized with a later
 * `time`, which changes nothing: the first copy of (source, id) wins whatever the payload.
 */
function resend(g: GenContext, line: Line): string {
  if (!line.wire || !g.rng.chance(0.2)) return line.text;
  const timeMs = Math.min(g.opts.nowMs, line.timeMs + g.rng.int(1, 3600) * 1000);
  return JSON.stringify({ ...line.wire, time: jakartaTimestamp(timeMs, true) });
}
