/**
 * `ipasn report` output: JSON (the whole report), CSV (one table: the agency's summary per rule set,
 * or with `--employees` the employees' scores) and Markdown (both tables, for humans).
 */
import { CATEGORIES } from '@ipasn/contracts';
import type { AgencySummary } from '@ipasn/rules';
import type { ScoreEvent } from '@ipasn/serde';

export const REPORT_FORMATS = ['csv', 'json', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportMeta {
  agencyCode: string;
  agencyName: string | null;
  /** The topic read. */
  source: string;
  generatedAt: string;
  /** Messages read from the topic, and those that were not score events. */
  messages: number;
  undecodable: number;
  /** Range of the evaluation dates and computation times of the scores counted (null when none). */
  asOf: { min: string; max: string } | null;
  computedAt: { min: string; max: string } | null;
}

/** An employee's current score: `ipasn score`'s employee line plus what the score event adds. */
export interface EmployeeRow {
  nip: string;
  agencyCode: string;
  employmentType: string;
  jobGroup: string | null;
  rules: string;
  total: number;
  category: string;
  dimensions: ScoreEvent['dimensions'];
  dataGaps: string[];
  version: number;
  ruleSetVersion: string;
  asOf: string;
  computedAt: string;
}

export function employeeRow(e: ScoreEvent): EmployeeRow {
  return {
    nip: e.nip,
    agencyCode: e.agencyCode,
    employmentType: e.employmentType,
    jobGroup: e.jobGroup,
    rules: e.ruleSet,
    total: e.total,
    category: e.category,
    dimensions: e.dimensions,
    dataGaps: e.dataGaps,
    version: e.version,
    ruleSetVersion: e.ruleSetVersion,
    asOf: e.asOf,
    computedAt: new Date(e.computedAt).toISOString(),
  };
}

export function reportMeta(base: Omit<ReportMeta, 'asOf' | 'computedAt'>, employees: readonly ScoreEvent[]): ReportMeta {
  if (employees.length === 0) return { ...base, asOf: null, computedAt: null };
  let [aMin, aMax, cMin, cMax] = [employees[0]!.asOf, employees[0]!.asOf, employees[0]!.computedAt, employees[0]!.computedAt];
  for (const e of employees) {
    if (e.asOf < aMin) aMin = e.asOf;
    if (e.asOf > aMax) aMax = e.asOf;
    if (e.computedAt < cMin) cMin = e.computedAt;
    if (e.computedAt > cMax) cMax = e.computedAt;
  }
  return { ...base, asOf: { min: aMin, max: aMax }, computedAt: { min: new Date(cMin).toISOString(), max: new Date(cMax).toISOString() } };
}

/** RFC 4180 field: quoted when it holds a delimiter, quote or line break. */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s;
}

const csvLine = (cells: readonly (string | number | null)[]): string => `${cells.map(csvField).join(',')}\r\n`;

export const SUMMARY_COLUMNS = [
  'agencyCode',
  'rules',
  'headcountPNS',
  'headcountPPPK',
  'headcount',
  'indexPNS',
  'indexPPPK',
  'indexASN',
  'kualifikasi',
  'kompetensi',
  'kinerja',
  'disiplin',
  ...CATEGORIES,
  'dataGaps',
] as const;

function summaryCells(s: AgencySummary): (string | number | null)[] {
  return [
    s.agencyCode,
    s.rules,
    s.headcount.PNS,
    s.headcount.PPPK,
    s.headcount.total,
    s.index.PNS,
    s.index.PPPK,
    s.index.ASN,
    s.dimensions.kualifikasi,
    s.dimensions.kompetensi,
    s.dimensions.kinerja,
    s.dimensions.disiplin,
    ...CATEGORIES.map((c) => s.categories[c]),
    s.dataGaps,
  ];
}

export const EMPLOYEE_COLUMNS = [
  'nip',
  'agencyCode',
  'employmentType',
  'jobGroup',
  'rules',
  'total',
  'category',
  'kualifikasi',
  'kompetensi',
  'kinerja',
  'disiplin',
  'dataGaps',
  'version',
  'ruleSetVersion',
  'asOf',
  'computedAt',
] as const;

function employeeCells(e: EmployeeRow): (string | number | null)[] {
  const d = e.dimensions;
  return [e.nip, e.agencyCode, e.employmentType, e.jobGroup, e.rules, e.total, e.category, d.kualifikasi, d.kompetensi, d.kinerja, d.disiplin, e.dataGaps.join(';'), e.version, e.ruleSetVersion, e.asOf, e.computedAt];
}

export function* renderCsv(summaries: readonly AgencySummary[], employees: readonly EmployeeRow[] | undefined): Generator<string> {
  if (employees === undefined) {
    yield csvLine(SUMMARY_COLUMNS);
    for (const s of summaries) yield csvLine(summaryCells(s));
    return;
  }
  yield csvLine(EMPLOYEE_COLUMNS);
  for (const e of employees) yield csvLine(employeeCells(e));
}

export function renderJson(meta: ReportMeta, summaries: readonly AgencySummary[], employees: readonly EmployeeRow[] | undefined): string {
  return `${JSON.stringify({ ...meta, summaries, ...(employees ? { employees } : {}) }, null, 2)}\n`;
}

const mdCell = (v: string | number | null): string => (v === null ? '–' : String(v).replace(/\|/gu, '\\|'));
const mdRow = (cells: readonly (string | number | null)[]): string => `| ${cells.map(mdCell).join(' | ')} |\n`;

export function* renderMarkdown(meta: ReportMeta, summaries: readonly AgencySummary[], employees: readonly EmployeeRow[] | undefined): Generator<string> {
  yield `# IP ASN — ${meta.agencyName ?? 'agency'} (${meta.agencyCode})\n\n`;
  const when = meta.asOf === null ? 'no scores' : meta.asOf.min === meta.asOf.max ? `as of ${meta.asOf.min}` : `as of ${meta.asOf.min} to ${meta.asOf.max}`;
  yield `Current scores from \`${meta.source}\` (${when}; generated ${meta.generatedAt}).\n\n`;
  yield '| rule set | PNS | PPPK | ASN | index PNS | index PPPK | index ASN | kualifikasi | kompetensi | kinerja | disiplin | with data gaps |\n';
  yield '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n';
  for (const s of summaries) {
    const d = s.dimensions;
    yield mdRow([s.rules, s.headcount.PNS, s.headcount.PPPK, s.headcount.total, s.index.PNS, s.index.PPPK, s.index.ASN, d.kualifikasi, d.kompetensi, d.kinerja, d.disiplin, s.dataGaps]);
  }
  yield `\n| rule set | ${CATEGORIES.join(' | ')} |\n|---|${CATEGORIES.map(() => '--:').join('|')}|\n`;
  for (const s of summaries) yield mdRow([s.rules, ...CATEGORIES.map((c) => s.categories[c])]);
  if (employees === undefined) return;
  yield `\n## Employees (${new Set(employees.map((e) => e.nip)).size})\n\n`;
  yield '| NIP | type | job group | rule set | total | category | kualifikasi | kompetensi | kinerja | disiplin | data gaps |\n';
  yield '|---|---|---|---|--:|---|--:|--:|--:|--:|---|\n';
  for (const e of employees) {
    const d = e.dimensions;
    yield mdRow([e.nip, e.employmentType, e.jobGroup, e.rules, e.total, e.category, d.kualifikasi, d.kompetensi, d.kinerja, d.disiplin, e.dataGaps.join(', ')]);
  }
}
