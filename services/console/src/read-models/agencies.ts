/**
 * The console's read models, built on packages/aggregates' read functions (sums in quarter points,
 * summarized on read) and the agency list: which rule set is primary on the evaluation date, the
 * pilot's primary-vs-shadow comparison, the national rollup per rule set (never mixed).
 */
import { nationalOf, rankingOf, type AggregateStore, type AgencySumsRow } from '@ipasn/aggregates';
import type { Agencies, Category, IsoDate, RuleSetId } from '@ipasn/contracts';
import { categoryOf, emptyAgencySums, emptyGroupSums, summarize, type AgencySums, type AgencySummary, type RuleSetList } from '@ipasn/rules';
import type { StaleFlag, StaleStore } from '../stale.js';
import type { RuleSetStatusReader } from './rule-sets.js';
import { evaluateStale } from '../stale.js';

export interface ViewDeps {
  store: AggregateStore;
  agencies: Agencies;
  /** The rule sets in force (IPASN_RULE_SETS_FILE, else the shipped list): every view lists these. */
  ruleSets: RuleSetList;
  /** Which rule sets are still being computed (read-only). */
  ruleSetStatus: RuleSetStatusReader;
  stale: StaleStore;
  /** The evaluation date (SCORING_AS_OF, or today in Asia/Jakarta). */
  asOf: () => IsoDate;
  clock: () => number;
}

export interface AgencyInfo {
  code: string;
  /** Null for an agency that has aggregates but is not in the list in force. */
  name: string | null;
  pilot: boolean;
  cadenceDays: number;
}

export interface FreshnessFields {
  /** The normalizer's last accepted event of this agency. */
  lastAcceptedAt: string | null;
  /** The newest score caused by a personnel event of this agency (aggregates meta). */
  lastEventAt: string | null;
  lastScoredAt: string | null;
  stale: boolean;
  staleSince: string | null;
  cadenceDays: number;
  /** When the stale job last looked; null before its first run (the flag is then computed live). */
  staleCheckedAt: string | null;
}

export const DEFAULT_CADENCE_DAYS = 7;
const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

/** The agency's primary rule set on the evaluation date (the list's baseline when it has none). */
export function primaryOf(d: ViewDeps, code: string, asOf: IsoDate): RuleSetId {
  return d.agencies.primaryRuleSet(code, asOf, d.ruleSets.baseline.id);
}

/** The rule set a glance compares the primary with (ipasn-rules.md: the baseline, or the next in the list). */
export function otherRuleSet(d: ViewDeps, rules: RuleSetId): RuleSetId {
  return d.ruleSets.defaultPair(rules)[1];
}

/** The category of an index under a rule set of the list (null for none, or a rule set out of the list). */
function categoryUnder(d: ViewDeps, rules: RuleSetId, index: number | null): Category | null {
  return index === null || !d.ruleSets.has(rules) ? null : categoryOf(index, d.ruleSets.get(rules));
}

export function agencyCategory(d: ViewDeps, summary: AgencySummary): Category | null {
  return categoryUnder(d, summary.rules, summary.index.ASN);
}

/** Agencies of the list in force, then any other agency that has aggregates, by code. */
async function allCodes(d: ViewDeps): Promise<string[]> {
  const listed = d.agencies.all.map((a) => a.code);
  const stored = await d.store.agencies();
  return [...new Set([...listed, ...stored])].sort();
}

export function agencyInfo(d: ViewDeps, code: string): AgencyInfo {
  const a = d.agencies.get(code);
  return { code, name: a?.name ?? null, pilot: a?.pilot ?? false, cadenceDays: a?.cadenceDays ?? DEFAULT_CADENCE_DAYS };
}

async function freshnessOf(d: ViewDeps, codes: readonly string[]): Promise<Map<string, FreshnessFields>> {
  const now = d.clock();
  const [flags, accepted, metas] = await Promise.all([d.stale.read(), d.stale.lastAccepted(codes), Promise.all(codes.map((c) => d.store.meta(c)))]);
  return new Map(
    codes.map((code, i) => {
      const info = agencyInfo(d, code);
      const last = accepted.get(code) ?? null;
      const stored: StaleFlag | undefined = flags.get(code);
      // An event accepted after the last check makes the stored flag outdated: judge it live, so a
      // stale agency turns fresh as soon as its data arrives (the job's gauge follows at its next run).
      const outdated = stored !== undefined && last !== null && last > stored.checkedAt;
      const flag = stored && !outdated ? stored : evaluateStale(last, info.cadenceDays, now, stored);
      const meta = metas[i];
      return [
        code,
        {
          lastAcceptedAt: iso(last),
          lastEventAt: iso(meta?.lastEventAt),
          lastScoredAt: iso(meta?.lastScoredAt),
          stale: flag.stale,
          staleSince: iso(flag.since),
          cadenceDays: info.cadenceDays,
          staleCheckedAt: stored ? iso(stored.checkedAt) : null,
        },
      ] as const;
    }),
  );
}

async function sumsByRules(d: ViewDeps): Promise<Map<RuleSetId, Map<string, AgencySums>>> {
  const rows = await Promise.all(d.ruleSets.ids.map(async (r) => [r, await d.store.readAllSums(r)] as const));
  return new Map(rows.map(([r, list]) => [r, new Map(list.map((x) => [x.agencyCode, x.sums]))]));
}

export interface AgencyRow extends AgencyInfo {
  /** The primary rule set on the evaluation date. */
  rules: RuleSetId;
  headcount: AgencySummary['headcount'];
  index: AgencySummary['index'];
  category: Category | null;
  categories: AgencySummary['categories'];
  dimensions: AgencySummary['dimensions'];
  dataGaps: number;
  /** The index under the rule set the pilot view compares the primary with by default. */
  shadow: { rules: RuleSetId; index: AgencySummary['index'] };
  freshness: FreshnessFields;
}

export async function listAgencies(d: ViewDeps): Promise<{ asOf: IsoDate; agencies: AgencyRow[] }> {
  const asOf = d.asOf();
  const codes = await allCodes(d);
  const [sums, fresh] = await Promise.all([sumsByRules(d), freshnessOf(d, codes)]);
  const agencies = codes.map((code): AgencyRow => {
    const rules = primaryOf(d, code, asOf);
    const shadowRules = otherRuleSet(d, rules);
    const s = summarize(code, rules, sums.get(rules)?.get(code) ?? emptyAgencySums());
    const shadow = summarize(code, shadowRules, sums.get(shadowRules)?.get(code) ?? emptyAgencySums());
    return {
      ...agencyInfo(d, code),
      rules,
      headcount: s.headcount,
      index: s.index,
      category: agencyCategory(d, s),
      categories: s.categories,
      dimensions: s.dimensions,
      dataGaps: s.dataGaps,
      shadow: { rules: shadowRules, index: shadow.index },
      freshness: fresh.get(code)!,
    };
  });
  return { asOf, agencies };
}

export function isKnownAgency(d: ViewDeps, code: string, stored: readonly string[]): boolean {
  return d.agencies.has(code) || stored.includes(code);
}

/** Exactly one `ipasn score --by-agency` line, plus `freshness`. */
export async function readAgency(d: ViewDeps, code: string, rules: RuleSetId): Promise<AgencySummary & { freshness: FreshnessFields }> {
  const [sums, fresh] = await Promise.all([d.store.readSums(code, rules), freshnessOf(d, [code])]);
  return { ...summarize(code, rules, sums), freshness: fresh.get(code)! };
}

/** The PNS / PPPK split: the same shape for each employment type alone. */
export async function readAgencyGroups(d: ViewDeps, code: string, rules: RuleSetId): Promise<{ agencyCode: string; rules: RuleSetId; PNS: AgencySummary; PPPK: AgencySummary }> {
  const sums = await d.store.readSums(code, rules);
  return {
    agencyCode: code,
    rules,
    PNS: summarize(code, rules, { PNS: sums.PNS, PPPK: emptyGroupSums() }),
    PPPK: summarize(code, rules, { PNS: emptyGroupSums(), PPPK: sums.PPPK }),
  };
}

export interface NationalRollup extends Omit<AgencySummary, 'agencyCode'> {
  /** Agencies with anybody counted under these rules. */
  agencies: number;
  category: Category | null;
  ranking: { rank: number; agencyCode: string; name: string | null; index: number | null; headcount: number }[];
}

export async function readNational(d: ViewDeps, which: readonly RuleSetId[]): Promise<{ asOf: IsoDate; rollups: NationalRollup[] }> {
  const rollups = await Promise.all(
    which.map(async (rules): Promise<NationalRollup> => {
      const rows: AgencySumsRow[] = await d.store.readAllSums(rules);
      const { sums: _sums, ...n } = nationalOf(rules, rows);
      const ranking = rankingOf(rules, rows).map((r) => ({
        rank: r.rank,
        agencyCode: r.summary.agencyCode,
        name: agencyInfo(d, r.summary.agencyCode).name,
        index: r.summary.index.ASN,
        headcount: r.summary.headcount.total,
      }));
      return { ...n, category: categoryUnder(d, rules, n.index.ASN), ranking };
    }),
  );
  return { asOf: d.asOf(), rollups };
}

type Diff<T> = { [K in keyof T]: T[K] extends number ? number : number | null };

/** a − b of two 2-decimal values, exactly (in hundredths); null when either is null. */
export function diff2(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : (Math.round(a * 100) - Math.round(b * 100)) / 100;
}

export interface PilotRow {
  code: string;
  name: string | null;
  primaryRules: RuleSetId;
  shadowRules: RuleSetId;
  primary: AgencySummary;
  shadow: AgencySummary;
  primaryCategory: Category | null;
  shadowCategory: Category | null;
  /** primary − shadow. */
  diff: {
    index: Diff<AgencySummary['index']>;
    dimensions: AgencySummary['dimensions'];
    categories: AgencySummary['categories'];
    dataGaps: number;
  };
}

/**
 * The pilot view: per pilot agency, two rule sets side by side. By default the agency's primary
 * against the baseline (or the baseline against the next in the list: ipasn-rules.md); `pair`
 * compares any two rule sets of the list for every agency instead. `totals`: every rule set.
 */
export async function readPilot(d: ViewDeps, pair?: readonly [RuleSetId, RuleSetId]): Promise<{ asOf: IsoDate; agencies: PilotRow[]; totals: NationalRollup[] }> {
  const asOf = d.asOf();
  const pilots = d.agencies.all.filter((a) => a.pilot);
  const sums = await sumsByRules(d);
  const agencies = pilots.map((a): PilotRow => {
    const [primaryRules, shadowRules] = pair ?? d.ruleSets.defaultPair(primaryOf(d, a.code, asOf));
    const p = summarize(a.code, primaryRules, sums.get(primaryRules)?.get(a.code) ?? emptyAgencySums());
    const s = summarize(a.code, shadowRules, sums.get(shadowRules)?.get(a.code) ?? emptyAgencySums());
    const dims = (k: keyof AgencySummary['dimensions']) => diff2(p.dimensions[k], s.dimensions[k]) ?? 0;
    const cats = { ...p.categories };
    for (const c of Object.keys(cats) as Category[]) cats[c] = p.categories[c] - s.categories[c];
    return {
      code: a.code,
      name: a.name,
      primaryRules,
      shadowRules,
      primary: p,
      shadow: s,
      primaryCategory: agencyCategory(d, p),
      shadowCategory: agencyCategory(d, s),
      diff: {
        index: { PNS: diff2(p.index.PNS, s.index.PNS), PPPK: diff2(p.index.PPPK, s.index.PPPK), ASN: diff2(p.index.ASN, s.index.ASN) },
        dimensions: { kualifikasi: dims('kualifikasi'), kompetensi: dims('kompetensi'), kinerja: dims('kinerja'), disiplin: dims('disiplin') },
        categories: cats,
        dataGaps: p.dataGaps - s.dataGaps,
      },
    };
  });
  // The pilot as a whole, per rule set of the list (same employees, several formulas).
  const totals = d.ruleSets.ids.map((rules): NationalRollup => {
    const rows = pilots.map((a) => ({ agencyCode: a.code, rules, sums: sums.get(rules)?.get(a.code) ?? emptyAgencySums() }));
    const { sums: _s, ...n } = nationalOf(rules, rows);
    return { ...n, category: categoryUnder(d, rules, n.index.ASN), ranking: [] };
  });
  return { asOf, agencies, totals };
}
