/**
 * What a `viewer` sees of a dead letter: NIPs and personal names masked (design.md, Security: the
 * console shows rejects to people who need not know whom they concern). Pure, on text, so it covers
 * a JSON original as received, a malformed one that is not JSON at all, a decoded Avro event, the
 * key and the reject message alike, keeping the layout an operator needs to judge the reject.
 */
export const MASK = '•';

/** `198501012010011001` → `1985••••••••••••01`: enough to tell records apart, not to identify. */
export function maskDigits(run: string): string {
  const [head, tail] = run.length >= 12 ? [4, 2] : [1, 1];
  return run.slice(0, head) + MASK.repeat(run.length - head - tail) + run.slice(run.length - tail);
}

/** Runs of 8 or more digits (a NIP, a shortened or mistyped one, a national id number). */
const DIGIT_RUN = /\d{8,}/gu;
/** `"name": "…"` and its spellings, the JSON string included (escapes respected). */
const NAME_FIELD = /("(?:name|nama|fullName|full_name|namaLengkap|nama_lengkap|employeeName)"\s*:\s*)"(?:[^"\\]|\\.)*"/giu;
export const NAME_PLACEHOLDER = '(nama disamarkan)';

export function maskText(text: string): string {
  return text.replace(NAME_FIELD, (_m, lead: string) => `${lead}"${NAME_PLACEHOLDER}"`).replace(DIGIT_RUN, maskDigits);
}

export function maskNullable(text: string | null): string | null {
  return text === null ? null : maskText(text);
}
