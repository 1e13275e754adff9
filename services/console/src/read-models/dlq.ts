/**
 * The DLQ page's read model (GET /api/dlq), pure: the rejects of a page with their redrive records,
 * and for a `viewer` every NIP and personal name masked — in the key, the message and the original
 * (security/mask.ts). Operators, who redrive, see the original as it was received.
 */
import { REJECT_REASONS } from '@ipasn/contracts';
import type { Role } from '../auth/users.js';
import type { DlqItem, DlqPage } from '../dlq.js';
import type { RedriveRecord } from '../redrive.js';
import { maskNullable, maskText } from '../security/mask.js';

export type DlqItemView = DlqItem & { redrive: RedriveRecord | null };
export type DlqPageView = DlqPage & { items: DlqItemView[]; reasons: string[] };

export function maskItem(item: DlqItem): DlqItem {
  return { ...item, key: maskNullable(item.key), eventId: maskNullable(item.eventId), message: maskText(item.message), original: maskText(item.original) };
}

/** Whether a role sees personal data in rejects. */
export const seesPersonalData = (role: Role): boolean => role === 'operator';

export function dlqPageView(page: DlqPage, records: ReadonlyMap<string, RedriveRecord>, role: Role): DlqPageView {
  const show = seesPersonalData(role) ? (i: DlqItem) => i : maskItem;
  return { ...page, items: page.items.map((i) => ({ ...show(i), redrive: records.get(i.id) ?? null })), reasons: [...REJECT_REASONS] };
}
