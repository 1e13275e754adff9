/**
 * `normalize`: raw ingress bytes → a canonical event, or a reject with the reason of the first check
 * of events.md that fails. Pure: the agency list and the ingestion time come in the context. It
 * never throws on any input; exceptions are only caught where the platform throws them (bad UTF-8,
 * bad JSON), never raised on the happy path.
 */
import { EVENT_TYPES, REJECT_REASONS, type Agencies, type CanonicalEvent, type RejectReason } from '@ipasn/contracts';
import type { z } from 'zod';
import { jakartaYear } from './calendar.js';
import { agencyNotes, futureNotes, nipNotes, topicNotes, type Note } from './checks.js';
import { EVENT_SCHEMAS } from './envelope.js';
import { quote, typeOf } from './fields.js';

/** Events over this many UTF-8 bytes are MALFORMED (events.md: "over 64 KiB"). */
export const MAX_EVENT_BYTES = 64 * 1024;

export const SPEC_VERSION = '1.0';

export interface NormalizeContext {
  /** The agency list in force. */
  agencies: Agencies;
  /** The normalizer's clock when processing (CLI: its start time or `--now`). Must be a valid Date. */
  ingestionTime: Date;
  /**
   * The agency of the ingress topic the message came from. Undefined: each event is taken as from
   * its own source topic (no AGENCY_MISMATCH possible).
   */
  topicAgency?: string | undefined;
}

/** The reasons the scorer decides (checks 8–10), where the profile is. */
type ScorerRejectReason = 'NOT_OWNER' | 'UNKNOWN_RECORD' | 'TOO_MANY_RECORDS';
const SCORER_REASONS: readonly string[] = ['NOT_OWNER', 'UNKNOWN_RECORD', 'TOO_MANY_RECORDS'] satisfies ScorerRejectReason[];

/** The reasons the normalizer decides (checks 1–7); the later checks are the scorer's, where the profile is. */
export type NormalizerRejectReason = Exclude<RejectReason, ScorerRejectReason>;
export const NORMALIZER_REJECT_REASONS: readonly NormalizerRejectReason[] = REJECT_REASONS.filter(
  (r): r is NormalizerRejectReason => !SCORER_REASONS.includes(r),
);

export interface Reject {
  ok: false;
  reason: NormalizerRejectReason;
  /** Human-readable, naming the bad field paths; never holds the employee's name or NIP. */
  message: string;
  /** The bad field paths (`data.hours`); empty when the event as a whole is at fault. */
  paths: string[];
  /** The raw `id`, `source` and `type` when they are strings, else null (for the DLQ record). */
  id: string | null;
  source: string | null;
  type: string | null;
}

export type NormalizeResult = { ok: true; event: CanonicalEvent } | Reject;

const decoder = new TextDecoder('utf-8', { fatal: true });
const BOM = 0xfeff;

/** UTF-8 length of a string without encoding it (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 2 UTF-16 units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

/** What a reject repeats of the raw event: its `id`, `source` and `type` when they are strings. */
interface Raw {
  id: string | null;
  source: string | null;
  type: string | null;
}

const UNREADABLE: Raw = { id: null, source: null, type: null };

const stringOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function sent(obj: Record<string, unknown>): Raw {
  return { id: stringOrNull(obj.id), source: stringOrNull(obj.source), type: stringOrNull(obj.type) };
}

function reject(reason: NormalizerRejectReason, notes: readonly Note[], raw: Raw): Reject {
  const message = notes.map((n) => (n.path === '' ? n.message : `${n.path}: ${n.message}`)).join('; ');
  const paths = [...new Set(notes.filter((n) => n.path !== '').map((n) => n.path))];
  return { ok: false, reason, message, paths, id: raw.id, source: raw.source, type: raw.type };
}

function malformed(message: string): Reject {
  return reject('MALFORMED', [{ path: '', message }], UNREADABLE);
}

function schemaNotes(error: z.ZodError): Note[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Check 1: the text of the event, or the MALFORMED reject. */
function decode(raw: unknown): string | Reject {
  if (typeof raw === 'string') {
    // Only strings that could be too long are measured: each UTF-16 unit is at most 3 UTF-8 bytes.
    if (raw.length > MAX_EVENT_BYTES / 3) {
      const bytes = raw.length > MAX_EVENT_BYTES ? raw.length : utf8Length(raw);
      if (bytes > MAX_EVENT_BYTES) return malformed(`the event is over ${MAX_EVENT_BYTES} bytes (64 KiB) of UTF-8`);
    }
    return raw.charCodeAt(0) === BOM ? raw.slice(1) : raw;
  }
  if (!(raw instanceof Uint8Array)) return malformed(`expected bytes or a string, got ${typeOf(raw)}`);
  if (raw.byteLength > MAX_EVENT_BYTES) {
    return malformed(`the event is ${raw.byteLength} bytes, over ${MAX_EVENT_BYTES} (64 KiB)`);
  }
  try {
    return decoder.decode(raw); // strips a leading BOM
  } catch {
    return malformed('the event is not valid UTF-8');
  }
}

const JSON_POSITION = /position (\d+)/u;

/** Not valid JSON; a class so that no parsed value can be mistaken for it. */
class NotJson {
  constructor(readonly message: string) {}
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8's message quotes the input, which may hold a name: keep only the position.
    const at = e instanceof Error ? JSON_POSITION.exec(e.message)?.[1] : undefined;
    return new NotJson(at === undefined ? 'the event is not valid JSON' : `the event is not valid JSON (at position ${at})`);
  }
}

/** Raw bytes or text of one ingress event → its canonical form, or the first failing check's reject. */
export function normalize(raw: Uint8Array | string, ctx: NormalizeContext): NormalizeResult {
  const ingestionMs = ctx.ingestionTime.getTime();
  if (Number.isNaN(ingestionMs)) throw new RangeError('normalize: ctx.ingestionTime is an invalid Date');

  // 1 MALFORMED
  const text = decode(raw);
  if (typeof text !== 'string') return text;
  const value = parseJson(text);
  if (value instanceof NotJson) return malformed(value.message);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return malformed(`expected a JSON object, got ${typeOf(value)}`);
  }
  const obj = value as Record<string, unknown>;

  // 2 UNSUPPORTED_TYPE
  const schema = typeof obj.type === 'string' ? EVENT_SCHEMAS.get(obj.type) : undefined;
  if (obj.specversion !== SPEC_VERSION || schema === undefined) {
    const notes: Note[] = [];
    if (obj.specversion !== SPEC_VERSION) {
      notes.push({ path: 'specversion', message: `expected "${SPEC_VERSION}", got ${quote(obj.specversion)}` });
    }
    if (schema === undefined) {
      notes.push({
        path: 'type',
        message: `expected one of ${EVENT_TYPES.join(', ')}, got ${quote(obj.type)}`,
      });
    }
    return reject('UNSUPPORTED_TYPE', notes, sent(obj));
  }

  // 3 SCHEMA_INVALID
  const parsed = schema.safeParse(obj);
  if (!parsed.success) return reject('SCHEMA_INVALID', schemaNotes(parsed.error), sent(obj));
  const event = parsed.data;

  // 4–7
  const ingestionYear = jakartaYear(ingestionMs);
  let notes = nipNotes(event, ingestionYear);
  if (notes.length > 0) return reject('INVALID_NIP', notes, sent(obj));
  notes = agencyNotes(event, ctx.agencies);
  if (notes.length > 0) return reject('UNKNOWN_AGENCY', notes, sent(obj));
  notes = topicNotes(event, ctx.topicAgency);
  if (notes.length > 0) return reject('AGENCY_MISMATCH', notes, sent(obj));
  notes = futureNotes(event, ingestionMs, ingestionYear);
  if (notes.length > 0) return reject('FUTURE_DATED', notes, sent(obj));
  return { ok: true, event };
}
