// Inline SVG charts: no library, no canvas, scale with their container (viewBox + width 100%).
import { CATEGORIES, CATEGORY_COLOR, CATEGORY_LABEL, DIMENSIONS, RULES_LABEL, fmtIndex, fmtInt, h, ruleColor, svg } from './lib.js';

/** One stacked bar of the five categories (counts), with a tooltip per segment. */
export function categoryBar(categories, { height = 14 } = {}) {
  const total = CATEGORIES.reduce((a, c) => a + (categories?.[c] ?? 0), 0);
  const root = svg('svg', { class: 'catbar', viewBox: `0 0 100 ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': describe(categories, total) });
  if (total === 0) {
    root.append(svg('rect', { x: 0, y: 0, width: 100, height, rx: 2, fill: '#e6e9ef' }));
    return root;
  }
  let x = 0;
  for (const c of CATEGORIES) {
    const n = categories[c] ?? 0;
    if (n === 0) continue;
    const w = (n / total) * 100;
    root.append(svg('rect', { x, y: 0, width: w, height, fill: CATEGORY_COLOR[c] }, svg('title', {}, `${CATEGORY_LABEL[c]}: ${fmtInt(n)} (${Math.round((n / total) * 100)}%)`)));
    x += w;
  }
  return root;
}

function describe(categories, total) {
  if (total === 0) return 'tidak ada pegawai';
  return CATEGORIES.map((c) => `${CATEGORY_LABEL[c]} ${categories[c] ?? 0}`).join(', ');
}

export function categoryLegend() {
  return h(
    'div',
    { class: 'legend' },
    CATEGORIES.map((c) => h('span', { class: 'legend-item' }, svg('svg', { viewBox: '0 0 10 10', class: 'swatch' }, svg('rect', { width: 10, height: 10, rx: 2, fill: CATEGORY_COLOR[c] })), CATEGORY_LABEL[c])),
  );
}

/** A horizontal meter: value of max, labelled. */
export function meter(value, max, { color = '#2f6fde', label } = {}) {
  const w = max > 0 ? Math.max(0, Math.min(1, value / max)) * 100 : 0;
  return h(
    'div',
    { class: 'meter' },
    label ? h('span', { class: 'meter-label' }, label) : null,
    svg('svg', { viewBox: '0 0 100 10', preserveAspectRatio: 'none', class: 'meter-bar', role: 'img', 'aria-label': `${label ?? ''} ${fmtIndex(value)} dari ${max}` }, svg('rect', { width: 100, height: 10, rx: 2, fill: '#e6e9ef' }), svg('rect', { width: w, height: 10, rx: 2, fill: color })),
    h('span', { class: 'meter-value' }, `${fmtIndex(value)} / ${max}`),
  );
}

/** The four dimensions as meters (Kualifikasi, Kompetensi, Kinerja, Disiplin). */
export function dimensionMeters(dimensions, color) {
  return h('div', { class: 'dims' }, DIMENSIONS.map((d) => meter(dimensions?.[d.key] ?? 0, d.max, { label: d.label, color })));
}

/** Two rule sets side by side per dimension: grouped bars scaled to each dimension's maximum. */
export function dimensionPairs(a, b) {
  const rows = DIMENSIONS.map((d) => {
    const va = a.dimensions[d.key];
    const vb = b.dimensions[d.key];
    const bar = (v, rules) =>
      svg('svg', { viewBox: '0 0 100 8', preserveAspectRatio: 'none', class: 'pair-bar' }, svg('rect', { width: 100, height: 8, rx: 2, fill: '#eef0f4' }), svg('rect', { width: (v / d.max) * 100, height: 8, rx: 2, fill: ruleColor(rules) }, svg('title', {}, `${RULES_LABEL[rules] ?? rules}: ${fmtIndex(v)}`)));
    return h(
      'div',
      { class: 'pair-row' },
      h('span', { class: 'pair-label' }, d.label),
      h('div', { class: 'pair-bars' }, bar(va, a.rules), bar(vb, b.rules)),
      h('span', { class: 'pair-values' }, `${fmtIndex(va)} · ${fmtIndex(vb)}`),
    );
  });
  return h(
    'div',
    { class: 'pairs' },
    h('div', { class: 'legend' }, [a.rules, b.rules].map((r) => h('span', { class: 'legend-item' }, svg('svg', { viewBox: '0 0 10 10', class: 'swatch' }, svg('rect', { width: 10, height: 10, rx: 2, fill: ruleColor(r) })), RULES_LABEL[r] ?? r))),
    rows,
  );
}

/** A small bar for lag and counts: value against the largest of its column. */
export function miniBar(value, max, color = '#2f6fde') {
  const w = max > 0 ? Math.min(1, value / max) * 100 : 0;
  return svg('svg', { viewBox: '0 0 100 6', preserveAspectRatio: 'none', class: 'mini-bar' }, svg('rect', { width: 100, height: 6, rx: 2, fill: '#eef0f4' }), svg('rect', { width: w, height: 6, rx: 2, fill: color }));
}
