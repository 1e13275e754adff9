/** How `ipasn tail` prints a decoded score event or dead letter: one readable line, or NDJSON. */
import type { DeadLetter, ScoreEvent } from '@ipasn/serde';

export interface Coordinates {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text when they are valid UTF-8, else base64 (and says which). */
export function bytesField(b: Buffer | null): { text: string | null; encoding: 'utf8' | 'base64' } {
  if (b === null) return { text: null, encoding: 'utf8' };
  try {
    return { text: utf8.decode(b), encoding: 'utf8' };
  } catch {
    return { text: b.toString('base64'), encoding: 'base64' };
  }
}

const fixed2 = (n: number): string => n.toFixed(2);

export function scoreLine(s: ScoreEvent): string {
  const d = s.dimensions;
  const moved = s.previousAgencyCode !== null && s.previousAgencyCode !== s.agencyCode ? ` (from ${s.previousAgencyCode})` : '';
  const cause = s.cause.kind === 'EVENT' && s.cause.eventType !== null ? `EVENT ${s.cause.eventType}` : s.cause.kind;
  const gaps = s.dataGaps.length > 0 ? ` gaps=${s.dataGaps.join(',')}` : '';
  return [
    new Date(s.computedAt).toISOString(),
    `${s.agencyCode}${moved}`,
    s.nip,
    s.ruleSet,
    s.employmentType,
    fixed2(s.total),
    s.category,
    `[${d.kualifikasi}/${d.kompetensi}/${d.kinerja}/${d.disiplin}]`,
    `v${s.version}`,
    s.status,
    `asOf=${s.asOf}`,
    `${cause}${gaps}`,
  ].join(' ');
}

const PREVIEW = 160;

export function deadLetterLine(dl: DeadLetter): string {
  const original = bytesField(dl.originalValue);
  const text = original.text ?? '';
  const preview = original.encoding === 'utf8' ? text.replace(/\s+/gu, ' ') : `base64:${text}`;
  return [
    new Date(dl.rejectedAt).toISOString(),
    dl.agencyCode ?? '----',
    dl.reason,
    dl.stage,
    `${dl.sourceTopic}/${dl.sourcePartition}/${dl.sourceOffset}`,
    `id=${dl.eventId ?? '-'}`,
    `type=${dl.eventType ?? '-'}:`,
    dl.message,
    `| ${preview.length > PREVIEW ? `${preview.slice(0, PREVIEW)}…` : preview}`,
  ].join(' ');
}

export function scoreJson(c: Coordinates, s: ScoreEvent): string {
  return JSON.stringify({ ...c, value: s });
}

export function deadLetterJson(c: Coordinates, dl: DeadLetter): string {
  const value = bytesField(dl.originalValue);
  const key = bytesField(dl.originalKey);
  return JSON.stringify({
    ...c,
    // originalSha256 (DeadLetter v2, set when the original was cut at 64 KiB) as hex, as sha256sum prints it.
    value: { ...dl, originalValue: value.text, originalValueEncoding: value.encoding, originalKey: key.text, originalKeyEncoding: key.encoding, originalSha256: dl.originalSha256?.toString('hex') ?? null },
  });
}
