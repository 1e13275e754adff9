// History charts (inline SVG, no library): index and headcount over time for one agency or the
// whole country, and the last 7 days of freshness and reject rate per hour. A panel is made once
// per page and refreshed with the page (update), so a refresh does not rebuild its range choice.
import { RULES_LABEL, duration, errorBox, fmtIndex, fmtInt, fmtPct, getJson, h, svg } from './lib.js';

const RANGES = [
  ['24h', '24 jam'],
  ['7d', '7 hari'],
  ['1y', '1 tahun'],
];
const W = 600;
const H = 150;
const M = { left: 52, right: 10, top: 10, bottom: 20 };

function timeLabel(t, range) {
  const d = new Date(t);
  return range === '24h' ? d.toLocaleTimeString('id-ID', { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString('id-ID', { day: 'numeric', month: 'short' });
}

/**
 * A line over time; null values break the line. `series` names it for tests and styles; the
 * aria-label says the latest value in words.
 */
export function lineChart(points, { series, value, format, color = '#2f6fde', label, range }) {
  const vals = points.map(value);
  const known = vals.filter((v) => v !== null && v !== undefined);
  const root = svg('svg', { class: 'history-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', dataset: { series, points: String(known.length) } });
  const last = [...points].reverse().find((p) => value(p) !== null && value(p) !== undefined);
  root.setAttribute('aria-label', `${label}: ${last ? format(value(last)) : 'belum ada data'}`);
  root.append(svg('title', {}, root.getAttribute('aria-label')));
  if (points.length === 0 || known.length === 0) {
    root.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'chart-empty' }, 'Belum ada riwayat'));
    return root;
  }
  let lo = Math.min(...known);
  let hi = Math.max(...known);
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  const t0 = points[0].t;
  const t1 = points[points.length - 1].t;
  const x = (t) => M.left + (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * (W - M.left - M.right));
  const y = (v) => M.top + (1 - (v - lo) / (hi - lo)) * (H - M.top - M.bottom);
  for (const v of [lo + pad, (lo + hi) / 2, hi - pad]) {
    root.append(svg('line', { x1: M.left, x2: W - M.right, y1: y(v), y2: y(v), class: 'grid-line' }), svg('text', { x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, format(v)));
  }
  root.append(
    svg('text', { x: M.left, y: H - 4, class: 'tick' }, timeLabel(t0, range)),
    svg('text', { x: W - M.right, y: H - 4, 'text-anchor': 'end', class: 'tick' }, timeLabel(t1, range)),
  );
  let d = '';
  let pen = false;
  for (const p of points) {
    const v = value(p);
    if (v === null || v === undefined) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  }
  root.append(svg('path', { d, class: 'line', fill: 'none', stroke: color, 'stroke-width': 2 }));
  root.append(svg('circle', { cx: x(last.t), cy: y(value(last)), r: 3.5, fill: color }, svg('title', {}, `${timeLabel(last.t, range)}: ${format(value(last))}`)));
  return root;
}

/** One bar per hour (reject rate), scaled to the worst hour; an hour without traffic has no bar. */
export function barChart(hours, { series, value, format, color = '#d0584f', label }) {
  const root = svg('svg', { class: 'history-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', dataset: { series, points: String(hours.filter((x) => value(x) !== null).length) } });
  const known = hours.map(value).filter((v) => v !== null);
  const max = Math.max(0.01, ...known);
  const worst = known.length ? Math.max(...known) : null;
  root.setAttribute('aria-label', `${label}: tertinggi ${worst === null ? '—' : format(worst)}`);
  root.append(svg('title', {}, root.getAttribute('aria-label')));
  const bw = (W - M.left - M.right) / Math.max(1, hours.length);
  root.append(svg('line', { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: 'grid-line' }), svg('text', { x: M.left - 6, y: M.top + 8, 'text-anchor': 'end', class: 'tick' }, format(max)));
  hours.forEach((hr, i) => {
    const v = value(hr);
    if (v === null) return;
    const bh = (v / max) * (H - M.top - M.bottom);
    root.append(svg('rect', { class: 'bar', x: M.left + i * bw, y: H - M.bottom - bh, width: Math.max(1, bw - 1), height: Math.max(bh, v > 0 ? 1 : 0), fill: color }, svg('title', {}, `${timeLabel(hr.t, '7d')} ${new Date(hr.t).getHours()}:00 · ${format(v)}`)));
  });
  if (hours.length) root.append(svg('text', { x: M.left, y: H - 4, class: 'tick' }, timeLabel(hours[0].t, '7d')), svg('text', { x: W - M.right, y: H - 4, 'text-anchor': 'end', class: 'tick' }, timeLabel(hours[hours.length - 1].t, '7d')));
  return root;
}

/**
 * A card with the charts of `/api/history` (url(rules, range) says which); `update(rules)` reloads
 * with the page. The range buttons reload at once.
 */
export function historyPanel(title, url) {
  const state = { range: '7d', rules: null };
  const buttons = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Rentang riwayat' });
  const charts = h('div', { class: 'history-charts' });
  const el = h('section', { class: 'card history', dataset: { range: state.range } }, h('div', { class: 'card-head' }, h('h2', {}, title), buttons), charts);

  function drawButtons() {
    buttons.replaceChildren(
      ...RANGES.map(([r, text]) => h('button', { type: 'button', class: r === state.range ? 'on' : '', 'aria-pressed': String(r === state.range), onclick: () => ((state.range = r), (el.dataset.range = r), void load()) }, text)),
    );
  }

  async function load() {
    drawButtons();
    let data;
    try {
      data = await getJson(url(state.rules, state.range));
    } catch (err) {
      // The rest of the page stays usable without its history.
      charts.replaceChildren(errorBox(err));
      return;
    }
    const figure = (name, chart) => h('figure', { class: 'history-figure' }, h('figcaption', {}, name), chart);
    charts.replaceChildren(
      h('p', { class: 'muted' }, `Aturan ${RULES_LABEL[data.rules] ?? data.rules}; satu titik per ${{ minute: 'menit', hour: 'jam', day: 'hari' }[data.resolution]}.`),
      h(
        'div',
        { class: 'grid two' },
        figure('Indeks ASN', lineChart(data.points, { series: 'index', value: (p) => p.index, format: fmtIndex, label: 'Indeks ASN terakhir', range: data.range })),
        figure('Pegawai', lineChart(data.points, { series: 'headcount', value: (p) => (p.index === null ? null : p.headcount), format: (v) => fmtInt(Math.round(v)), color: '#7a869a', label: 'Pegawai terakhir', range: data.range })),
        figure('Tingkat penolakan per jam (7 hari)', barChart(data.freshness, { series: 'reject-rate', value: (x) => x.rejectRate, format: fmtPct, label: 'Tingkat penolakan' })),
        figure('Umur event diterima terakhir (7 hari)', lineChart(data.freshness, { series: 'freshness', value: (x) => x.ageSeconds, format: duration, color: '#c98a1b', label: 'Umur event terakhir', range: '7d' })),
      ),
    );
  }

  return {
    el,
    async update(rules) {
      state.rules = rules;
      await load();
    },
  };
}
