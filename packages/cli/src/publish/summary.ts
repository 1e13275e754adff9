/** The summary `ipasn publish` prints at the end: a table, or one JSON object with `--json`. */
import type { TopicNames } from '@ipasn/pipeline';
import { orderedReasons, type LocalReject, type PublishCounts } from './planner.js';

/** The counts of the planner (PublishCounts), with the routing folded into `routed`. */
export interface PublishSummary extends Pick<PublishCounts, 'events' | 'emptyLines' | 'valid' | 'duplicates' | 'rejected' | 'heldBack' | 'unroutable'> {
  input: string;
  format: string;
  dryRun: boolean;
  sendInvalid: boolean;
  /** What is sent, or would be in a dry run, per topic. */
  routed: { total: number; byTopic: Record<string, number> };
  /** Messages the broker acknowledged (0 in a dry run). */
  sent: number;
  requests: number;
  /** What the normalizer should write for this input (its checks 1–7 and dedupe, if its clock and agency list agree). */
  expected: { events: number; dlq: number; eventsTopic: string; dlqTopic: string };
  ms: number;
}

export function buildSummary(
  base: { input: string; format: string; dryRun: boolean; sendInvalid: boolean; sent: number; requests: number; ms: number },
  counts: PublishCounts,
  expected: { events: number; dlq: number },
  topics: TopicNames,
): PublishSummary {
  const byTopic = Object.fromEntries(Object.entries(counts.byTopic).sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    input: base.input,
    format: base.format,
    dryRun: base.dryRun,
    sendInvalid: base.sendInvalid,
    events: counts.events,
    emptyLines: counts.emptyLines,
    valid: counts.valid,
    duplicates: counts.duplicates,
    rejected: { total: counts.rejected.total, byReason: Object.fromEntries(orderedReasons(counts.rejected.byReason)) },
    heldBack: counts.heldBack,
    unroutable: counts.unroutable,
    routed: { total: counts.routed, byTopic },
    sent: base.sent,
    requests: base.requests,
    expected: { ...expected, eventsTopic: topics.events, dlqTopic: topics.dlq },
    ms: base.ms,
  };
}

const pad = (s: string, n: number): string => s.padEnd(n);

export function summaryText(s: PublishSummary): string {
  const out: string[] = [];
  const rate = s.ms > 0 ? Math.round((s.events * 1000) / s.ms) : s.events;
  out.push(`${pad('input', 10)} ${s.input} (${s.format}): ${s.events} events${s.emptyLines > 0 ? `, ${s.emptyLines} empty lines skipped` : ''}`);
  out.push(`${pad('valid', 10)} ${s.valid}${s.duplicates > 0 ? ` (${s.duplicates} repeat an earlier event's source and id: the normalizer keeps the first copy)` : ''}`);
  const fates: string[] = [];
  if (s.rejected.total > 0) {
    const sentInvalid = s.rejected.total - s.heldBack;
    if (sentInvalid > 0) fates.push(`${sentInvalid} ${s.dryRun ? 'would be ' : ''}sent for the DLQ`);
    if (s.heldBack - s.unroutable > 0) fates.push(`${s.heldBack - s.unroutable} held back${s.sendInvalid ? '' : ' (--send-invalid sends them)'}`);
    if (s.unroutable > 0) fates.push(`${s.unroutable} unroutable (no known agency to send them to${s.sendInvalid ? '' : ''}; --agency CODE routes them)`);
  }
  out.push(`${pad('rejected', 10)} ${s.rejected.total}${fates.length > 0 ? `: ${fates.join(', ')}` : ''}`);
  for (const [reason, n] of Object.entries(s.rejected.byReason)) out.push(`  ${pad(reason, 18)} ${String(n).padStart(8)}`);
  out.push(`${pad(s.dryRun ? 'would send' : 'sent', 10)} ${s.dryRun ? s.routed.total : s.sent}${s.dryRun ? ' (dry run: nothing sent)' : ` in ${s.requests} requests`}`);
  const width = Math.max(0, ...Object.keys(s.routed.byTopic).map((t) => t.length));
  for (const [topic, n] of Object.entries(s.routed.byTopic)) out.push(`  ${pad(topic, width)} ${String(n).padStart(8)}`);
  out.push(
    `${pad('expected', 10)} ${s.expected.events} on ${s.expected.eventsTopic}, ${s.expected.dlq} on ${s.expected.dlqTopic} (checks 1–7; the scorer may still reject NOT_OWNER and UNKNOWN_RECORD)`,
  );
  out.push(`${pad('took', 10)} ${(s.ms / 1000).toFixed(1)} s, ${rate} events/s`);
  return `${out.join('\n')}\n`;
}

export function rejectText(r: LocalReject): string {
  const fate = r.fate === 'sent' ? 'sent for the DLQ' : r.fate === 'held' ? 'held back' : 'unroutable, not sent';
  return `line ${r.line}: ${r.reason} ${r.message} [${fate}]`;
}
