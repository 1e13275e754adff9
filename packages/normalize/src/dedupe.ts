/**
 * The idempotency key of events.md ("Duplicates"): (`source`, `id`). Only events that passed checks
 * 1–7 are deduplicated, so `source` is canonical (`/agencies/<code>`, never holding `|`) and the key
 * is unambiguous.
 */
export function dedupeKey(event: { source: string; id: string }): string {
  return `${event.source}|${event.id}`;
}
