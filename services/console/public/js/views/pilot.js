// The pilot: the 11 agencies under their primary and their shadow rule set, side by side, with the
// difference per dimension; and the pilot as a whole per rule set.
import { categoryBar } from '../charts.js';
import { DIMENSIONS, RULES_LABEL, card, categoryBadge, fmtIndex, fmtInt, fmtSigned, getJson, h, svg } from '../lib.js';

const cls = (d) => ['num', d > 0 ? 'up' : d < 0 ? 'down' : ''];

/** Primary vs shadow index as two dots on a 50–100 line, with the category thresholds as ticks. */
function dumbbell(p, s) {
  const x = (v) => (v === null ? null : 6 + ((Math.max(50, v) - 50) / 50) * 188);
  const [xp, xs] = [x(p), x(s)];
  return svg(
    'svg',
    { viewBox: '0 0 200 18', class: 'dumbbell', role: 'img', 'aria-label': `utama ${fmtIndex(p)}, bayangan ${fmtIndex(s)}` },
    svg('line', { x1: 6, x2: 194, y1: 9, y2: 9, stroke: '#e1e5ec', 'stroke-width': 1.5 }),
    [61, 71, 81, 91].map((t) => svg('line', { x1: x(t), x2: x(t), y1: 4, y2: 14, stroke: '#d3d8e2', 'stroke-width': 1 }, svg('title', {}, `batas kategori ${t}`))),
    xp !== null && xs !== null ? svg('line', { x1: xs, x2: xp, y1: 9, y2: 9, stroke: '#9bb6ea', 'stroke-width': 4, 'stroke-linecap': 'round' }) : null,
    xs !== null ? svg('circle', { cx: xs, cy: 9, r: 4.5, fill: '#7a869a' }, svg('title', {}, `bayangan ${fmtIndex(s)}`)) : null,
    xp !== null ? svg('circle', { cx: xp, cy: 9, r: 4.5, fill: '#2f6fde' }, svg('title', {}, `utama ${fmtIndex(p)}`)) : null,
  );
}

export default {
  mount(root) {
    const totals = h('div', { class: 'grid national-grid' });
    const body = h('tbody');
    const head = h('tr');
    root.append(
      h('h1', {}, 'Pilot reformulasi — 11 instansi'),
      h('p', { class: 'muted lead' }, 'Setiap pegawai dinilai dengan kedua aturan pada setiap perubahan. Aturan utama hanya memilih yang ditampilkan; aturan lain adalah bayangan untuk evaluasi pilot.'),
      totals,
      card('Utama dan bayangan per instansi', h('div', { class: 'table-wrap' }, h('table', { class: 'pilot' }, h('thead', {}, head), body))),
    );
    return {
      title: 'Pilot',
      async update() {
        const data = await getJson('/api/pilot');
        totals.replaceChildren(
          ...data.totals.map((t) =>
            h(
              'section',
              { class: 'card national', dataset: { rules: t.rules } },
              h('div', { class: 'card-head' }, h('h2', {}, 'Seluruh pilot'), h('span', { class: 'badge rules primary' }, RULES_LABEL[t.rules])),
              h('div', { class: 'big' }, h('span', { class: 'big-number' }, fmtIndex(t.index.ASN)), categoryBadge(t.category)),
              h('p', { class: 'muted' }, `${fmtInt(t.headcount.total)} pegawai di ${t.agencies} instansi`),
              categoryBar(t.categories, { height: 10 }),
            ),
          ),
        );
        const first = data.agencies[0];
        head.replaceChildren(
          h('th', {}, 'Instansi'),
          h('th', { class: 'num' }, 'Pegawai'),
          h('th', { class: 'num' }, `Utama${first ? ` (${RULES_LABEL[first.primaryRules]})` : ''}`),
          h('th', { class: 'num' }, `Bayangan${first ? ` (${RULES_LABEL[first.shadowRules]})` : ''}`),
          h('th', {}, 'Indeks 50 — 100'),
          h('th', { class: 'num' }, 'Selisih'),
          ...DIMENSIONS.map((d) => h('th', { class: 'num' }, `Δ ${d.label}`)),
        );
        body.replaceChildren(
          ...data.agencies.map((a) =>
            h(
              'tr',
              { dataset: { code: a.code } },
              h('td', {}, h('a', { href: `#/agency/${a.code}` }, a.name ?? a.code), h('div', { class: 'muted mono small' }, a.code)),
              h('td', { class: 'num' }, fmtInt(a.primary.headcount.total)),
              h('td', { class: 'num strong' }, fmtIndex(a.primary.index.ASN), ' ', categoryBadge(a.primaryCategory)),
              h('td', { class: 'num' }, fmtIndex(a.shadow.index.ASN), ' ', categoryBadge(a.shadowCategory)),
              h('td', { class: 'chart' }, dumbbell(a.primary.index.ASN, a.shadow.index.ASN)),
              h('td', { class: cls(a.diff.index.ASN) }, fmtSigned(a.diff.index.ASN)),
              ...DIMENSIONS.map((d) => h('td', { class: cls(a.diff.dimensions[d.key]) }, fmtSigned(a.diff.dimensions[d.key]))),
            ),
          ),
        );
      },
    };
  },
};
