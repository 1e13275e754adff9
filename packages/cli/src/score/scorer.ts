/**
 * The offline scorer's core, without I/O: normalize each line, drop duplicates, fold accepted events
 * into per-employee profiles (checks 8–10 and the holds of events.md as the live scorer: the same
 * `foldEvent`, with the whole input as the hold window), and score the active ones. Memory is one
 * profile per NIP plus one dedupe key per accepted or held event, the held events themselves, and
 * the rejects that wait for an earlier held line to be decided (stderr is in line order).
 */
import { REJECT_REASONS, type Agencies, type CanonicalEvent, type RejectReason, type RuleSetId } from '@ipasn/contracts';
import { MAX_EVENT_BYTES, dedupeKey, normalize } from '@ipasn/normalize';
import { DEFAULT_HOLD_MAX, DEFAULT_MAX_RECORDS, endOfInput, foldEvent, type HoldLimits, type HoldStep } from '@ipasn/scoring';
import { LineHeap } from './line-heap.js';
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
  /** SCORER_HOLD_MAX, as the live scorer (default 100): events held per NIP. */
  holdMax?: number | undefined;
}

/** A held line: the event, and where it came from. */
interface HeldLine {
  event: CanonicalEvent;
  ingestedAt: number;
  line: number;
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
  /** Events held for a change of owner; of them, applied or decided when released; still held at the end (NOT_OWNER). */
  holds: { held: number; released: number; notReleased: number };
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
  readonly #held = new Map<string, HeldLine[]>();
  /** Line numbers held now, ascending (insertion order): the first is the earliest undecided line. */
  readonly #heldLines = new Set<number>();
  /** Rejects after the earliest held line, waiting to be printed in line order. */
  readonly #waiting = new LineHeap<RejectLine>();
  readonly #limits: HoldLimits;
  readonly #holds = { held: 0, released: 0, notReleased: 0 };
  readonly #seen = new Set<string>();
  #lines = 0;
  #empty = 0;
  #accepted = 0;
  #duplicates = 0;
  readonly #rejects = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;

  constructor(opts: ScorerOptions) {
    this.#opts = opts;
    // The whole input is the hold window: no expiry by time (events.md).
    this.#limits = { max: opts.holdMax ?? DEFAULT_HOLD_MAX, ms: null };
  }

  /**
   * Processes one input line (bytes without the newline; null for a line longer than the size
   * limit). Returns the rejects that can be reported now, in line order: a reject after a line that
   * is still held waits until that line is decided (or `finish`). Empty lines are skipped.
   */
  line(bytes: Uint8Array | null, number: number, byteLength: number): RejectLine[] {
    const r = this.#line(bytes, number, byteLength);
    if (r.length === 0 && this.#waiting.size === 0) return r;
    for (const x of r) this.#waiting.push(x.line, x);
    return this.#waiting.popBelow(this.#heldLines.values().next().value ?? Infinity);
  }

  /** The end of the input: what is still held is NOT_OWNER. Returns every reject not yet reported, in line order. */
  finish(): RejectLine[] {
    for (const [nip, held] of this.#held) {
      const profile = this.#profiles.get(nip) ?? emptyProfile(nip);
      for (const r of this.#steps(endOfInput(profile, held))) this.#waiting.push(r.line, r);
      this.#holds.notReleased += held.length;
    }
    this.#held.clear();
    this.#heldLines.clear();
    return this.#waiting.popBelow(Infinity);
  }

  #line(bytes: Uint8Array | null, number: number, byteLength: number): RejectLine[] {
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
      return [];
    }
    const result = normalize(bytes, this.#opts);
    if (!result.ok) {
      return this.#reject({ line: number, id: result.id, source: result.source, reason: result.reason, message: result.message });
    }
    const event = result.event;
    // Only events that passed checks 1–7 are deduplicated; a rejected event leaves no mark, a held one keeps it.
    if (this.#seen.has(dedupeKey(event))) {
      this.#duplicates += 1;
      return [];
    }
    const nip = event.nip;
    const before = this.#profiles.get(nip) ?? emptyProfile(nip);
    const input: HeldLine = { event, ingestedAt: this.#opts.ingestionTime.getTime(), line: number };
    // The profiles of this map are the scorer's own: folded in place, without a copy per event.
    const fold = foldEvent(before, this.#held.get(nip) ?? [], input, this.#limits, this.#opts.maxRecords ?? DEFAULT_MAX_RECORDS, true);
    if (fold.held.length > 0) this.#held.set(nip, fold.held);
    else this.#held.delete(nip);
    // A NIP seen only in rejected or held events has no profile.
    if (fold.steps.some((x) => x.kind === 'applied')) this.#profiles.set(nip, fold.profile);
    return this.#steps(fold.steps);
  }

  /** Books a fold's steps (marks, counts, held lines); returns its rejects. */
  #steps(steps: readonly HoldStep<HeldLine>[]): RejectLine[] {
    const out: RejectLine[] = [];
    for (const x of steps) {
      const { event, line } = x.input;
      const key = dedupeKey(event);
      if (x.kind === 'held') {
        this.#seen.add(key);
        this.#heldLines.add(line);
        this.#holds.held += 1;
        continue;
      }
      const released = x.released;
      if (released) {
        this.#heldLines.delete(line);
        if (!(x.kind === 'rejected' && x.expired)) this.#holds.released += 1;
      }
      if (x.kind === 'applied') {
        this.#seen.add(key);
        this.#accepted += 1;
      } else {
        this.#seen.delete(key);
        out.push(...this.#reject({ line, id: event.id, source: event.source, reason: x.reason, message: x.message }));
      }
    }
    return out;
  }

  #reject(r: RejectLine): RejectLine[] {
    this.#rejects[r.reason] += 1;
    return [r];
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
      holds: { ...this.#holds },
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
