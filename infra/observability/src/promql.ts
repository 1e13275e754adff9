/**
 * The metric names a PromQL expression reads. Enough PromQL for our rules and dashboard queries:
 * strings, label matchers `{…}`, ranges `[…]`, grouping clauses (`by`, `without`, `on`, `ignoring`,
 * `group_left`, `group_right`) and function calls are not metric names; every other identifier is.
 * A name given as a matcher (`{__name__=~"a|b"}`) is returned as each alternative when the regex is
 * a plain `(x|y)` alternation inside a fixed prefix and suffix, and reported as unreadable otherwise.
 */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);

export interface ExprMetrics {
  names: string[];
  /** `__name__` matchers this reader cannot expand. */
  unreadable: string[];
}

/** `ipasn_(a|b)_total` → [ipasn_a_total, ipasn_b_total]; null for any other regex. */
function expandNameRegex(re: string): string[] | null {
  const m = /^([a-zA-Z0-9_:]*)\(([a-zA-Z0-9_:|]+)\)([a-zA-Z0-9_:]*)$/u.exec(re);
  if (m) return (m[2] ?? '').split('|').map((alt) => `${m[1] ?? ''}${alt}${m[3] ?? ''}`);
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/u.test(re) ? [re] : null;
}

export function metricsOf(expr: string): ExprMetrics {
  const names = new Set<string>();
  const unreadable: string[] = [];
  // Matchers first: a __name__ matcher names metrics; other matchers hold label names and strings.
  let rest = expr.replace(/\{([^}]*)\}/gu, (_all, inner: string) => {
    const byName = /__name__\s*=~?\s*"([^"]*)"/u.exec(inner);
    if (byName) {
      const expanded = expandNameRegex(byName[1] ?? '');
      if (expanded) for (const n of expanded) names.add(n);
      else unreadable.push(byName[1] ?? '');
    }
    return ' ';
  });
  rest = rest
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/gu, ' ')
    .replace(/\[[^\]]*\]/gu, ' ')
    // Numbers and durations (`0.99`, `5m` after offset), never the digits inside a name.
    .replace(/(?<![a-zA-Z0-9_:])\d[\w.]*(?:[eE][+-]?\d+)?/gu, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gu, ' ');
  for (const m of rest.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/gu)) {
    const id = m[0];
    const after = rest.slice((m.index ?? 0) + id.length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(id.toLowerCase())) continue;
    if (/^\d/u.test(id) || id.startsWith('$')) continue;
    names.add(id);
  }
  return { names: [...names].sort(), unreadable };
}
