/**
 * The CSV column mapping of `ipasn publish` (README "CSV columns"): each data row becomes one
 * ingress event, CloudEvents structured JSON exactly as an agency would send it, which is then
 * validated by the shared normalization core like any NDJSON line. Pure: no I/O.
 *
 * - Envelope columns: `id`, `type`, `agency` (or `source`), `nip` (or `subject`), `time`.
 * - Every other column is a `data` field of events.md, by its name. A non-empty cell becomes that
 *   field (a string; `hours`, `year` and `score` become JSON numbers when they are plain numerals);
 *   an empty cell leaves the field out (for an upsert: the optional field is cleared).
 * - Header names match ignoring case, spaces, `_` and `-` (`Employment Type`, `employment_type`).
 */
import { createHash } from 'node:crypto';
import { EVENT_TYPES, type EventType } from '@ipasn/contracts';
import { UsageError } from '../errors.js';

/** The data fields of each type (events.md "Types and payloads"), required ones first. */
export const CSV_DATA_FIELDS: { readonly [T in EventType]: { required: readonly string[]; optional: readonly string[]; signature: string | null } } = {
  'ipasn.employee.upserted': { required: ['name', 'employmentType', 'jobGroup'], optional: ['positionName', 'unitName', 'requiredEducation'], signature: 'employmentType' },
  'ipasn.education.recorded': { required: ['recordId', 'level', 'graduatedOn'], optional: ['institution', 'major'], signature: 'graduatedOn' },
  'ipasn.training.recorded': { required: ['recordId', 'kind', 'hours', 'completedOn'], optional: ['leadershipLevel', 'name'], signature: 'completedOn' },
  'ipasn.appraisal.recorded': { required: ['recordId', 'year'], optional: ['predicate', 'score'], signature: 'year' },
  'ipasn.discipline.recorded': { required: ['recordId', 'level', 'imposedOn'], optional: ['endsOn', 'penalty'], signature: 'imposedOn' },
  'ipasn.record.retracted': { required: ['recordId'], optional: [], signature: null },
  'ipasn.employee.transferred': { required: ['toAgencyCode'], optional: [], signature: 'toAgencyCode' },
  'ipasn.employee.separated': { required: ['reason'], optional: [], signature: 'reason' },
};

const ENVELOPE = {
  id: 'id',
  type: 'type',
  agency: 'agency',
  agencycode: 'agency',
  source: 'source',
  nip: 'subject',
  subject: 'subject',
  time: 'time',
} as const satisfies Record<string, string>;
type EnvelopeColumn = (typeof ENVELOPE)[keyof typeof ENVELOPE];

/** Cells that become JSON numbers when they are plain numerals (events.md also accepts digit strings). */
const NUMERALS: Readonly<Record<string, RegExp>> = { hours: /^\d+$/u, year: /^\d+$/u, score: /^\d+(\.\d+)?$/u };

/** Header name → comparison key: lower case without spaces, `_`, `-` or `.`. */
export function columnKey(name: string): string {
  return name.toLowerCase().replace(/[\s_.-]+/gu, '');
}

const DATA_FIELD_BY_KEY: ReadonlyMap<string, string> = new Map(
  Object.values(CSV_DATA_FIELDS).flatMap((f) => [...f.required, ...f.optional].map((name) => [columnKey(name), name] as const)),
);

/** `ipasn.training.recorded`, `training.recorded` (the `ipasn.` prefix may be left out). */
export function eventTypeOf(cell: string): string {
  const t = cell.trim();
  return t.startsWith('ipasn.') ? t : `ipasn.${t}`;
}

type Column = { kind: 'envelope'; name: EnvelopeColumn } | { kind: 'data'; name: string };

export interface CsvMapperOptions {
  /** `--agency`: the agency of rows without an agency/source cell. */
  agency?: string | undefined;
  /** `--type`: the type of rows without a type cell. */
  type?: string | undefined;
  /** `time` of rows without a time cell (the start time of the run). */
  defaultTime: string;
}

/** The outcome of one data row: the event's JSON text, or why the row is not an event at all. */
export type RowResult = { ok: true; json: string } | { ok: false; message: string };

/** Maps rows of one CSV file, given its header row. The constructor fails with a UsageError (exit 2). */
export class CsvMapper {
  readonly #columns: Column[];
  readonly #options: CsvMapperOptions;
  /** The type of rows without a type cell: `--type`, else inferred from the header. */
  readonly defaultType: string | undefined;

  constructor(header: readonly string[], options: CsvMapperOptions) {
    this.#options = options;
    const unknown: string[] = [];
    const seen = new Map<string, string>();
    this.#columns = header.map((raw) => {
      const key = columnKey(raw.trim());
      const clash = seen.get(key);
      if (clash !== undefined) throw new UsageError(`CSV header: columns "${clash}" and "${raw}" name the same field`);
      seen.set(key, raw);
      const env = (ENVELOPE as Record<string, EnvelopeColumn>)[key];
      if (env !== undefined) return { kind: 'envelope', name: env };
      const field = DATA_FIELD_BY_KEY.get(key);
      if (field === undefined) unknown.push(raw);
      return { kind: 'data', name: field ?? raw };
    });
    if (unknown.length > 0) {
      throw new UsageError(
        `CSV header: unknown column(s) ${unknown.map((u) => JSON.stringify(u)).join(', ')}; expected id, type, agency|source, nip|subject, time and the data fields of events.md (see ipasn publish --help)`,
      );
    }
    const has = (name: EnvelopeColumn): boolean => this.#columns.some((c) => c.kind === 'envelope' && c.name === name);
    if (!has('subject')) throw new UsageError('CSV header: a "nip" (or "subject") column is required');
    if (has('agency') && has('source')) throw new UsageError('CSV header: give either an "agency" or a "source" column, not both');
    if (!has('agency') && !has('source') && options.agency === undefined) {
      throw new UsageError('CSV header: no "agency" (or "source") column: give --agency CODE');
    }
    const dataKeys = new Set(this.#columns.filter((c) => c.kind === 'data').map((c) => c.name));
    const inferred = EVENT_TYPES.filter((t) => {
      const sig = CSV_DATA_FIELDS[t].signature;
      return sig !== null && dataKeys.has(sig);
    });
    if (options.type !== undefined) this.defaultType = eventTypeOf(options.type);
    else if (inferred.length === 1) this.defaultType = inferred[0];
    else if (inferred.length === 0 && dataKeys.size === 1 && dataKeys.has('recordId')) this.defaultType = 'ipasn.record.retracted';
    else if (!has('type')) {
      throw new UsageError(
        inferred.length === 0
          ? 'CSV header: cannot tell the event type from the columns: add a "type" column or give --type'
          : `CSV header: the columns fit several event types (${inferred.join(', ')}): add a "type" column or give --type`,
      );
    }
  }

  get width(): number {
    return this.#columns.length;
  }

  /** One data row (untrimmed cells) → the event's JSON, or why it is not an event. */
  map(cells: readonly string[]): RowResult {
    if (cells.length !== this.#columns.length) {
      return { ok: false, message: `the row has ${cells.length} cells, the header has ${this.#columns.length}` };
    }
    const env: Partial<Record<EnvelopeColumn, string>> = {};
    const data: Record<string, string | number> = {};
    this.#columns.forEach((col, i) => {
      const cell = (cells[i] ?? '').trim();
      if (cell === '') return;
      if (col.kind === 'envelope') env[col.name] = cell;
      else data[col.name] = NUMERALS[col.name]?.test(cell) ? Number(cell) : cell;
    });
    const type = env.type !== undefined ? eventTypeOf(env.type) : this.defaultType;
    const fields = (CSV_DATA_FIELDS as Record<string, { required: readonly string[]; optional: readonly string[] } | undefined>)[type ?? ''];
    // events.md's field order, whatever the column order: the same row always gives the same JSON.
    const order = fields ? [...fields.required, ...fields.optional] : [];
    const ordered: Record<string, string | number> = {};
    for (const f of order) if (f in data) ordered[f] = data[f]!;
    for (const [f, v] of Object.entries(data)) if (!(f in ordered)) ordered[f] = v;
    const agency = env.agency ?? this.#options.agency;
    const source = env.source ?? (agency === undefined ? undefined : `/agencies/${agency}`);
    // Rows without an id get one derived from their cells, so that publishing the same file again
    // sends the same ids (the normalizer drops the copies).
    const id = env.id ?? `csv-${createHash('sha256').update(JSON.stringify([type ?? null, source ?? null, env.subject ?? null, env.time ?? null, ordered])).digest('hex').slice(0, 32)}`;
    const event: Record<string, unknown> = { specversion: '1.0', id };
    if (source !== undefined) event['source'] = source;
    if (type !== undefined) event['type'] = type;
    if (env.subject !== undefined) event['subject'] = env.subject;
    event['time'] = env.time ?? this.#options.defaultTime;
    event['data'] = ordered;
    return { ok: true, json: JSON.stringify(event) };
  }
}

/** The delimiter of a CSV file from its first line: the most frequent of `,` `;` TAB outside quotes (`,` on a tie). */
export function detectDelimiter(firstLine: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d;
  return best;
}
