// Overview: the national rollup under both rule sets, then every agency — index, category
// distribution, freshness (stale agencies highlighted) — sortable and filterable.
import { categoryBar, categoryLegend, dimensionMeters } from '../charts.js';
import { historyPanel } from '../history.js';
import { CATEGORIES, RULES_LABEL, ago, computingBadge, loadRuleSets, ruleColor, card, categoryBadge, fmtIndex, fmtInt, getJson, h, rulesBadge, staleBadge } from '../lib.js';

const COLUMNS = [
  { key: 'code', label: 'Kode', value: (a) => a.code },
  { key: 'name', label: 'Instansi', value: (a) => a.name ?? '' },
  { key: 'rules', label: 'Aturan utama', value: (a) => a.rules },
  { key: 'headcount', label: 'Pegawai', value: (a) => a.headcount.total, num: true },
  { key: 'index', label: 'Indeks ASN', value: (a) => a.index.ASN ?? -1, num: true },
  { key: 'category', label: 'Kategori', value: (a) => (a.category ? CATEGORIES.indexOf(a.category) : 9) },
  { key: 'dist', label: 'Distribusi kategori', sortable: false },
  { key: 'last', label: 'Event diterima', value: (a) => (a.freshness.lastAcceptedAt ? Date.parse(a.freshness.lastAcceptedAt) : 0), num: true },
  { key: 'stale', label: 'Status', value: (a) => (a.freshness.stale ? 0 : 1) },
];

function nationalCard(r) {
  return h(
    'section',
    { class: 'card national', dataset: { rules: r.rules } },
    h('div', { class: 'card-head' }, h('h2', {}, 'Nasional'), h('span', { class: 'badge rules primary' }, RULES_LABEL[r.rules] ?? r.rules), computingBadge(r.rules)),
    h('div', { class: 'big' }, h('span', { class: 'big-number' }, fmtIndex(r.index.ASN)), categoryBadge(r.category)),
    h(
      'dl',
      { class: 'facts' },
      h('div', {}, h('dt', {}, 'Pegawai'), h('dd', {}, fmtInt(r.headcount.total))),
      h('div', {}, h('dt', {}, 'PNS'), h('dd', {}, `${fmtInt(r.headcount.PNS)} · ${fmtIndex(r.index.PNS)}`)),
      h('div', {}, h('dt', {}, 'PPPK'), h('dd', {}, `${fmtInt(r.headcount.PPPK)} · ${fmtIndex(r.index.PPPK)}`)),
      h('div', {}, h('dt', {}, 'Instansi'), h('dd', {}, fmtInt(r.agencies))),
    ),
    categoryBar(r.categories, { height: 10 }),
    dimensionMeters(r.dimensions, ruleColor(r.rules)),
  );
}

export default {
  mount(root) {
    const state = { sort: 'index', dir: -1, text: '', only: 'all' };
    const nationalBox = h('div', { class: 'grid national-grid' });
    const tableBody = h('tbody');
    const count = h('span', { class: 'muted' });
    const head = h('tr');
    let agencies = [];

    const filterInput = h('input', { type: 'search', placeholder: 'Cari kode atau nama instansi…', 'aria-label': 'Cari instansi', oninput: (e) => ((state.text = e.target.value.trim().toLowerCase()), drawRows()) });
    const onlySelect = h(
      'select',
      { 'aria-label': 'Saring instansi', onchange: (e) => ((state.only = e.target.value), drawRows()) },
      h('option', { value: 'all' }, 'Semua instansi'),
      h('option', { value: 'pilot' }, 'Hanya pilot'),
      h('option', { value: 'stale' }, 'Hanya yang basi'),
    );

    function drawHead() {
      head.replaceChildren(
        ...COLUMNS.map((c) =>
          c.sortable === false
            ? h('th', { scope: 'col' }, c.label)
            : h(
                'th',
                { scope: 'col', class: ['sortable', c.num && 'num', state.sort === c.key && 'sorted'], 'aria-sort': state.sort === c.key ? (state.dir > 0 ? 'ascending' : 'descending') : 'none' },
                h('button', { type: 'button', onclick: () => sortBy(c.key) }, c.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }, state.sort === c.key ? (state.dir > 0 ? '▲' : '▼') : '↕')),
              ),
        ),
      );
    }

    function sortBy(key) {
      if (state.sort === key) state.dir = -state.dir;
      else {
        state.sort = key;
        state.dir = COLUMNS.find((c) => c.key === key)?.num ? -1 : 1;
      }
      drawHead();
      drawRows();
    }

    function drawRows() {
      const col = COLUMNS.find((c) => c.key === state.sort);
      const rows = agencies
        .filter((a) => state.only === 'all' || (state.only === 'pilot' ? a.pilot : a.freshness.stale))
        .filter((a) => !state.text || a.code.toLowerCase().includes(state.text) || (a.name ?? '').toLowerCase().includes(state.text))
        .sort((x, y) => {
          const a = col.value(x);
          const b = col.value(y);
          return (a < b ? -1 : a > b ? 1 : 0) * state.dir || x.code.localeCompare(y.code);
        });
      count.textContent = `${rows.length} dari ${agencies.length} instansi`;
      tableBody.replaceChildren(
        ...rows.map((a) =>
          h(
            'tr',
            { class: [a.freshness.stale && 'row-stale'], dataset: { code: a.code, stale: String(a.freshness.stale) } },
            h('td', { class: 'mono' }, a.code),
            h('td', {}, h('a', { href: `#/agency/${a.code}` }, a.name ?? `Instansi ${a.code}`), a.pilot ? h('span', { class: 'badge pilot' }, 'pilot') : null),
            h('td', {}, rulesBadge(a.rules, true)),
            h('td', { class: 'num' }, fmtInt(a.headcount.total)),
            h('td', { class: 'num strong' }, fmtIndex(a.index.ASN)),
            h('td', {}, categoryBadge(a.category)),
            h('td', { class: 'dist' }, categoryBar(a.categories)),
            h('td', { title: a.freshness.lastAcceptedAt ?? '' }, ago(a.freshness.lastAcceptedAt)),
            h('td', {}, staleBadge(a.freshness.stale)),
          ),
        ),
      );
      if (rows.length === 0) tableBody.append(h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'empty' }, 'Tidak ada instansi yang cocok.')));
    }

    drawHead();
    const history = historyPanel('Riwayat nasional', (rules, range) => `/api/history?range=${range}`);
    root.append(
      h('h1', {}, 'Ringkasan nasional'),
      nationalBox,
      history.el,
      card(
        null,
        h('div', { class: 'card-head' }, h('h2', {}, 'Instansi'), count),
        h('div', { class: 'toolbar' }, filterInput, onlySelect, categoryLegend()),
        h('div', { class: 'table-wrap' }, h('table', { class: 'agencies' }, h('thead', {}, head), tableBody)),
      ),
    );

    return {
      title: 'Ringkasan',
      async update() {
        const [nat, list] = await Promise.all([getJson('/api/national'), getJson('/api/agencies'), history.update(null), loadRuleSets()]);
        nationalBox.replaceChildren(...nat.rollups.map(nationalCard));
        agencies = list.agencies;
        drawRows();
      },
    };
  },
};
