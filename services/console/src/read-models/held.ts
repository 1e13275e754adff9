/**
 * The held events' read model (GET /api/held), pure: per sending agency, how many events the scorer
 * holds for a change of owner (events.md "Held, not rejected, while a transfer is on its way") and
 * for how many employees, from the scorer's held index (`@ipasn/profiles` `heldPerAgency`). Counts
 * only: no NIP, nothing personal, so a viewer sees the same as an operator.
 */
import type { ViewDeps } from './agencies.js';
import { agencyInfo } from './agencies.js';

export interface HeldRow {
  code: string;
  name: string | null;
  events: number;
  employees: number;
}

export interface HeldView {
  /** Agencies with held events, most events first (then by code). */
  agencies: HeldRow[];
  total: { events: number; employees: number };
  /** SCORER_HOLD_HOURS as the console is configured (what operators are told the wait is). */
  holdHours: number;
}

export function heldView(d: ViewDeps, counts: ReadonlyMap<string, { events: number; employees: number }>, employees: number, holdHours: number): HeldView {
  const agencies = [...counts].map(([code, c]) => ({ code, name: agencyInfo(d, code).name, events: c.events, employees: c.employees }));
  agencies.sort((a, b) => b.events - a.events || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { agencies, total: { events: agencies.reduce((s, a) => s + a.events, 0), employees }, holdHours };
}
