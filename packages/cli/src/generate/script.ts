/**
 * One employee's part of the stream, built in order against a small model of the ownership table
 * (events.md "Records, ownership and order"), holds included: an event from an agency that is not
 * the owner of an owned employee is held, and decided when the owner changes (or NOT_OWNER at the
 * end: offline at the end of the input, live when its hold ends). Every line carries the outcome the
 * generator intends; the model only double-checks the generator's own intent (a mismatch is a
 * generator bug), it never asks the normalizer or the rules package.
 */
import type { EventType, RejectReason } from '@ipasn/contracts';
import { jakartaMidnightMs, jakartaTimestamp, utcTimestamp } from '../dates.js';
import { GenContext } from './context.js';
import type { Employee } from './employee.js';
import { makeMessy, type MessyForm } from './messy.js';
import type { Payload } from './records.js';
import { wireEvent, type WireEvent } from './wire.js';

export type Outcome = 'ACCEPTED' | RejectReason;
/** What `send` may be told to expect: an outcome, or that the event is held (decided later). */
export type Intent = Outcome | 'HELD';
/** A held line's fate: applied or decided when the owner changed, or still held at the end. */
export type HoldFate = 'RELEASED' | 'NOT_RELEASED';

/** SCORER_HOLD_MAX's default: the generator never holds more per employee. */
const HOLD_MAX = 100;

interface HeldEntry {
  line: Line;
  agency: string;
  type: EventType;
  data: Payload;
  /** False for a line the normalizer rejects live (AGENCY_MISMATCH): held offline only. */
  live: boolean;
}

export interface Line {
  text: string;
  /** The event type the line was built as; null when it is not one of the eight types. */
  type: EventType | null;
  /** The agency whose ingress topic the line must be sent to. */
  topic: string;
  /** The outcome when routed to `topic`. */
  outcome: Outcome;
  /** The outcome for `ipasn score` without `--agency` (each event read from its own source's topic). */
  offline: Outcome;
  messy: readonly MessyForm[];
  /** Kept for accepted lines: a duplicate re-sends it. */
  wire: WireEvent | undefined;
  timeMs: number;
  /** The employee's owner after this line (null: inactive). */
  owner: string | null;
  /** Set for a line held offline (and live, unless the normalizer rejects it): its fate. */
  held?: HoldFate;
}

export interface SendOptions {
  /** What the generator intends; the ownership model must agree. */
  expect: Intent;
  /** The record's calendar date (day number), so that `time` does not precede it. */
  date?: number;
  /** Route to another agency's topic than the sender's (AGENCY_MISMATCH). */
  topic?: string;
  /** Allow messy spellings (default yes). */
  messy?: boolean;
}

export class ScriptBuilder {
  readonly lines: Line[] = [];
  owner: string | null = null;
  /** recordId → event type of the record currently held. */
  readonly records = new Map<string, string>();
  readonly retracted: string[] = [];
  #clock: number;
  #seq = 0;
  #lastOwner: string | null = null;
  /** Held events, in arrival order. */
  #held: HeldEntry[] = [];

  constructor(
    readonly g: GenContext,
    readonly emp: Employee,
  ) {
    this.#clock = g.opts.nowMs - g.rng.int(0, GenContext.RECORDING_WINDOW_MS);
  }

  get nip(): string {
    return this.emp.nip;
  }

  /** The agency that sends records now: the owner, else the last owner, else the first employer. */
  get sender(): string {
    return this.owner ?? this.#lastOwner ?? this.emp.agency;
  }

  /** A fresh recordId in the style of the agency's system. */
  recordId(agency: string, prefix: string): string {
    this.#seq += 1;
    return `${prefix}-${agency}-${String(this.#seq).padStart(4, '0')}`;
  }

  /** The next `time`: later than the previous one, not before the record's date, never after now. */
  tick(date?: number): number {
    const g = this.g;
    let t = this.#clock + g.rng.int(1, 240) * 60_000;
    if (date !== undefined) t = Math.max(t, jakartaMidnightMs(date + 1) + g.rng.int(8 * 60, 17 * 60) * 60_000);
    this.#clock = Math.min(t, g.opts.nowMs);
    return this.#clock;
  }

  formatTime(ms: number): string {
    return this.g.rng.chance(0.7) ? jakartaTimestamp(ms, true) : utcTimestamp(ms);
  }

  wire(agency: string, type: string, data: Payload, timeMs: number, subject = this.nip): WireEvent {
    return wireEvent({
      id: this.g.eventId(agency),
      agency,
      type,
      subject,
      time: this.formatTime(timeMs),
      withContentType: this.g.rng.chance(0.6),
      data,
    });
  }

  /** What the ownership table says about `type` from `agency` now, holds included. */
  decide(agency: string, type: EventType, data: Payload): Intent {
    if (this.owner !== null && this.owner !== agency) return this.#held.length < HOLD_MAX ? 'HELD' : 'NOT_OWNER';
    return this.#table(agency, type, data);
  }

  /** The ownership table alone (events.md). */
  #table(agency: string, type: EventType, data: Payload): Outcome {
    const mayRecord = this.owner === null || this.owner === agency;
    switch (type) {
      case 'ipasn.employee.upserted':
        return mayRecord ? 'ACCEPTED' : 'NOT_OWNER';
      case 'ipasn.employee.transferred':
      case 'ipasn.employee.separated':
        return this.owner === agency ? 'ACCEPTED' : 'NOT_OWNER';
      case 'ipasn.record.retracted':
        if (!mayRecord) return 'NOT_OWNER';
        return this.records.has(String(data.recordId)) ? 'ACCEPTED' : 'UNKNOWN_RECORD';
      case 'ipasn.education.recorded':
      case 'ipasn.training.recorded':
      case 'ipasn.appraisal.recorded':
      case 'ipasn.discipline.recorded':
        return mayRecord ? 'ACCEPTED' : 'NOT_OWNER';
    }
  }

  /** Sends a schema-valid event; its outcome follows the ownership model and must be `expect`. */
  send(agency: string, type: EventType, data: Payload, opts: SendOptions): Line {
    const decided = this.decide(agency, type, data);
    if (decided !== opts.expect) {
      throw new Error(`generator bug: ${type} from ${agency} for ${this.nip} is ${decided}, intended ${opts.expect}`);
    }
    return this.#send(agency, type, data, decided, opts);
  }

  /** Sends an event whose outcome is whatever the model decides now (after holds may have moved the owner). */
  sendAsModelled(agency: string, type: EventType, data: Payload, opts: Omit<SendOptions, 'expect'> = {}): Line {
    return this.#send(agency, type, data, this.decide(agency, type, data), opts);
  }

  #send(agency: string, type: EventType, data: Payload, decided: Intent, opts: Omit<SendOptions, 'expect'>): Line {
    const timeMs = this.tick(opts.date);
    const wire = this.wire(agency, type, { ...data }, timeMs);
    const messy = opts.messy !== false && this.g.rng.chance(this.g.opts.messy) ? makeMessy(this.g, wire, timeMs) : [];
    const routedElsewhere = opts.topic !== undefined && opts.topic !== agency;
    // A held line's outcome is provisional (NOT_OWNER) until it is released or the script ends.
    const outcome: Outcome = decided === 'HELD' ? 'NOT_OWNER' : decided;
    const line: Line = {
      text: JSON.stringify(wire),
      type,
      topic: opts.topic ?? agency,
      outcome: routedElsewhere ? 'AGENCY_MISMATCH' : outcome,
      offline: outcome,
      messy,
      wire: decided === 'ACCEPTED' && !routedElsewhere ? wire : undefined,
      timeMs,
      owner: this.owner,
    };
    if (decided === 'HELD') {
      line.held = 'NOT_RELEASED';
      this.#held.push({ line, agency, type, data, live: !routedElsewhere });
    }
    // Only what the normalizer passes live changes the model (a mismatched line is never applied live).
    if (decided === 'ACCEPTED' && !routedElsewhere) this.#apply(agency, type, data);
    line.owner = this.owner;
    this.lines.push(line);
    return line;
  }

  /**
   * The end of the employee's script: what is still held stays NOT_OWNER (offline at the end of the
   * input; live when its hold ends). Returns the lines.
   */
  finish(): Line[] {
    this.#held = [];
    return this.lines;
  }

  /** The owner changed: re-evaluate the held events in arrival order, from the first after each change. */
  #release(): void {
    let again = true;
    while (again) {
      again = false;
      const kept: HeldEntry[] = [];
      for (const h of this.#held) {
        if (again || (this.owner !== null && h.agency !== this.owner)) {
          kept.push(h);
          continue;
        }
        const outcome = this.#table(h.agency, h.type, h.data);
        h.line.held = 'RELEASED';
        h.line.offline = outcome;
        if (!h.live) continue; // applied offline only; live it was AGENCY_MISMATCH
        h.line.outcome = outcome;
        if (outcome !== 'ACCEPTED') continue;
        const before = this.owner;
        this.#apply(h.agency, h.type, h.data, false);
        if (this.owner !== before) again = true;
      }
      this.#held = kept;
    }
  }

  /** Adds a line that is rejected before ownership matters (checks 1–7): state does not change. */
  reject(text: string, type: EventType | null, topic: string, reason: RejectReason, timeMs: number): void {
    this.lines.push({ text, type, topic, outcome: reason, offline: reason, messy: [], wire: undefined, timeMs, owner: this.owner });
  }

  #apply(agency: string, type: EventType, data: Payload, release = true): void {
    const before = this.owner;
    this.#applyTable(agency, type, data);
    if (this.owner !== null) this.#lastOwner = this.owner;
    if (release && this.owner !== before && this.#held.length > 0) this.#release();
  }

  #applyTable(agency: string, type: EventType, data: Payload): void {
    switch (type) {
      case 'ipasn.education.recorded':
      case 'ipasn.training.recorded':
      case 'ipasn.appraisal.recorded':
      case 'ipasn.discipline.recorded':
        this.records.set(String(data.recordId), type);
        break;
      case 'ipasn.employee.upserted':
        this.owner = agency;
        break;
      case 'ipasn.employee.transferred':
        this.owner = String(data.toAgencyCode);
        break;
      case 'ipasn.employee.separated':
        this.owner = null;
        break;
      case 'ipasn.record.retracted': {
        const id = String(data.recordId);
        this.records.delete(id);
        this.retracted.push(id);
        break;
      }
    }
  }
}
