// The pilot: the pilot agencies under two rule sets side by side (by default each agency's primary
// against the baseline; or any two rule sets of the list, chosen above the table), with the
// difference per dimension; and the pilot as a whole per rule set of the list.
import { categoryBar } from '../charts.js';
import { DIMENSIONS, RULES_LABEL, RULE_SETS, card, computingBadge, loadRuleSets, categoryBadge, fmtIndex, fmtInt, fmtSigned, getJson, h, svg } from '../lib.js';

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
    // '' = the default pair per agency (ipasn-rules.md); else any two rule sets of the list.
    const choice = { a: '', b: '' };
    const pick = (side) => h('select', { class: 'pair-pick', dataset: { side }, 'aria-label': side === 'a' ? 'Aturan kiri' : 'Aturan kanan', onchange: (e) => ((choice[side] = e.target.value), void view.update()) });
    const pickers = { a: pick('a'), b: pick('b') };
    const fillPicker = (sel, value) =>
      sel.replaceChildren(h('option', { value: '' }, 'bawaan'), ...RULE_SETS.map((r) => h('option', { value: r, selected: r === value }, RULES_LABEL[r] ?? r)));
    root.append(
      h('h1', {}, 'Pilot — dua aturan berdampingan'),
      h('p', { class: 'muted lead' }, 'Setiap pegawai dinilai dengan setiap aturan yang berlaku pada setiap perubahan. Bawaan: aturan utama instansi dibandingkan dengan aturan dasar; pilih dua aturan untuk membandingkan yang lain.'),
      h('div', { class: 'pair-pickers' }, 'Bandingkan ', pickers.a, ' dengan ', pickers.b),
      totals,
      card('Utama dan bayangan per instansi', h('div', { class: 'table-wrap' }, h('table', { class: 'pilot' }, h('thead', {}, head), body))),
    );
    const view = {
      title: 'Pilot',
      async update() {
        await loadRuleSets();
        fillPicker(pickers.a, choice.a);
        fillPicker(pickers.b, choice.b);
        const both = choice.a !== '' && choice.b !== '';
        const data = await getJson(both ? `/api/pilot?a=${encodeURIComponent(choice.a)}&b=${encodeURIComponent(choice.b)}` : '/api/pilot');
        totals.replaceChildren(
          ...data.totals.map((t) =>
            h(
              'section',
              { class: 'card national', dataset: { rules: t.rules } },
              h('div', { class: 'card-head' }, h('h2', {}, 'Seluruh pilot'), h('span', { class: 'badge rules primary' }, RULES_LABEL[t.rules] ?? t.rules), computingBadge(t.rules)),
              h('div', { class: 'big' }, h('span', { class: 'big-number' }, fmtIndex(t.index.ASN)), categoryBadge(t.category)),
              h('p', { class: 'muted' }, `${fmtInt(t.headcount.total)} pegawai di ${t.agencies} instansi`),
              categoryBar(t.categories, { height: 10 }),
            ),
          ),
        );
        head.replaceChildren(
          h('th', {}, 'Instansi'),
          h('th', { class: 'num' }, 'Pegawai'),
          h('th', { class: 'num' }, both ? RULES_LABEL[choice.a] : 'Utama'),
          h('th', { class: 'num' }, both ? RULES_LABEL[choice.b] : 'Pembanding'),
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
              h('td', { class: 'num strong', title: a.primaryRules }, fmtIndex(a.primary.index.ASN), ' ', categoryBadge(a.primaryCategory), both ? null : h('div', { class: 'muted mono small' }, a.primaryRules)),
              h('td', { class: 'num', title: a.shadowRules }, fmtIndex(a.shadow.index.ASN), ' ', categoryBadge(a.shadowCategory), both ? null : h('div', { class: 'muted mono small' }, a.shadowRules)),
              h('td', { class: 'chart' }, dumbbell(a.primary.index.ASN, a.shadow.index.ASN)),
              h('td', { class: cls(a.diff.index.ASN) }, fmtSigned(a.diff.index.ASN)),
              ...DIMENSIONS.map((d) => h('td', { class: cls(a.diff.dimensions[d.key]) }, fmtSigned(a.diff.dimensions[d.key]))),
            ),
          ),
        );
      },
    };
    return view;
  },
};
