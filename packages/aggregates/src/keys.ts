/**
 * The Redis layout of agency aggregates and the encoding of one employee's contribution. Pure.
 *
 * Every key of an agency carries the agency's hash tag `{<code>}`, so one Lua call touches one slot
 * (Redis Cluster ready):
 *
 *   <prefix>agg:{<code>}:<rules>:sums   hash  `<PNS|PPPK>:<field>` → integer (quarter points, counts)
 *   <prefix>agg:{<code>}:<rules>:emp    hash  NIP → contribution or tombstone (below)
 *   <prefix>agg:{<code>}:meta           hash  lastEventAt, lastScoredAt (epoch ms)
 *   <prefix>agg:agencies                set   agency codes ever written (an index, not a rollup)
 *
 * A sums field that reaches 0 is deleted, so an agency nobody is counted in has no sums key and an
 * absent field reads as 0. The national rollup and the ranking are computed on read.
 */
import { CATEGORIES, EMPLOYMENT_TYPES, isRuleSetId, type Category, type EmploymentType } from '@ipasn/contracts';
import { emptyAgencySums, quarterPoints, type AgencySums, type GroupSums } from '@ipasn/rules';
import type { ScoreEvent } from '@ipasn/serde';

export interface AgencyKeys {
  /** The sums of one agency and rule set. */
  sums: string;
  /** Contributions and tombstones of one agency and rule set, by NIP. */
  emp: string;
  /** Per agency, all rule sets: last event and last score time. */
  meta: string;
}

const AGENCY_CODE = /^[0-9A-Z]{4}$/u;

export function isAgencyCode(code: string): boolean {
  return AGENCY_CODE.test(code);
}

/** Rule-set ids go into key names: no hash-tag braces, separators or glob characters (the contracts' pattern). */
export function isRuleSetName(rules: string): boolean {
  return isRuleSetId(rules);
}

export function agencyKeys(prefix: string, agencyCode: string, rules: string): AgencyKeys {
  if (!isAgencyCode(agencyCode)) throw new RangeError(`not an agency code: ${JSON.stringify(agencyCode)}`);
  if (!isRuleSetName(rules)) throw new RangeError(`not a rule-set id: ${JSON.stringify(rules)}`);
  const base = `${prefix}agg:{${agencyCode}}`;
  return { sums: `${base}:${rules}:sums`, emp: `${base}:${rules}:emp`, meta: metaKey(prefix, agencyCode) };
}

export function metaKey(prefix: string, agencyCode: string): string {
  if (!isAgencyCode(agencyCode)) throw new RangeError(`not an agency code: ${JSON.stringify(agencyCode)}`);
  return `${prefix}agg:{${agencyCode}}:meta`;
}

export function agencyIndexKey(prefix: string): string {
  return `${prefix}agg:agencies`;
}

/** The SCAN pattern of every aggregate key under `prefix` (glob characters in the prefix escaped). */
export function aggregatePattern(prefix: string): string {
  return `${escapeGlob(prefix)}agg:*`;
}

/** The SCAN pattern of every key that carries an agency hash tag. */
export function agencyScanPattern(prefix: string): string {
  return `${escapeGlob(prefix)}agg:{*`;
}

export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/gu, '\\$&');
}

/** What one employee adds to an agency's sums under one rule set, in quarter points. */
export interface Contribution {
  version: number;
  employmentType: EmploymentType;
  totalQ: number;
  dimQ: GroupSums['dimQ'];
  category: Category;
  hasGaps: boolean;
}

/** A stored entry: a contribution, or a tombstone remembering the version that removed it. */
export type StoredEntry = { kind: 'contribution'; contribution: Contribution } | { kind: 'tombstone'; version: number };

const SEP = '|';
const TOMBSTONE = '-';

/**
 * `<version>|<PNS|PPPK>|<totalQ>|<kualifikasiQ>|<kompetensiQ>|<kinerjaQ>|<disiplinQ>|<category>|<0|1>`.
 * apply-3.lua parses exactly this; keep them together.
 */
export function encodeContribution(c: Contribution): string {
  const d = c.dimQ;
  return [c.version, c.employmentType, c.totalQ, d.kualifikasi, d.kompetensi, d.kinerja, d.disiplin, c.category, c.hasGaps ? 1 : 0].join(SEP);
}

/** `<version>|-` */
export function encodeTombstone(version: number): string {
  return `${version}${SEP}${TOMBSTONE}`;
}

function int(s: string | undefined, what: string): number {
  const n = Number(s);
  if (s === undefined || s === '' || !Number.isSafeInteger(n)) throw new RangeError(`bad ${what} in stored entry: ${JSON.stringify(s)}`);
  return n;
}

export function decodeEntry(raw: string): StoredEntry {
  const f = raw.split(SEP);
  const version = int(f[0], 'version');
  if (f[1] === TOMBSTONE && f.length === 2) return { kind: 'tombstone', version };
  if (f.length !== 9) throw new RangeError(`stored entry has ${f.length} fields: ${JSON.stringify(raw)}`);
  const employmentType = f[1] as EmploymentType;
  const category = f[7] as Category;
  if (!EMPLOYMENT_TYPES.includes(employmentType)) throw new RangeError(`bad employment type in stored entry: ${JSON.stringify(f[1])}`);
  if (!CATEGORIES.includes(category)) throw new RangeError(`bad category in stored entry: ${JSON.stringify(f[7])}`);
  if (f[8] !== '0' && f[8] !== '1') throw new RangeError(`bad gap flag in stored entry: ${JSON.stringify(f[8])}`);
  return {
    kind: 'contribution',
    contribution: {
      version,
      employmentType,
      totalQ: int(f[2], 'totalQ'),
      dimQ: { kualifikasi: int(f[3], 'kualifikasiQ'), kompetensi: int(f[4], 'kompetensiQ'), kinerja: int(f[5], 'kinerjaQ'), disiplin: int(f[6], 'disiplinQ') },
      category,
      hasGaps: f[8] === '1',
    },
  };
}

/** The contribution of an ACTIVE score event (throws RangeError on a non-quarter-point value). */
export function contributionOf(e: ScoreEvent): Contribution {
  return {
    version: e.version,
    employmentType: e.employmentType,
    totalQ: quarterPoints(e.total),
    dimQ: {
      kualifikasi: quarterPoints(e.dimensions.kualifikasi),
      kompetensi: quarterPoints(e.dimensions.kompetensi),
      kinerja: quarterPoints(e.dimensions.kinerja),
      disiplin: quarterPoints(e.dimensions.disiplin),
    },
    category: e.category,
    hasGaps: e.dataGaps.length > 0,
  };
}

/** One Lua call: write `entry` for `nip` on one agency and rule set if its stored version is older. */
export interface Leg {
  agencyCode: string;
  rules: string;
  nip: string;
  version: number;
  /** An encoded contribution (ACTIVE on the current agency) or tombstone (REMOVED, or the agency left). */
  entry: string;
  role: 'current' | 'previous';
}

/**
 * The Lua calls a score event needs, previous agency first: a transfer is a remove on the agency the
 * employee left and a replace on the one they joined; a separation is a remove on the current one.
 */
export function legsOf(e: ScoreEvent): Leg[] {
  const legs: Leg[] = [];
  const base = { rules: e.ruleSet, nip: e.nip, version: e.version };
  if (e.previousAgencyCode !== null && e.previousAgencyCode !== e.agencyCode) {
    legs.push({ ...base, agencyCode: e.previousAgencyCode, entry: encodeTombstone(e.version), role: 'previous' });
  }
  const entry = e.status === 'ACTIVE' ? encodeContribution(contributionOf(e)) : encodeTombstone(e.version);
  legs.push({ ...base, agencyCode: e.agencyCode, entry, role: 'current' });
  return legs;
}

/** Why a score event cannot be projected (it is skipped and counted), or null when it can. */
export function invalidReason(e: ScoreEvent): string | null {
  if (!isAgencyCode(e.agencyCode)) return 'agency code';
  if (e.previousAgencyCode !== null && !isAgencyCode(e.previousAgencyCode)) return 'previous agency code';
  if (!isRuleSetName(e.ruleSet)) return 'rule set';
  if (!Number.isSafeInteger(e.version) || e.version < 0) return 'version';
  if (e.status === 'ACTIVE') {
    try {
      contributionOf(e);
    } catch {
      return 'not quarter points';
    }
  }
  return null;
}

const SUM_FIELDS = ['n', 'total', 'kualifikasi', 'kompetensi', 'kinerja', 'disiplin', 'gaps'] as const;

/** Every field name a sums hash can hold. */
export const SUMS_HASH_FIELDS: readonly string[] = EMPLOYMENT_TYPES.flatMap((t) => [
  ...SUM_FIELDS.map((f) => `${t}:${f}`),
  ...CATEGORIES.map((c) => `${t}:c:${c}`),
]);

/** A sums hash (HGETALL) as AgencySums; absent fields are 0, unknown fields are an error. */
export function parseSums(hash: Record<string, string>): AgencySums {
  const sums = emptyAgencySums();
  for (const [field, value] of Object.entries(hash)) {
    const n = int(value, field);
    const [type, rawName, cat] = field.split(':') as [string, string | undefined, string | undefined];
    const name = rawName ?? '';
    if (!EMPLOYMENT_TYPES.includes(type as EmploymentType)) throw new RangeError(`unknown sums field ${field}`);
    const g = sums[type as EmploymentType];
    switch (name) {
      case 'n':
        g.headcount = n;
        break;
      case 'total':
        g.totalQ = n;
        break;
      case 'kualifikasi':
      case 'kompetensi':
      case 'kinerja':
      case 'disiplin':
        g.dimQ[name] = n;
        break;
      case 'gaps':
        g.dataGaps = n;
        break;
      case 'c':
        if (!CATEGORIES.includes(cat as Category)) throw new RangeError(`unknown sums field ${field}`);
        g.categories[cat as Category] = n;
        break;
      default:
        throw new RangeError(`unknown sums field ${field}`);
    }
  }
  return sums;
}

/** The inverse of parseSums, without zero fields (what the Lua script leaves in Redis). */
export function sumsToHash(sums: AgencySums): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of EMPLOYMENT_TYPES) {
    const g = sums[t];
    const put = (f: string, v: number): void => {
      if (v !== 0) out[`${t}:${f}`] = v;
    };
    put('n', g.headcount);
    put('total', g.totalQ);
    put('kualifikasi', g.dimQ.kualifikasi);
    put('kompetensi', g.dimQ.kompetensi);
    put('kinerja', g.dimQ.kinerja);
    put('disiplin', g.dimQ.disiplin);
    put('gaps', g.dataGaps);
    for (const c of CATEGORIES) put(`c:${c}`, g.categories[c]);
  }
  return out;
}
