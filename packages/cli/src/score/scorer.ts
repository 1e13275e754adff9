/**
 * The offline scorer's core, without I/O: normalize each line, drop duplicates, fold accepted events
 * into per-employee profiles (checks 8–10 as the live scorer: the same `applyWithinLimit`), and score
 * the active ones. Memory is one profile per NIP plus one
 * dedupe key per accepted event.
 */
import { REJECT_REASONS, type Agencies, type RejectReason, type RuleSetId } from '@ipasn/contracts';
import { MAX_EVENT_BYTES, dedupeKey, normalize } from '@ipasn/normalize';
import { applyWithinLimit, DEFAULT_MAX_RECORDS } from '@ipasn/scoring';
import {
  aggregateByAgency,
  emptyProfile,
  isScorable,
  score,
  type AgencySummary,
  type AnyRuleSet,
  type Profile,
  type Score,
  type ScoredRow,
} from '@ipasn/rules';

export interface ScorerOptions {
  agencies: Agencies;
  ingestionTime: Date;
  /** Read every line as from this agency's ingress topic (AGENCY_MISMATCH); else from its own source's. */
  topicAgency?: string | undefined;
  /** SCORER_MAX_RECORDS, as the live scorer (default 1,000): a new record beyond it is TOO_MANY_RECORDS. */
  maxRecords?: number | undefined;
}

/** One stderr line (events.md "Offline scorer contract"). */
export interface RejectLine {
  line: number;
  id: string | null;
  source: string | null;
  reason: RejectReason;
  message: string;
}

export interface ScorerStats {
  lines: number;
  emptyLines: number;
  accepted: number;
  duplicates: number;
  rejects: { total: number; byReason: Record<RejectReason, number> };
  /** NIPs with a profile (at least one accepted event). */
  employees: number;
}

/** An employee's line: exactly the fields of the events.md example. */
export interface EmployeeScoreLine {
  nip: string;
  agencyCode: string;
  employmentType: string;
  rules: RuleSetId;
  total: number;
  category: string;
  dimensions: Score['dimensions'];
  dataGaps: string[];
}

export class Scorer {
  readonly #opts: ScorerOptions;
  readonly #profiles = new Map<string, Profile>();
  readonly #seen = new Set<string>();
  #lines = 0;
  #empty = 0;
  #accepted = 0;
  #duplicates = 0;
  readonly #rejects = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;

  constructor(opts: ScorerOptions) {
    this.#opts = opts;
  }

  /**
   * Processes one input line (bytes without the newline; null for a line longer than the size
   * limit). Returns the reject to report, if any. Empty lines are skipped.
   */
  line(bytes: Uint8Array | null, number: number, byteLength: number): RejectLine | undefined {
    this.#lines = Math.max(this.#lines, number);
    if (bytes === null) {
      return this.#reject({
        line: number,
        id: null,
        source: null,
        reason: 'MALFORMED',
        message: `the event is ${byteLength} bytes, over ${MAX_EVENT_BYTES} (64 KiB)`,
      });
    }
    if (bytes.length === 0) {
      this.#empty += 1;
      return undefined;
    }
    const result = normalize(bytes, this.#opts);
    if (!result.ok) {
      return this.#reject({ line: number, id: result.id, source: result.source, reason: result.reason, message: result.message });
    }
    const event = result.event;
    // Only events that passed checks 1–7 are deduplicated; a rejected event leaves no mark.
    const key = dedupeKey(event);
    if (this.#seen.has(key)) {
      this.#duplicates += 1;
      return undefined;
    }
    const before = this.#profiles.get(event.nip) ?? emptyProfile(event.nip);
    const applied = applyWithinLimit(before, event, this.#opts.maxRecords ?? DEFAULT_MAX_RECORDS);
    if (!applied.ok) {
      return this.#reject({ line: number, id: event.id, source: event.source, reason: applied.reason, message: applied.message });
    }
    this.#seen.add(key);
    this.#profiles.set(event.nip, applied.profile);
    this.#accepted += 1;
    return undefined;
  }

  #reject(r: RejectLine): RejectLine {
    this.#rejects[r.reason] += 1;
    return r;
  }

  get stats(): ScorerStats {
    const total = Object.values(this.#rejects).reduce((a, b) => a + b, 0);
    return {
      lines: this.#lines,
      emptyLines: this.#empty,
      accepted: this.#accepted,
      duplicates: this.#duplicates,
      rejects: { total, byReason: { ...this.#rejects } },
      employees: this.#profiles.size,
    };
  }

  /** Active, scorable employees sorted by NIP. */
  activeProfiles(): Profile[] {
    const active = [...this.#profiles.values()].filter((p) => isScorable(p) && p.agencyCode !== null);
    return active.sort((a, b) => (a.nip < b.nip ? -1 : a.nip > b.nip ? 1 : 0));
  }

  /** One line per active employee and rule set, sorted by NIP then rule set. */
  *employeeLines(asOf: string, rules: readonly AnyRuleSet[]): Generator<EmployeeScoreLine> {
    const sortedRules = byId(rules);
    for (const p of this.activeProfiles()) {
      for (const rs of sortedRules) {
        const s = score(p, asOf, rs);
        yield {
          nip: p.nip,
          agencyCode: p.agencyCode as string,
          employmentType: p.employmentType as string,
          rules: rs.id,
          total: s.total,
          category: s.category,
          dimensions: s.dimensions,
          dataGaps: s.dataGaps,
        };
      }
    }
  }

  /** One summary per agency with at least one active employee, per rule set. */
  agencyLines(asOf: string, rules: readonly AnyRuleSet[]): AgencySummary[] {
    return aggregateByAgency(this.#rows(asOf, byId(rules)));
  }

  *#rows(asOf: string, rules: readonly AnyRuleSet[]): Generator<ScoredRow> {
    for (const p of this.activeProfiles()) {
      for (const rs of rules) {
        yield {
          agencyCode: p.agencyCode as string,
          employmentType: p.employmentType as NonNullable<Profile['employmentType']>,
          rules: rs.id,
          score: score(p, asOf, rs),
        };
      }
    }
  }
}

/** Rule sets in id order: lines are sorted by NIP, then rule set (events.md). */
function byId(rules: readonly AnyRuleSet[]): AnyRuleSet[] {
  return [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
