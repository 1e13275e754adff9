// One agency: the four dimensions, the PNS/PPPK split, categories, freshness; for a pilot agency
// the primary and the shadow rule set side by side.
import { categoryBar, categoryLegend, dimensionMeters, dimensionPairs } from '../charts.js';
import { historyPanel } from '../history.js';
import { CATEGORIES, CATEGORY_LABEL, DIMENSIONS, RULES_LABEL, RULE_SETS, ago, card, categoryBadge, categoryOfIndex, fmtIndex, fmtInt, fmtPct, fmtSigned, fmtTime, getJson, h, rulesBadge, staleBadge } from '../lib.js';

function groupTable(groups) {
  const row = (label, s) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, label),
      h('td', { class: 'num' }, fmtInt(s.headcount.total)),
      h('td', { class: 'num strong' }, fmtIndex(s.index.ASN)),
      ...DIMENSIONS.map((d) => h('td', { class: 'num' }, s.headcount.total ? fmtIndex(s.dimensions[d.key]) : '—')),
      h('td', { class: 'dist' }, categoryBar(s.categories)),
    );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'groups' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Jenis'), h('th', { class: 'num' }, 'Pegawai'), h('th', { class: 'num' }, 'Indeks'), ...DIMENSIONS.map((d) => h('th', { class: 'num' }, d.label)), h('th', {}, 'Kategori'))),
      h('tbody', {}, row('PNS', groups.PNS), row('PPPK', groups.PPPK)),
    ),
  );
}

function categoryList(categories) {
  const total = CATEGORIES.reduce((a, c) => a + categories[c], 0);
  return h(
    'ul',
    { class: 'catlist' },
    CATEGORIES.map((c) => h('li', {}, h('span', { class: ['dot', `cat-${c}`] }), h('span', {}, CATEGORY_LABEL[c]), h('span', { class: 'num' }, `${fmtInt(categories[c])}${total ? ` (${Math.round((categories[c] / total) * 100)}%)` : ''}`))),
  );
}

function comparison(info, primary, shadow) {
  const dimRows = DIMENSIONS.map((d) => {
    const diff = Math.round(primary.dimensions[d.key] * 100 - shadow.dimensions[d.key] * 100) / 100;
    return h('tr', {}, h('th', { scope: 'row' }, d.label), h('td', { class: 'num' }, fmtIndex(primary.dimensions[d.key])), h('td', { class: 'num' }, fmtIndex(shadow.dimensions[d.key])), h('td', { class: ['num', diff > 0 ? 'up' : diff < 0 ? 'down' : ''] }, fmtSigned(diff)));
  });
  const idxDiff = primary.index.ASN === null || shadow.index.ASN === null ? null : Math.round(primary.index.ASN * 100 - shadow.index.ASN * 100) / 100;
  return card(
    'Dua aturan berdampingan',
    h('p', { class: 'muted' }, `Pegawai dan data yang sama, dua rumus. Aturan utama ${RULES_LABEL[primary.rules]}; bayangan ${RULES_LABEL[shadow.rules]}.`),
    h(
      'div',
      { class: 'side-by-side' },
      [primary, shadow].map((s, i) =>
        h('div', { class: 'side', dataset: { rules: s.rules } }, h('div', { class: 'card-head' }, rulesBadge(s.rules, i === 0)), h('div', { class: 'big' }, h('span', { class: 'big-number' }, fmtIndex(s.index.ASN))), categoryBar(s.categories, { height: 10 })),
      ),
    ),
    dimensionPairs(primary, shadow),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'diff' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Dimensi'), h('th', { class: 'num' }, RULES_LABEL[primary.rules]), h('th', { class: 'num' }, RULES_LABEL[shadow.rules]), h('th', { class: 'num' }, 'Selisih'))),
        h('tbody', {}, dimRows, h('tr', { class: 'total' }, h('th', { scope: 'row' }, 'Indeks ASN'), h('td', { class: 'num' }, fmtIndex(primary.index.ASN)), h('td', { class: 'num' }, fmtIndex(shadow.index.ASN)), h('td', { class: ['num', idxDiff > 0 ? 'up' : idxDiff < 0 ? 'down' : ''] }, fmtSigned(idxDiff)))),
      ),
    ),
  );
}

export default {
  mount(root, [code]) {
    const state = { rules: null };
    const body = h('div', { class: 'agency-body' });
    const title = h('h1', {}, `Instansi ${code}`);
    const sub = h('div', { class: 'subtitle' });
    const switcher = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Aturan' });
    root.append(h('a', { href: '#/', class: 'back' }, '← Semua instansi'), title, sub, switcher, body);
    let meta = null;
    const history = historyPanel('Riwayat', (rules, range) => `/api/agencies/${code}/history?rules=${rules}&range=${range}`);

    return {
      title: `Instansi ${code}`,
      async update() {
        meta ??= (await getJson('/api/agencies')).agencies.find((a) => a.code === code) ?? null;
        const primaryRules = meta?.rules ?? 'perban-8-2019';
        const rules = state.rules ?? primaryRules;
        const shadowRules = RULE_SETS.find((r) => r !== primaryRules);
        const [summary, groups, other] = await Promise.all([
          getJson(`/api/agencies/${code}?rules=${rules}`),
          getJson(`/api/agencies/${code}/groups?rules=${rules}`),
          meta?.pilot ? getJson(`/api/agencies/${code}?rules=${rules === primaryRules ? shadowRules : primaryRules}`) : null,
        ]);
        title.textContent = meta?.name ?? `Instansi ${code}`;
        sub.replaceChildren(h('span', { class: 'mono' }, code), meta?.pilot ? h('span', { class: 'badge pilot' }, 'pilot') : null, ' · aturan utama ', rulesBadge(primaryRules, true), ' · ', staleBadge(summary.freshness.stale));
        switcher.replaceChildren(
          ...RULE_SETS.map((r) =>
            h('button', { type: 'button', class: r === rules ? 'on' : '', 'aria-pressed': String(r === rules), onclick: () => ((state.rules = r), void this.update()) }, RULES_LABEL[r], r === primaryRules ? ' (utama)' : ''),
          ),
        );
        const f = summary.freshness;
        await history.update(rules);
        body.replaceChildren(
          h(
            'div',
            { class: 'grid two' },
            card(
              'Indeks',
              h('div', { class: 'big' }, h('span', { class: 'big-number' }, fmtIndex(summary.index.ASN)), categoryBadge(categoryOfIndex(summary.index.ASN))),
              h('dl', { class: 'facts' }, h('div', {}, h('dt', {}, 'Pegawai'), h('dd', {}, fmtInt(summary.headcount.total))), h('div', {}, h('dt', {}, 'PNS'), h('dd', {}, `${fmtInt(summary.headcount.PNS)} · ${fmtIndex(summary.index.PNS)}`)), h('div', {}, h('dt', {}, 'PPPK'), h('dd', {}, `${fmtInt(summary.headcount.PPPK)} · ${fmtIndex(summary.index.PPPK)}`)), h('div', {}, h('dt', {}, 'Data belum lengkap'), h('dd', {}, `${fmtInt(summary.dataGaps)} (${fmtPct(summary.headcount.total ? summary.dataGaps / summary.headcount.total : null)})`))),
              h('h3', {}, 'Empat dimensi'),
              dimensionMeters(summary.dimensions, rules === 'reformulasi-2024' ? '#2f6fde' : '#7a869a'),
            ),
            card('Kategori', categoryBar(summary.categories, { height: 12 }), categoryLegend(), categoryList(summary.categories)),
          ),
          card('PNS dan PPPK', groupTable(groups)),
          other ? comparison(meta, rules === primaryRules ? summary : other, rules === primaryRules ? other : summary) : null,
          card(
            'Kesegaran data',
            h(
              'dl',
              { class: 'facts' },
              h('div', {}, h('dt', {}, 'Event terakhir diterima'), h('dd', { title: fmtTime(f.lastAcceptedAt) }, ago(f.lastAcceptedAt))),
              h('div', {}, h('dt', {}, 'Skor terakhir dari event'), h('dd', { title: fmtTime(f.lastEventAt) }, ago(f.lastEventAt))),
              h('div', {}, h('dt', {}, 'Kadens'), h('dd', {}, `${f.cadenceDays} hari`)),
              h('div', {}, h('dt', {}, 'Status'), h('dd', {}, staleBadge(f.stale), f.staleSince ? ` sejak ${fmtTime(f.staleSince)}` : '')),
            ),
          ),
          history.el,
        );
      },
    };
  },
};
