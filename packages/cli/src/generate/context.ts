/** Shared state of one generator run: the PRNG, options, clocks, event-id minting, reason spread. */
import { REJECT_REASONS, type RejectReason } from '@ipasn/contracts';
import { DAY_MS, jakartaDate, toDays, ymdOf } from '../dates.js';
import type { AgencyUniverse } from './agencies.js';
import { Rng } from './rng.js';

/**
 * The reasons the generator injects: all but TOO_MANY_RECORDS, which takes over a thousand records
 * of one employee (tested on its own in the scorer). A list of its own, so that adding a reason to
 * the contract does not change what a seed generates.
 */
export type GeneratedReason = Exclude<RejectReason, 'TOO_MANY_RECORDS'>;
export const GENERATED_REASONS: readonly GeneratedReason[] = REJECT_REASONS.filter((r): r is GeneratedReason => r !== 'TOO_MANY_RECORDS');

export interface GenOptions {
  seed: string;
  /** Calendar dates of valid records stay on or before this day (a day number). */
  asOf: number;
  /** The ingestion time the stream is valid for (epoch ms). */
  nowMs: number;
  /** Share of valid events written with messy-but-valid spellings. */
  messy: number;
  /** Share of lines that are intended rejects. */
  invalid: number;
  /** Share of lines that are re-sent copies of accepted events. */
  duplicates: number;
  /** Multiplies the number of trainings and appraisals per employee (1 = typical). */
  historyScale: number;
}

export class GenContext {
  readonly rng: Rng;
  /** The Jakarta calendar day of the ingestion time. */
  readonly nowDay: number;
  /** An appraisal `year` above this is FUTURE_DATED (whichever of the UTC and Jakarta years is later). */
  readonly ingestionYear: number;
  /** Probability of an intended reject after each history step, so that rejects are `invalid` of all lines. */
  readonly invalidPerStep: number;
  readonly duplicatePerLine: number;
  readonly #sequence = new Map<string, number>();
  readonly #cycles = new Map<string, number>();
  readonly #debt = new Map<GeneratedReason, number>();

  constructor(
    readonly opts: GenOptions,
    readonly universe: AgencyUniverse,
  ) {
    this.rng = new Rng(opts.seed);
    const now = new Date(opts.nowMs);
    this.nowDay = toDays(jakartaDate(now));
    this.ingestionYear = Math.max(now.getUTCFullYear(), ymdOf(this.nowDay).y);
    const valid = 1 - opts.invalid - opts.duplicates;
    if (valid <= 0) throw new RangeError('--invalid plus --duplicates must stay below 1');
    // Lines = steps + rejects + duplicates; solving for the shares asked for:
    this.invalidPerStep = opts.invalid / valid;
    // Duplicates are decided per emitted non-duplicate line.
    this.duplicatePerLine = opts.duplicates / (1 - opts.duplicates);
  }

  /** A new event id, unique per source: UUIDs, or a per-agency sequence for some agencies' systems. */
  eventId(agency: string): string {
    if (!this.universe.sequentialIds.has(agency)) return this.rng.uuid();
    const n = (this.#sequence.get(agency) ?? 0) + 1;
    this.#sequence.set(agency, n);
    return `${agency}-${String(n).padStart(9, '0')}`;
  }

  /**
   * The next intended reject reason, spread evenly over all reasons: a reason that cannot be produced
   * in the current state is owed and paid back at the next chance.
   */
  nextReason(possible: (r: GeneratedReason) => boolean): GeneratedReason {
    for (const r of GENERATED_REASONS) {
      const owed = this.#debt.get(r) ?? 0;
      if (owed > 0 && possible(r)) {
        this.#debt.set(r, owed - 1);
        return r;
      }
    }
    const drawn = this.rng.pick(GENERATED_REASONS);
    if (possible(drawn)) return drawn;
    this.#debt.set(drawn, (this.#debt.get(drawn) ?? 0) + 1);
    return this.rng.pick(GENERATED_REASONS.filter(possible));
  }

  /**
   * Takes the aliases of one value in turn, from the last (the canonical spelling is first, and
   * shows anyway), so that even rare values show every spelling.
   */
  cycle<T>(key: string, items: readonly T[]): T {
    const i = this.#cycles.get(key) ?? 0;
    this.#cycles.set(key, i + 1);
    return items[items.length - 1 - (i % items.length)] as T;
  }

  /** Milliseconds of 90 days: the window in which a stream's events were recorded. */
  static readonly RECORDING_WINDOW_MS = 90 * DAY_MS;
}
