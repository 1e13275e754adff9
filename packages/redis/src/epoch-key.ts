/** The epoch marker's key (epoch.ts), apart so that applied.ts can name it without a cycle. */
export function epochKey(prefix: string): string {
  return `${prefix}epoch`;
}
