/**
 * The ingress message key of an event that failed validation: the digits of its `subject`, or
 * null. Accepted events are keyed by their normalized NIP; a reject keyed this way lands where the
 * employee's other events are whenever its subject is readable at all.
 */
const SUBJECT = /"subject"\s*:\s*"([^"]*)"/u;

export function subjectKey(bytes: Buffer): string | null {
  const text = bytes.toString('utf8');
  let subject: unknown;
  try {
    const v = JSON.parse(text) as unknown;
    subject = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)['subject'] : undefined;
  } catch {
    subject = SUBJECT.exec(text)?.[1];
  }
  if (typeof subject !== 'string' && typeof subject !== 'number') return null;
  const digits = String(subject).replace(/\D/gu, '');
  return digits.length > 0 ? digits : null;
}
