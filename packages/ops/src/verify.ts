/**
 * `ipasn verify`: recompute every agency's exact sums from the source of truth (ipasn.events, read
 * from the beginning to its current end) and compare them with Redis. Exact integer sums (quarter
 * points and counts), never rounded means.
 */
import { jakartaDate, type CanonicalEvent, type IsoDate, type RuleSetId } from '@ipasn/contracts';
import { AggregateStore, headcountOf, type AgencySumsRow } from '@ipasn/aggregates';
import { readToEnd } from '@ipasn/kafka';
import { addContribution, emptyAgencySums, emptyProfile, isScorable, score, SHIPPED_RULE_SETS, type AgencySums, type Profile, type RuleSet } from '@ipasn/rules';
import { decodeCanonicalEvents } from '@ipasn/pipeline';
import { DEFAULT_MAX_RECORDS, foldEvent, holdLimits, minimize, type Holdable, type HoldLimits } from '@ipasn/scoring';
import { SchemaRegistry } from '@ipasn/serde';
import { withClients, type Clients, type PipelineOptions } from './clients.js';

export type VerifyOptions = PipelineOptions;

/** One field whose sums differ, e.g. `PNS.totalQ` or `PPPK.categories.RENDAH`. */
export interface SumDiff {
  field: string;
  expected: number;
  actual: number;
}

export interface AgencyComparison {
  agencyCode: string;
  rules: RuleSetId;
  ok: boolean;
  /** Recomputed from ipasn.events. */
  expected: AgencySums;
  /** Read from Redis. */
  actual: AgencySums;
  /** Empty when equal. */
  diff: SumDiff[];
}

export interface VerifyResult {
  ok: boolean;
  asOf: IsoDate;
  /** ipasn.events messages read. */
  events: number;
  /** Events the scorer rejects too (NOT_OWNER, UNKNOWN_RECORD): skipped. */
  rejected: number;
  /** Events the scorer holds at the end of the stream (for a change of owner): not applied. */
  held: number;
  /** Messages that are not canonical events: skipped (the scorer dead-letters them). */
  undecodable: number;
  /** Employees counted (scorable at the end of the stream). */
  employees: number;
  /** Every agency and rule set with anybody on either side, sorted by agency then rule set. */
  agencies: AgencyComparison[];
  /** How many of `agencies` differ. */
  mismatches: number;
}

/**
 * Folds canonical events per employee exactly as the scorer applies them: rejects skipped, held
 * events (events.md) applied when released — with the scorer's hold limits, expiring by the
 * ingestion times of the stream (the records' timestamps).
 */
export class ProfileFold {
  readonly #profiles = new Map<string, Profile>();
  readonly #held = new Map<string, Holdable[]>();
  rejected = 0;

  /** `maxRecords`: the scorer's SCORER_MAX_RECORDS (a new record beyond it is TOO_MANY_RECORDS). */
  constructor(
    private readonly limits: HoldLimits = holdLimits(),
    private readonly maxRecords: number = DEFAULT_MAX_RECORDS,
  ) {}

  /** `ingestedAt`: the `ipasn.events` record's timestamp (epoch ms). */
  add(event: CanonicalEvent, ingestedAt = 0): void {
    // The scorer's checks 8–10, record limit included.
    const nip = event.nip;
    // The profiles of this map are its own: folded in place, without a copy per event.
    const r = foldEvent(this.#profiles.get(nip) ?? emptyProfile(nip), this.#held.get(nip) ?? [], { event, ingestedAt }, this.limits, this.maxRecords, true);
    if (r.steps.some((x) => x.kind === 'applied')) this.#profiles.set(nip, minimize(r.profile));
    if (r.held.length > 0) this.#held.set(nip, r.held);
    else this.#held.delete(nip);
    this.rejected += r.steps.filter((x) => x.kind === 'rejected').length;
  }

  /** Events held now. */
  get held(): number {
    let n = 0;
    for (const h of this.#held.values()) n += h.length;
    return n;
  }

  /** The folded profiles themselves (folded in place: read them after the last `add`). */
  profiles(): IterableIterator<Profile> {
    return this.#profiles.values();
  }
}

/** The exact sums per agency and rule set of every scorable profile, sorted by agency then rules. */
export function expectedSums(profiles: Iterable<Profile>, asOf: IsoDate, ruleSets: readonly RuleSet[]): { rows: AgencySumsRow[]; employees: number } {
  const groups = new Map<string, AgencySumsRow>();
  let employees = 0;
  for (const p of profiles) {
    if (!isScorable(p) || p.agencyCode === null || p.employmentType === undefined) continue;
    employees++;
    for (const rs of ruleSets) {
      const key = `${p.agencyCode}\u0000${rs.id}`;
      const row = groups.get(key) ?? { agencyCode: p.agencyCode, rules: rs.id, sums: emptyAgencySums() };
      row.sums = addContribution(row.sums, p.employmentType, score(p, asOf, rs));
      groups.set(key, row);
    }
  }
  return { rows: [...groups.values()].sort(byAgencyThenRules), employees };
}

function byAgencyThenRules(a: { agencyCode: string; rules: string }, b: { agencyCode: string; rules: string }): number {
  return a.agencyCode < b.agencyCode ? -1 : a.agencyCode > b.agencyCode ? 1 : a.rules < b.rules ? -1 : a.rules > b.rules ? 1 : 0;
}

function flatten(value: unknown, path: string, out: Map<string, number>): Map<string, number> {
  if (typeof value === 'number') out.set(path, value);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, path === '' ? k : `${path}.${k}`, out);
  }
  return out;
}

/** Field-by-field differences between two sums (fields in AgencySums order). */
export function diffSums(expected: AgencySums, actual: AgencySums): SumDiff[] {
  const e = flatten(expected, '', new Map());
  const a = flatten(actual, '', new Map());
  const diff: SumDiff[] = [];
  for (const [field, ev] of e) {
    const av = a.get(field) ?? 0;
    if (av !== ev) diff.push({ field, expected: ev, actual: av });
  }
  return diff;
}

/** Pairs expected and actual rows by agency and rule set; rows with nobody on either side are left out. */
export function compareRows(expected: readonly AgencySumsRow[], actual: readonly AgencySumsRow[]): AgencyComparison[] {
  const pairs = new Map<string, AgencyComparison>();
  const entry = (r: AgencySumsRow): AgencyComparison => {
    const key = `${r.agencyCode}\u0000${r.rules}`;
    let c = pairs.get(key);
    if (!c) {
      c = { agencyCode: r.agencyCode, rules: r.rules, ok: true, expected: emptyAgencySums(), actual: emptyAgencySums(), diff: [] };
      pairs.set(key, c);
    }
    return c;
  };
  for (const r of expected) entry(r).expected = r.sums;
  for (const r of actual) entry(r).actual = r.sums;
  const out = [...pairs.values()].filter((c) => headcountOf(c.expected) > 0 || headcountOf(c.actual) > 0 || diffSums(c.expected, c.actual).length > 0);
  for (const c of out) {
    c.diff = diffSums(c.expected, c.actual);
    c.ok = c.diff.length === 0;
  }
  return out.sort(byAgencyThenRules);
}

/** Reads ipasn.events to its current end and folds it (no Redis involved). */
export async function foldEvents(clients: Clients, options: PipelineOptions): Promise<{ fold: ProfileFold; events: number; undecodable: number }> {
  const registry = SchemaRegistry.load();
  const fold = new ProfileFold(options.hold, options.maxRecords);
  let undecodable = 0;
  let total = 0;
  let done = 0;
  const { messages } = await readToEnd(clients.kafka, clients.topics.events, {
    groupPrefix: `${clients.topics.prefix}ipasn-verify-`,
    chunkSize: options.chunkSize ?? 1000,
    onStart: (t) => {
      total = t;
      options.onProgress?.({ phase: 'verify-events', done: 0, total });
    },
    onChunk: async (chunk, _topic, partition) => {
      const decoded = decodeCanonicalEvents(registry, chunk, partition);
      for (const i of decoded.inputs) fold.add(i.event, i.ingestedAt);
      undecodable += decoded.undecodable.length;
      done += chunk.length;
      options.onProgress?.({ phase: 'verify-events', done, total });
      await Promise.resolve();
    },
  });
  return { fold, events: messages, undecodable };
}

export async function verifyWith(clients: Clients, options: PipelineOptions): Promise<VerifyResult> {
  const asOf = options.asOf ?? jakartaDate(Date.now());
  const ruleSets = options.ruleSets ?? SHIPPED_RULE_SETS.all;
  const { fold, events, undecodable } = await foldEvents(clients, options);
  const { rows, employees } = expectedSums(fold.profiles(), asOf, ruleSets);

  const store = await AggregateStore.open(clients.redis, clients.redisPrefix);
  const ids = ruleSets.map((rs) => rs.id);
  const actual: AgencySumsRow[] = [];
  for (const [i, id] of ids.entries()) {
    actual.push(...(await store.readAllSums(id, { scan: true })));
    options.onProgress?.({ phase: 'verify-compare', done: i + 1, total: ids.length });
  }
  const agencies = compareRows(rows, actual);
  const mismatches = agencies.filter((a) => !a.ok).length;
  return { ok: mismatches === 0, asOf, events, rejected: fold.rejected, held: fold.held, undecodable, employees, agencies, mismatches };
}

/**
 * Recomputes every agency's exact sums from ipasn.events (from the beginning to its end at the
 * start of the call, read_committed) under every rule set as of `asOf`, and compares them with the
 * aggregates in Redis. Run it when the pipeline is idle (consumer lag 0): in-flight events show
 * up as differences.
 */
export async function verify(options: VerifyOptions = {}): Promise<VerifyResult> {
  return withClients(options, (clients) => verifyWith(clients, options));
}
