// One agency: the four dimensions, the PNS/PPPK split, categories, freshness; for a pilot agency
// the primary and the shadow rule set side by side.
import { categoryBar, categoryLegend, dimensionMeters, dimensionPairs } from '../charts.js';
import { historyPanel } from '../history.js';
import { CATEGORIES, CATEGORY_LABEL, DIMENSIONS, RULES_LABEL, RULE_SETS, ago, computingBadge, loadRuleSets, ruleColor, card, categoryBadge, categoryOfIndex, fmtIndex, fmtInt, fmtPct, fmtSigned, fmtTime, getJson, h, rulesBadge, staleBadge } from '../lib.js';

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
    h('p', { class: 'muted' }, `Pegawai dan data yang sama, dua rumus: ${RULES_LABEL[primary.rules] ?? primary.rules} dan ${RULES_LABEL[shadow.rules] ?? shadow.rules}.`),
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
        h('thead', {}, h('tr', {}, h('th', {}, 'Dimensi'), h('th', { class: 'num' }, RULES_LABEL[primary.rules] ?? primary.rules), h('th', { class: 'num' }, RULES_LABEL[shadow.rules] ?? shadow.rules), h('th', { class: 'num' }, 'Selisih'))),
        h('tbody', {}, dimRows, h('tr', { class: 'total' }, h('th', { scope: 'row' }, 'Indeks ASN'), h('td', { class: 'num' }, fmtIndex(primary.index.ASN)), h('td', { class: 'num' }, fmtIndex(shadow.index.ASN)), h('td', { class: ['num', idxDiff > 0 ? 'up' : idxDiff < 0 ? 'down' : ''] }, fmtSigned(idxDiff)))),
      ),
    ),
  );
}

/** The agency under every rule set of the list in force: index, category and the four dimensions. */
function allRulesTable(summaries, primaryRules) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'all-rules' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Aturan'), h('th', { class: 'num' }, 'Indeks ASN'), h('th', {}, 'Kategori'), ...DIMENSIONS.map((d) => h('th', { class: 'num' }, d.label)), h('th', { class: 'num' }, 'Pegawai'))),
      h(
        'tbody',
        {},
        summaries.map((s) =>
          h(
            'tr',
            { dataset: { rules: s.rules } },
            h('th', { scope: 'row' }, RULES_LABEL[s.rules] ?? s.rules, s.rules === primaryRules ? ' (utama)' : '', ' ', computingBadge(s.rules)),
            h('td', { class: 'num' }, fmtIndex(s.index.ASN)),
            h('td', {}, categoryBadge(categoryOfIndex(s.index.ASN))),
            ...DIMENSIONS.map((d) => h('td', { class: 'num' }, fmtIndex(s.dimensions[d.key]))),
            h('td', { class: 'num' }, fmtInt(s.headcount.total)),
          ),
        ),
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
        const ruleSets = await loadRuleSets();
        meta ??= (await getJson('/api/agencies')).agencies.find((a) => a.code === code) ?? null;
        const primaryRules = meta?.rules ?? ruleSets.baseline;
        const rules = state.rules ?? primaryRules;
        // The server's default comparison (ipasn-rules.md): the primary against the baseline, or the next.
        const shadowRules = meta?.shadow?.rules ?? RULE_SETS.find((r) => r !== primaryRules) ?? primaryRules;
        const q = (r) => encodeURIComponent(r);
        const [summary, groups, all] = await Promise.all([
          getJson(`/api/agencies/${code}?rules=${q(rules)}`),
          getJson(`/api/agencies/${code}/groups?rules=${q(rules)}`),
          // Every rule set in force, for the table of all of them (and the pilot comparison).
          Promise.all(RULE_SETS.map((r) => getJson(`/api/agencies/${code}?rules=${q(r)}`))),
        ]);
        const byRules = Object.fromEntries(all.map((s) => [s.rules, s]));
        const compareWith = rules === primaryRules ? shadowRules : primaryRules;
        const other = meta?.pilot && compareWith !== rules ? byRules[compareWith] : null;
        title.textContent = meta?.name ?? `Instansi ${code}`;
        sub.replaceChildren(h('span', { class: 'mono' }, code), meta?.pilot ? h('span', { class: 'badge pilot' }, 'pilot') : null, ' · aturan utama ', rulesBadge(primaryRules, true), ' · ', staleBadge(summary.freshness.stale));
        switcher.replaceChildren(
          ...RULE_SETS.map((r) =>
            h('button', { type: 'button', class: r === rules ? 'on' : '', 'aria-pressed': String(r === rules), title: `${r}${r === primaryRules ? ' (utama)' : ''}`, dataset: { rules: r }, onclick: () => ((state.rules = r), void this.update()) }, RULES_LABEL[r] ?? r, r === primaryRules ? ' (utama)' : '', computingBadge(r)),
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
              dimensionMeters(summary.dimensions, ruleColor(rules)),
            ),
            card('Kategori', categoryBar(summary.categories, { height: 12 }), categoryLegend(), categoryList(summary.categories)),
          ),
          card('PNS dan PPPK', groupTable(groups)),
          card('Semua aturan yang berlaku', allRulesTable(all, primaryRules)),
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
