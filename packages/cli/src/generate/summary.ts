/**
 * What a generated stream contains, as the generator intends it: the numbers `ipasn score --stats`
 * (and the live pipeline) must reproduce. Counted as lines are emitted, so a cut stream is exact.
 */
import { EVENT_TYPES, REJECT_REASONS, type EmploymentType, type RejectReason } from '@ipasn/contracts';
import { MESSY_FORMS, type MessyForm } from './messy.js';
import type { HoldFate, Outcome } from './script.js';

/** Events held for a change of owner (events.md): of them, released (applied or decided then), and not released (NOT_OWNER in the end). */
export interface HoldCounts {
  held: number;
  released: number;
  notReleased: number;
}

export interface Headcount {
  PNS: number;
  PPPK: number;
  total: number;
}

interface AgencyCounts {
  lines: number;
  accepted: number;
  rejects: number;
  duplicates: number;
  active: Headcount;
}

export interface GeneratorSummary {
  generator: Record<string, unknown>;
  lines: number;
  employees: number;
  byType: Record<string, number>;
  accepted: number;
  acceptedByType: Record<string, number>;
  rejects: { total: number; byReason: Record<RejectReason, number> };
  /**
   * Held by the scorer (counted in `accepted` or `rejects` by their final outcome). The not released
   * ones are NOT_OWNER: offline at the end of the input, live on ipasn.dlq once their hold ends
   * (SCORER_HOLD_HOURS) — until then the live scorer holds them.
   */
  holds: HoldCounts;
  /** As `ipasn score` reads the file without `--agency`: AGENCY_MISMATCH lines are another agency's events there (held, usually NOT_OWNER). */
  offline: { accepted: number; rejects: { total: number; byReason: Record<RejectReason, number> }; holds: HoldCounts };
  duplicates: number;
  messy: { events: number; byForm: Record<MessyForm, number> };
  /** Active employees at the end of the stream, by owner. */
  active: Headcount;
  byAgency: Record<string, AgencyCounts>;
  /** Arguments that make `ipasn score` evaluate the stream as generated. */
  scoreArgs: string[];
}

/** `other` counts lines that are not one of the eight event types (malformed, unsupported types). */
export const OTHER_TYPE = 'other';

function zeroReasons(): Record<RejectReason, number> {
  return Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
}

export class Accounting {
  lines = 0;
  employees = 0;
  duplicates = 0;
  messyEvents = 0;
  readonly byType: Record<string, number> = Object.fromEntries([...EVENT_TYPES, OTHER_TYPE].map((t) => [t, 0]));
  readonly acceptedByType: Record<string, number> = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0]));
  readonly rejects = zeroReasons();
  readonly offlineRejects = zeroReasons();
  readonly holds: HoldCounts = { held: 0, released: 0, notReleased: 0 };
  readonly offlineHolds: HoldCounts = { held: 0, released: 0, notReleased: 0 };
  readonly messyForms = Object.fromEntries(MESSY_FORMS.map((f) => [f, 0])) as Record<MessyForm, number>;
  readonly #agencies = new Map<string, AgencyCounts>();

  #agency(code: string): AgencyCounts {
    let a = this.#agencies.get(code);
    if (!a) {
      a = { lines: 0, accepted: 0, rejects: 0, duplicates: 0, active: { PNS: 0, PPPK: 0, total: 0 } };
      this.#agencies.set(code, a);
    }
    return a;
  }

  line(type: string | null, topic: string, outcome: Outcome, offline: Outcome, messy: readonly MessyForm[], held?: HoldFate): void {
    this.lines += 1;
    if (held !== undefined) {
      count(this.offlineHolds, held);
      if (outcome !== 'AGENCY_MISMATCH') count(this.holds, held);
    }
    const t = type ?? OTHER_TYPE;
    this.byType[t] = (this.byType[t] ?? 0) + 1;
    const a = this.#agency(topic);
    a.lines += 1;
    if (outcome === 'ACCEPTED') {
      this.acceptedByType[t] = (this.acceptedByType[t] ?? 0) + 1;
      a.accepted += 1;
    } else {
      this.rejects[outcome] += 1;
      a.rejects += 1;
    }
    if (offline !== 'ACCEPTED') this.offlineRejects[offline] += 1;
    if (messy.length > 0) {
      this.messyEvents += 1;
      for (const f of messy) this.messyForms[f] += 1;
    }
  }

  duplicate(type: string | null, topic: string): void {
    this.lines += 1;
    this.duplicates += 1;
    const t = type ?? OTHER_TYPE;
    this.byType[t] = (this.byType[t] ?? 0) + 1;
    const a = this.#agency(topic);
    a.lines += 1;
    a.duplicates += 1;
  }

  /** An employee's final state: active under `owner`, or inactive (null). */
  employee(owner: string | null, type: EmploymentType): void {
    this.employees += 1;
    if (owner === null) return;
    const h = this.#agency(owner).active;
    h[type] += 1;
    h.total += 1;
  }

  summary(generator: Record<string, unknown>, scoreArgs: string[]): GeneratorSummary {
    const rejectTotal = sum(this.rejects);
    const offlineTotal = sum(this.offlineRejects);
    const byAgency: Record<string, AgencyCounts> = {};
    const active: Headcount = { PNS: 0, PPPK: 0, total: 0 };
    for (const code of [...this.#agencies.keys()].sort()) {
      const a = this.#agencies.get(code) as AgencyCounts;
      byAgency[code] = a;
      active.PNS += a.active.PNS;
      active.PPPK += a.active.PPPK;
      active.total += a.active.total;
    }
    return {
      generator,
      lines: this.lines,
      employees: this.employees,
      byType: this.byType,
      accepted: this.lines - rejectTotal - this.duplicates,
      acceptedByType: this.acceptedByType,
      rejects: { total: rejectTotal, byReason: this.rejects },
      holds: { ...this.holds },
      offline: { accepted: this.lines - offlineTotal - this.duplicates, rejects: { total: offlineTotal, byReason: this.offlineRejects }, holds: { ...this.offlineHolds } },
      duplicates: this.duplicates,
      messy: { events: this.messyEvents, byForm: this.messyForms },
      active,
      byAgency,
      scoreArgs,
    };
  }
}

function count(h: HoldCounts, fate: HoldFate): void {
  h.held += 1;
  if (fate === 'RELEASED') h.released += 1;
  else h.notReleased += 1;
}

function sum(r: Record<string, number>): number {
  return Object.values(r).reduce((a, b) => a + b, 0);
}

const MAX_AGENCY_ROWS = 15;

/** A short human-readable table for stderr. */
export function summaryTable(s: GeneratorSummary): string {
  const pct = (n: number): string => (s.lines === 0 ? '0.0%' : `${((100 * n) / s.lines).toFixed(1)}%`);
  const rows: string[] = [];
  rows.push(`lines      ${s.lines}   employees ${s.employees}   active ${s.active.total} (PNS ${s.active.PNS}, PPPK ${s.active.PPPK})`);
  rows.push(`accepted   ${s.accepted} (${pct(s.accepted)})   duplicates ${s.duplicates} (${pct(s.duplicates)})   messy ${s.messy.events}`);
  rows.push(`held       ${s.holds.held}: ${s.holds.released} released when the owner changed, ${s.holds.notReleased} never (NOT_OWNER when the hold ends)`);
  rows.push(`rejects    ${s.rejects.total} (${pct(s.rejects.total)})`);
  for (const r of REJECT_REASONS) {
    const offline = s.offline.rejects.byReason[r];
    const note = offline !== s.rejects.byReason[r] ? `   (offline: ${offline})` : '';
    rows.push(`  ${r.padEnd(17)}${String(s.rejects.byReason[r]).padStart(8)}${note}`);
  }
  rows.push('by type');
  for (const [t, n] of Object.entries(s.byType)) rows.push(`  ${t.padEnd(28)}${String(n).padStart(8)}`);
  rows.push('by agency (topic)          lines   accepted   rejects  duplicates  active');
  const agencies = Object.entries(s.byAgency);
  const shown = agencies.length <= MAX_AGENCY_ROWS ? agencies : [...agencies].sort((x, y) => y[1].lines - x[1].lines).slice(0, MAX_AGENCY_ROWS);
  for (const [code, a] of shown) {
    rows.push(
      `  ${code.padEnd(22)}${String(a.lines).padStart(8)}${String(a.accepted).padStart(11)}${String(a.rejects).padStart(10)}${String(a.duplicates).padStart(12)}${String(a.active.total).padStart(8)}`,
    );
  }
  if (shown.length < agencies.length) rows.push(`  … ${agencies.length - shown.length} smaller agencies (all of them in --summary)`);
  rows.push(`score it with: ipasn score ${s.scoreArgs.join(' ')}`);
  return `${rows.join('\n')}\n`;
}
