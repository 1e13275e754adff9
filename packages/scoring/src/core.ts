/**
 * The scorer's pure core. Given the stored states of the employees a chunk of `ipasn.events`
 * touches, it applies the events in order (skipping those at or below the stored position: a
 * replay re-emits, never re-applies), and derives per employee one score event per rule set, the
 * ownership rejects, and the next time-driven rescore. No I/O, no clock: `ScoringContext` carries
 * the evaluation date and the computation time.
 */
import { jakartaDate, jakartaMidnightMs, type CanonicalEvent, type IsoDate, type RuleSetId } from '@ipasn/contracts';
import { isScorable, nextChange, score, type RuleSet } from '@ipasn/rules';
import type { CauseKind, ScoreCause, ScoreEvent } from '@ipasn/serde';
import { applyWithinLimit, DEFAULT_MAX_RECORDS } from './limit.js';
import { minimize, newState, type EmployeeState } from './state.js';

export interface ScoringContext {
  /** The evaluation date (`SCORING_AS_OF`, or today in Asia/Jakarta). */
  asOf: IsoDate;
  /** Every rule set is computed for every employee. */
  ruleSets: readonly RuleSet[];
  /** Epoch ms stamped on score events. */
  computedAt: number;
  /** False when the evaluation date is pinned: nothing changes by time alone then. */
  timeDriven: boolean;
  /** SCORER_MAX_RECORDS: a new record beyond this many per employee is TOO_MANY_RECORDS. */
  maxRecords: number;
}

export interface EventInput {
  event: CanonicalEvent;
  partition: number;
  offset: number;
}

export interface ScorerReject {
  input: EventInput;
  reason: 'NOT_OWNER' | 'UNKNOWN_RECORD' | 'TOO_MANY_RECORDS';
  message: string;
}

export interface ChunkResult {
  /** New states of the employees whose state changed (to write back). */
  states: Map<string, EmployeeState>;
  scores: ScoreEvent[];
  rejects: ScorerReject[];
  /** Timers to set (dueAt) or cancel (null), for employees whose due time changed. */
  timers: { key: string; dueAt: number | null }[];
}


/**
 * The context a scorer evaluates with at `now` (epoch ms): a pinned evaluation date
 * (`SCORING_AS_OF`) is not time-driven; a live one is today's date in Asia/Jakarta.
 */
export function scoringContext(o: { ruleSets: readonly RuleSet[]; now: number; asOf?: IsoDate | undefined; maxRecords?: number | undefined }): ScoringContext {
  return { asOf: o.asOf ?? jakartaDate(o.now), ruleSets: o.ruleSets, computedAt: o.now, timeDriven: o.asOf === undefined, maxRecords: o.maxRecords ?? DEFAULT_MAX_RECORDS };
}

/** The earliest instant at which any rule set's score changes by time alone, or null. */
export function nextDue(state: EmployeeState, ctx: ScoringContext): number | null {
  if (!ctx.timeDriven || !isScorable(state.profile)) return null;
  let best: IsoDate | null = null;
  for (const rs of ctx.ruleSets) {
    const d = nextChange(state.profile, ctx.asOf, rs);
    if (d !== null && (best === null || d < best)) best = d;
  }
  return best === null ? null : jakartaMidnightMs(best);
}

/**
 * The score events of a state: ACTIVE per rule set while scorable; REMOVED for a rule set whose
 * last emitted score was ACTIVE once the employee is no longer (separation). Returns the new
 * `last` map alongside.
 */
export function scoreEvents(
  state: EmployeeState,
  cause: ScoreCause,
  ctx: ScoringContext,
  previous: EmployeeState['last'] = state.last,
): { events: ScoreEvent[]; last: EmployeeState['last'] } {
  const p = state.profile;
  const events: ScoreEvent[] = [];
  const last: EmployeeState['last'] = { ...previous };
  const scorable = isScorable(p);
  for (const rs of ctx.ruleSets) {
    const id: RuleSetId = rs.id;
    const prev = previous[id];
    if (!scorable && !prev) continue;
    if (!p.employmentType || p.agencyCode === null) continue;
    const s = score(p, ctx.asOf, rs);
    events.push({
      nip: p.nip,
      agencyCode: p.agencyCode,
      employmentType: p.employmentType,
      ruleSet: id,
      ruleSetVersion: rs.version,
      status: scorable ? 'ACTIVE' : 'REMOVED',
      total: s.total,
      category: s.category,
      dimensions: { ...s.dimensions },
      dataGaps: [...s.dataGaps],
      version: state.version,
      cause,
      asOf: ctx.asOf,
      computedAt: ctx.computedAt,
      previousAgencyCode: prev?.agencyCode ?? null,
      previousTotal: prev?.total ?? null,
      jobGroup: p.jobGroup ?? null,
    });
    if (scorable) last[id] = { total: s.total, agencyCode: p.agencyCode };
    else delete last[id];
  }
  return { events, last };
}

function eventCause(input: EventInput): ScoreCause {
  return {
    kind: 'EVENT',
    eventId: input.event.id,
    eventSource: input.event.source,
    eventType: input.event.type,
    partition: input.partition,
    offset: input.offset,
  };
}

export function tickCause(kind: Exclude<CauseKind, 'EVENT'>): ScoreCause {
  return { kind, eventId: null, eventSource: null, eventType: null, partition: null, offset: null };
}

/** Applies a chunk of events (in `ipasn.events` order) to the stored states. */
export function applyChunk(stored: ReadonlyMap<string, EmployeeState | null>, inputs: readonly EventInput[], ctx: ScoringContext): ChunkResult {
  const work = new Map<string, { state: EmployeeState; cause: ScoreCause; applied: boolean; storedVersion: number }>();
  const rejects: ScorerReject[] = [];
  for (const input of inputs) {
    const nip = input.event.nip;
    let w = work.get(nip);
    if (!w) {
      const state = stored.get(nip) ?? newState(nip);
      w = { state, cause: eventCause(input), applied: false, storedVersion: state.version };
      work.set(nip, w);
    }
    const s = w.state;
    // A replay (at or below the stored position on the same partition) is not applied again.
    if (input.partition === s.partition && input.offset <= s.offset) {
      w.cause = eventCause(input);
      continue;
    }
    const outcome = applyWithinLimit(s.profile, input.event, ctx.maxRecords);
    const position = { partition: input.partition, offset: input.offset };
    if (!outcome.ok) {
      rejects.push({ input, reason: outcome.reason, message: outcome.message });
      w.state = { ...s, ...position };
      w.applied = true;
      continue;
    }
    w.state = { ...s, ...position, profile: minimize(outcome.profile), version: s.version + 1 };
    w.cause = eventCause(input);
    w.applied = true;
  }

  const states = new Map<string, EmployeeState>();
  const scores: ScoreEvent[] = [];
  const timers: ChunkResult['timers'] = [];
  for (const [nip, w] of work) {
    if (w.state.version === w.storedVersion) {
      // Replays or rejects only: the same version, so re-emit its score events as they were
      // (same previous values); only the stored position may have moved.
      scores.push(...scoreEvents(w.state, w.cause, ctx, w.state.before).events);
      if (w.applied) states.set(nip, w.state);
      continue;
    }
    const { events, last } = scoreEvents(w.state, w.cause, ctx);
    scores.push(...events);
    const dueAt = nextDue(w.state, ctx);
    if (dueAt !== w.state.dueAt) timers.push({ key: nip, dueAt });
    states.set(nip, { ...w.state, last, before: w.state.last, dueAt });
  }
  return { states, scores, rejects, timers };
}

/**
 * A time-driven (CLOCK) or rule-set (RESCORE) rescore of one employee: a new version and its score
 * events, even though no event arrived. Returns null when there is nothing to emit.
 */
export function rescore(state: EmployeeState, kind: Exclude<CauseKind, 'EVENT'>, ctx: ScoringContext): { state: EmployeeState; scores: ScoreEvent[]; dueAt: number | null } | null {
  const next: EmployeeState = { ...state, version: state.version + 1 };
  const { events, last } = scoreEvents(next, tickCause(kind), ctx);
  const dueAt = nextDue(next, ctx);
  if (events.length === 0) return { state: { ...state, dueAt }, scores: [], dueAt };
  return { state: { ...next, last, before: state.last, dueAt }, scores: events, dueAt };
}
