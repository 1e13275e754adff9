/**
 * The report: the latest score per NIP and rule set, and per-agency aggregates computed from it.
 * Pure (no I/O): the CSV text in and out is handled here, the files by main.ts.
 *
 * Idempotency: a score event carries a per-employee `version` that only grows (shared by all rule
 * sets, reused when the same score is emitted again after a redelivery). A row is replaced only by
 * an event with a version at least as high, so duplicates, replays and reading `ipasn.scores` and
 * `ipasn.scores.latest` in any mix give the same report.
 */

/** The fields of ScoreEvent (schemas/ipasn.scores/ScoreEvent.v2.avsc) this report uses. */
export interface ScoreEvent {
  nip: string;
  agencyCode: string;
  employmentType: 'PNS' | 'PPPK';
  ruleSet: string;
  ruleSetVersion: string;
  status: 'ACTIVE' | 'REMOVED';
  total: number;
  category: string;
  dimensions: { kualifikasi: number; kompetensi: number; kinerja: number; disiplin: number };
  dataGaps: string[];
  version: number;
  asOf: string;
  computedAt: number;
  /** null when written with ScoreEvent v1. */
  jobGroup: string | null;
}

export type Row = Pick<ScoreEvent, 'nip' | 'ruleSet' | 'agencyCode' | 'employmentType' | 'jobGroup' | 'status' | 'total' | 'category' | 'dimensions' | 'dataGaps' | 'version' | 'ruleSetVersion' | 'asOf' | 'computedAt'>;

export const CATEGORIES = ['SANGAT_TINGGI', 'TINGGI', 'SEDANG', 'RENDAH', 'SANGAT_RENDAH'] as const;
const DIMENSIONS = ['kualifikasi', 'kompetensi', 'kinerja', 'disiplin'] as const;

export const SCORE_COLUMNS = [
  'nip',
  'ruleSet',
  'agencyCode',
  'employmentType',
  'jobGroup',
  'status',
  'total',
  'category',
  ...DIMENSIONS,
  'dataGaps',
  'version',
  'ruleSetVersion',
  'asOf',
  'computedAt',
] as const;

export const AGENCY_COLUMNS = [
  'agencyCode',
  'ruleSet',
  'headcountPNS',
  'headcountPPPK',
  'headcount',
  'indexPNS',
  'indexPPPK',
  'indexASN',
  ...DIMENSIONS,
  ...CATEGORIES,
  'dataGaps',
] as const;

export class Report {
  readonly #rows = new Map<string, Row>();
  /** Events applied / ignored as older than what the report holds. */
  applied = 0;
  stale = 0;

  get size(): number {
    return this.#rows.size;
  }

  /** Applies one score event; returns false when the report already holds a newer version. */
  apply(e: ScoreEvent): boolean {
    const key = `${e.nip}:${e.ruleSet}`;
    const held = this.#rows.get(key);
    if (held && held.version > e.version) {
      this.stale += 1;
      return false;
    }
    this.#rows.set(key, {
      nip: e.nip,
      ruleSet: e.ruleSet,
      agencyCode: e.agencyCode,
      employmentType: e.employmentType,
      jobGroup: e.jobGroup,
      status: e.status,
      total: e.total,
      category: e.category,
      dimensions: { ...e.dimensions },
      dataGaps: [...e.dataGaps],
      version: e.version,
      ruleSetVersion: e.ruleSetVersion,
      asOf: e.asOf,
      computedAt: e.computedAt,
    });
    this.applied += 1;
    return true;
  }

  /** Rows sorted by NIP then rule set (REMOVED ones included: they keep stale events out). */
  rows(): Row[] {
    return [...this.#rows.values()].sort((a, b) => cmp(a.nip, b.nip) || cmp(a.ruleSet, b.ruleSet));
  }

  /** `scores.csv`. */
  scoresCsv(): string {
    const lines = [csvLine(SCORE_COLUMNS)];
    for (const r of this.rows()) {
      const d = r.dimensions;
      lines.push(
        csvLine([r.nip, r.ruleSet, r.agencyCode, r.employmentType, r.jobGroup ?? '', r.status, r.total, r.category, d.kualifikasi, d.kompetensi, d.kinerja, d.disiplin, r.dataGaps.join(';'), r.version, r.ruleSetVersion, r.asOf, new Date(r.computedAt).toISOString()]),
      );
    }
    return lines.join('');
  }

  /** `agencies.csv`: one line per agency and rule set with at least one ACTIVE employee. */
  agenciesCsv(): string {
    return [csvLine(AGENCY_COLUMNS), ...aggregate(this.rows()).map((a) => csvLine(agencyCells(a)))].join('');
  }

  /** Restores the report from a `scores.csv` it wrote (how a restart resumes). */
  static fromScoresCsv(text: string): Report {
    const report = new Report();
    const [header, ...records] = parseCsv(text);
    if (!header || header.join(',') !== SCORE_COLUMNS.join(',')) throw new Error('not a scores.csv written by this consumer (unexpected header)');
    for (const cells of records) {
      const col = (name: (typeof SCORE_COLUMNS)[number]): string => cells[SCORE_COLUMNS.indexOf(name)] ?? '';
      report.apply({
        nip: col('nip'),
        ruleSet: col('ruleSet'),
        agencyCode: col('agencyCode'),
        employmentType: col('employmentType') as Row['employmentType'],
        jobGroup: col('jobGroup') === '' ? null : col('jobGroup'),
        status: col('status') as Row['status'],
        total: Number(col('total')),
        category: col('category'),
        dimensions: { kualifikasi: Number(col('kualifikasi')), kompetensi: Number(col('kompetensi')), kinerja: Number(col('kinerja')), disiplin: Number(col('disiplin')) },
        dataGaps: col('dataGaps') === '' ? [] : col('dataGaps').split(';'),
        version: Number(col('version')),
        ruleSetVersion: col('ruleSetVersion'),
        asOf: col('asOf'),
        computedAt: Date.parse(col('computedAt')),
      });
    }
    report.applied = 0;
    return report;
  }
}

// --- aggregates --------------------------------------------------------------------------------
interface Group {
  headcount: number;
  /** Sums in quarter points: every total and dimension is a multiple of 0.25, so these are exact integers. */
  totalQ: number;
  dimQ: Record<(typeof DIMENSIONS)[number], number>;
}

export interface AgencyAggregate {
  agencyCode: string;
  ruleSet: string;
  PNS: Group;
  PPPK: Group;
  categories: Record<(typeof CATEGORIES)[number], number>;
  dataGaps: number;
}

const newGroup = (): Group => ({ headcount: 0, totalQ: 0, dimQ: { kualifikasi: 0, kompetensi: 0, kinerja: 0, disiplin: 0 } });

/** Per agency and rule set, over ACTIVE rows: the exact sums the means are computed from. */
export function aggregate(rows: readonly Row[]): AgencyAggregate[] {
  const byKey = new Map<string, AgencyAggregate>();
  for (const r of rows) {
    if (r.status !== 'ACTIVE') continue;
    const key = `${r.agencyCode}:${r.ruleSet}`;
    let a = byKey.get(key);
    if (!a) {
      a = { agencyCode: r.agencyCode, ruleSet: r.ruleSet, PNS: newGroup(), PPPK: newGroup(), categories: { SANGAT_TINGGI: 0, TINGGI: 0, SEDANG: 0, RENDAH: 0, SANGAT_RENDAH: 0 }, dataGaps: 0 };
      byKey.set(key, a);
    }
    const g = a[r.employmentType];
    g.headcount += 1;
    g.totalQ += Math.round(r.total * 4);
    for (const d of DIMENSIONS) g.dimQ[d] += Math.round(r.dimensions[d] * 4);
    if (r.category in a.categories) a.categories[r.category as (typeof CATEGORIES)[number]] += 1;
    if (r.dataGaps.length > 0) a.dataGaps += 1;
  }
  return [...byKey.values()].sort((x, y) => cmp(x.agencyCode, y.agencyCode) || cmp(x.ruleSet, y.ruleSet));
}

/**
 * sumQ / (4 · count) rounded half up to 2 decimals, in integers (floating point gets ties wrong:
 * (81.395).toFixed(2) is "81.39"): hundredths = floor((50 · sumQ + count) / (2 · count)).
 */
export function meanOf(sumQ: number, count: number): number | null {
  if (count === 0) return null;
  return Number((BigInt(50 * sumQ + count) / BigInt(2 * count)).toString()) / 100;
}

function agencyCells(a: AgencyAggregate): (string | number | null)[] {
  const n = a.PNS.headcount + a.PPPK.headcount;
  return [
    a.agencyCode,
    a.ruleSet,
    a.PNS.headcount,
    a.PPPK.headcount,
    n,
    meanOf(a.PNS.totalQ, a.PNS.headcount),
    meanOf(a.PPPK.totalQ, a.PPPK.headcount),
    meanOf(a.PNS.totalQ + a.PPPK.totalQ, n),
    ...DIMENSIONS.map((d) => meanOf(a.PNS.dimQ[d] + a.PPPK.dimQ[d], n)),
    ...CATEGORIES.map((c) => a.categories[c]),
    a.dataGaps,
  ];
}

// --- CSV ---------------------------------------------------------------------------------------
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s;
}

function csvLine(cells: readonly (string | number | null)[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** RFC 4180 (what csvLine writes): quoted fields may hold commas, quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
