/**
 * The pure parts of the suite: quantiles from Prometheus histogram buckets, CPU and memory figures
 * from /proc text, and the Markdown table. Unit-tested in test/stats.test.ts.
 */

/** One cumulative bucket of a Prometheus histogram: the count of observations ≤ `le`. */
export interface Bucket {
  le: number;
  count: number;
}

/** The buckets of `name` (all label sets summed per `le`), from Prometheus text, ascending by le. */
export function histogramBuckets(text: string, name: string): Bucket[] {
  const byLe = new Map<number, number>();
  const re = new RegExp(`^${name}_bucket\\{([^}]*)\\}\\s+(\\S+)`, 'u');
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const le = /(?:^|,)le="([^"]+)"/u.exec(m[1] ?? '')?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    byLe.set(bound, (byLe.get(bound) ?? 0) + Number(m[2]));
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** `after − before` bucket by bucket (the observations made between two scrapes). */
export function bucketDelta(after: readonly Bucket[], before: readonly Bucket[]): Bucket[] {
  const prior = new Map(before.map((b) => [b.le, b.count]));
  return after.map((b) => ({ le: b.le, count: b.count - (prior.get(b.le) ?? 0) }));
}

/**
 * The q-quantile (0 < q ≤ 1) of cumulative buckets, interpolated linearly inside its bucket as
 * Prometheus's histogram_quantile does (the first bucket from 0; a quantile in +Inf is the largest
 * finite bound). Undefined without observations.
 */
export function quantile(buckets: readonly Bucket[], q: number): number | undefined {
  if (!(q > 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in (0, 1]`);
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerLe;
      const inBucket = b.count - lowerCount;
      return inBucket <= 0 ? b.le : lowerLe + ((b.le - lowerLe) * (rank - lowerCount)) / inBucket;
    }
    lowerLe = b.le;
    lowerCount = b.count;
  }
  return lowerLe;
}

/** utime + stime of /proc/<pid>/stat, in seconds (`ticks`: getconf CLK_TCK). */
export function cpuSecondsOfStat(stat: string, ticks = 100): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its ")".
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(rest[11]) + Number(rest[12])) / ticks;
}

/** A `Vm…:  123 kB` line of /proc/<pid>/status, in bytes (undefined when absent). */
export function statusBytes(status: string, field: 'VmHWM' | 'VmRSS'): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'mu').exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

export type Cell = string | number | undefined;

/** A number with thousands separators and `digits` decimals; '—' for undefined or NaN. */
export function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A Markdown table; numbers right-aligned (`---:`) when every cell of the column is a number or '—'. */
export function markdownTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((r) => header.map((_, i) => (typeof r[i] === 'number' ? fmt(r[i]) : (r[i] ?? '—'))));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === undefined || /^[\d,.]+( ?[×%a-zA-Z/]*)?$|^—$/u.test(String(r[i]))));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`, ...text.map(line)].join('\n');
}

/** Replaces the text between `begin` and `end` marker lines (kept) in `doc`, or appends the block. */
export function replaceSection(doc: string, begin: string, end: string, body: string): string {
  const block = `${begin}\n${body.trimEnd()}\n${end}`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end, i + begin.length);
  if (i < 0 || j < 0) return `${doc.trimEnd()}\n\n${block}\n`;
  return doc.slice(0, i) + block + doc.slice(j + end.length);
}

/** The q-quantile of `xs` (nearest rank), or NaN for none. */
export function sampleQuantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}
