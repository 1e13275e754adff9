/**
 * Generated NDJSON as an agency's CSV export: one row per event whose fields CSV can carry (string
 * or number values, known data fields, spec version 1.0), with a `type` column and the union of
 * the data columns; other lines are left out.
 */
import { CSV_DATA_FIELDS } from '../src/publish/csv.js';

const ENVELOPE = ['id', 'type', 'source', 'subject', 'time'] as const;
const DATA = [...new Set(Object.values(CSV_DATA_FIELDS).flatMap((f) => [...f.required, ...f.optional]))];

function field(v: unknown): string {
  const s = typeof v === 'number' ? String(v) : (v as string);
  return /[",\r\n]/u.test(s) || s !== s.trim() ? `"${s.replace(/"/gu, '""')}"` : s;
}

/** One CSV row for an NDJSON line, or undefined when CSV cannot carry it. */
export function csvRow(line: string): string | undefined {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined;
  const o = e as Record<string, unknown>;
  if (o['specversion'] !== '1.0' || typeof o['data'] !== 'object' || o['data'] === null || Array.isArray(o['data'])) return undefined;
  const data = o['data'] as Record<string, unknown>;
  const ok = (v: unknown): boolean => v === undefined || (typeof v === 'string' && v !== '' && !/^\s|\s$/u.test(v)) || (typeof v === 'number' && Number.isFinite(v));
  if (!ENVELOPE.every((k) => ok(o[k])) || !Object.entries(data).every(([k, v]) => DATA.includes(k) && ok(v))) return undefined;
  return [...ENVELOPE.map((k) => (o[k] === undefined ? '' : field(o[k]))), ...DATA.map((k) => (data[k] === undefined ? '' : field(data[k])))].join(',');
}

export const CSV_HEADER = [...ENVELOPE, ...DATA].join(',');
