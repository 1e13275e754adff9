/**
 * The scorer's pure core. Given the stored states of the employees a chunk of `ipasn.events`
 * touches, it applies the events in order (skipping those at or below the stored position: a
 * replay re-emits, never re-applies), and derives per employee one score event per rule set, the
 * ownership rejects, and the next time-driven rescore. No I/O, no clock: `ScoringContext` carries
 * the evaluation date and the computation time.
 */
import { jakartaDate, jakartaMidnightMs, type IsoDate, type RuleSetId } from '@ipasn/contracts';
import { isScorable, nextChange, score, type RuleSet } from '@ipasn/rules';
import type { CauseKind, ScoreCause, ScoreEvent } from '@ipasn/serde';
import { expireHeld, firstExpiry, foldEvent, holdLimits, type HoldLimits, type HoldStep } from './hold.js';
import { DEFAULT_MAX_RECORDS } from './limit.js';
import { minimize, minimizeHeld, newState, type Decided, type EmployeeState, type EventInput, type ScorerReject } from './state.js';

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
  /** SCORER_HOLD_MAX and SCORER_HOLD_HOURS (events.md "Held, not rejected"). */
  hold: HoldLimits;
}

/** What happened to held events, per employee (for metrics). */
export interface HoldEvent {
  nip: string;
  agencyCode: string;
  kind: 'held' | 'released' | 'expired';
}

export interface ChunkResult {
  /** New states of the employees whose state changed (to write back). */
  states: Map<string, EmployeeState>;
  scores: ScoreEvent[];
  rejects: ScorerReject[];
  /** Timers to set (dueAt) or cancel (null), for employees whose due time changed. */
  timers: { key: string; dueAt: number | null }[];
  /** Events held, released (applied after a hold) and expired, in order. */
  holds: HoldEvent[];
}


/**
 * The context a scorer evaluates with at `now` (epoch ms): a pinned evaluation date
 * (`SCORING_AS_OF`) is not time-driven; a live one is today's date in Asia/Jakarta.
 */
export function scoringContext(o: { ruleSets: readonly RuleSet[]; now: number; asOf?: IsoDate | undefined; maxRecords?: number | undefined; hold?: HoldLimits | undefined }): ScoringContext {
  return {
    asOf: o.asOf ?? jakartaDate(o.now),
    ruleSets: o.ruleSets,
    computedAt: o.now,
    timeDriven: o.asOf === undefined,
    maxRecords: o.maxRecords ?? DEFAULT_MAX_RECORDS,
    hold: o.hold ?? holdLimits(),
  };
}

/**
 * When the employee's timer must fire: the next time-driven score change or the end of the first
 * hold, whichever comes first (a hold ends even when the evaluation date is pinned).
 */
export function timerDue(state: Pick<EmployeeState, 'dueAt' | 'held'>, limits: HoldLimits): number | null {
  const hold = firstExpiry(state.held, limits);
  if (hold === null) return state.dueAt;
  return state.dueAt === null ? hold : Math.min(state.dueAt, hold);
}

function holdEvents(nip: string, steps: readonly HoldStep<EventInput>[]): HoldEvent[] {
  const out: HoldEvent[] = [];
  for (const s of steps) {
    const agencyCode = s.input.event.agencyCode;
    if (s.kind === 'held') out.push({ nip, agencyCode, kind: 'held' });
    else if (s.kind === 'applied' && s.released) out.push({ nip, agencyCode, kind: 'released' });
    else if (s.kind === 'rejected' && s.expired) out.push({ nip, agencyCode, kind: 'expired' });
    else if (s.kind === 'rejected' && s.released) out.push({ nip, agencyCode, kind: 'released' });
  }
  return out;
}

/** The rejects among a fold's steps. */
export function rejectsOf(steps: readonly HoldStep<EventInput>[]): ScorerReject[] {
  const out: ScorerReject[] = [];
  for (const s of steps) {
    if (s.kind === 'rejected') out.push({ input: s.input, reason: s.reason, message: s.message, released: s.released, expired: s.expired });
  }
  return out;
}

/**
 * Expires the held events of a state whose hold ended at or before `now` (the timer's share of
 * events.md: what no event of the NIP expired first) into its outbox. Null when none is due.
 */
export function expireDue(state: EmployeeState, now: number, limits: HoldLimits): { state: EmployeeState; holds: HoldEvent[] } | null {
  const r = expireHeld(state.profile, state.held, now, limits);
  if (r.steps.length === 0) return null;
  const expired = rejectsOf(r.steps).map((x) => ({ input: x.input, message: x.message }));
  return { state: { ...state, held: r.held, outbox: [...state.outbox, ...expired] }, holds: holdEvents(state.profile.nip, r.steps) };
}

function withoutAt(d: Decided): ScorerReject {
  return { input: d.input, reason: d.reason, message: d.message, released: d.released, expired: d.expired };
}

/** The dead letters of a state's outbox (expired held events). */
export function outboxRejects(state: EmployeeState): ScorerReject[] {
  return state.outbox.map((x) => ({ input: x.input, reason: 'NOT_OWNER', message: x.message, released: true, expired: true }));
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
  const work = new Map<string, { state: EmployeeState; cause: ScoreCause; applied: boolean; storedVersion: number; replayable: readonly Decided[] }>();
  const rejects: ScorerReject[] = [];
  const holds: HoldEvent[] = [];
  // A chunk starts at or after its partition's committed offset: what was decided below its first
  // offset went out in a committed transaction.
  const firstOffset = new Map<number, number>();
  for (const input of inputs) if (!firstOffset.has(input.partition)) firstOffset.set(input.partition, input.offset);
  for (const input of inputs) {
    const nip = input.event.nip;
    let w = work.get(nip);
    if (!w) {
      const state = stored.get(nip) ?? newState(nip);
      const floor = firstOffset.get(input.partition) ?? input.offset;
      const pending = state.decided.length === 0 ? state.decided : state.decided.filter((d) => d.at >= floor);
      w = { state: pending === state.decided ? state : { ...state, decided: pending }, cause: eventCause(input), applied: false, storedVersion: state.version, replayable: pending };
      work.set(nip, w);
      if (state.outbox.length > 0) {
        // Expired by the timer and written, perhaps not sent yet: sent with this chunk's rejects,
        // and remembered as decided by this chunk's first event of the employee.
        const expired = outboxRejects(state);
        rejects.push(...expired);
        w.state = { ...w.state, outbox: [], decided: [...pending, ...expired.map((r) => ({ ...r, at: input.offset }))] };
        w.applied = true;
      }
    }
    const s = w.state;
    // A replay (at or below the stored position on the same partition) is not applied again; the
    // rejects its application decided are sent again (their transaction may have aborted).
    if (input.partition === s.partition && input.offset <= s.offset) {
      w.cause = eventCause(input);
      for (const d of w.replayable) if (d.at === input.offset) rejects.push(withoutAt(d));
      continue;
    }
    const fold = foldEvent(s.profile, s.held, minimizeHeld(input), ctx.hold, ctx.maxRecords);
    const rejected = rejectsOf(fold.steps);
    rejects.push(...rejected);
    holds.push(...holdEvents(nip, fold.steps));
    const applied = fold.steps.filter((x) => x.kind === 'applied').length;
    const position = { partition: input.partition, offset: input.offset, ...(rejected.length > 0 ? { decided: [...s.decided, ...rejected.map((r) => ({ ...r, at: input.offset }))] } : {}) };
    // Every applied event (a released one too) is a version; the position moves in any case.
    w.state = applied === 0 ? { ...s, ...position, held: fold.held } : { ...s, ...position, held: fold.held, profile: minimize(fold.profile), version: s.version + applied };
    if (applied > 0) w.cause = eventCause(input);
    w.applied = true;
  }

  const states = new Map<string, EmployeeState>();
  const scores: ScoreEvent[] = [];
  const timers: ChunkResult['timers'] = [];
  for (const [nip, w] of work) {
    const prev = stored.get(nip);
    const was = prev ? timerDue(prev, ctx.hold) : null;
    if (w.state.version === w.storedVersion) {
      // Replays, holds or rejects only: the same version, so re-emit its score events as they were
      // (same previous values); only the stored position and the held events may have moved.
      scores.push(...scoreEvents(w.state, w.cause, ctx, w.state.before).events);
      if (!w.applied) continue;
      states.set(nip, w.state);
      const due = timerDue(w.state, ctx.hold);
      if (due !== was) timers.push({ key: nip, dueAt: due });
      continue;
    }
    const { events, last } = scoreEvents(w.state, w.cause, ctx);
    scores.push(...events);
    const next: EmployeeState = { ...w.state, last, before: w.state.last, dueAt: nextDue(w.state, ctx) };
    const due = timerDue(next, ctx.hold);
    if (due !== was) timers.push({ key: nip, dueAt: due });
    states.set(nip, next);
  }
  return { states, scores, rejects, timers, holds };
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
