// Freshness: per agency the time since the last accepted event, accepted/rejected in the last hour
// and day, the share with data gaps and the stale flag; per consumer group and partition the lag.
import { miniBar } from '../charts.js';
import { ago, card, duration, fmtInt, fmtPct, fmtTime, getJson, h, staleBadge } from '../lib.js';

function agencyTable(list) {
  const maxDay = Math.max(1, ...list.map((a) => a.lastDay.accepted + a.lastDay.rejected));
  return h(
    'table',
    { class: 'freshness' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, 'Instansi'), h('th', {}, 'Event terakhir diterima'), h('th', { class: 'num' }, 'Kadens'), h('th', { class: 'num' }, 'Diterima / ditolak 1 jam'), h('th', { class: 'num' }, 'Diterima / ditolak 24 jam'), h('th', {}, ''), h('th', { class: 'num' }, 'Data belum lengkap'), h('th', {}, 'Status')),
    ),
    h(
      'tbody',
      {},
      list.map((a) =>
        h(
          'tr',
          { class: [a.stale && 'row-stale'], dataset: { code: a.code, stale: String(a.stale) } },
          h('td', {}, h('a', { href: `#/agency/${a.code}` }, a.name ?? a.code), h('div', { class: 'muted mono small' }, a.code)),
          h('td', { title: fmtTime(a.lastAcceptedAt) }, a.lastAcceptedAt ? ago(a.lastAcceptedAt) : 'belum pernah'),
          h('td', { class: 'num' }, `${a.cadenceDays} hari`),
          h('td', { class: 'num' }, `${fmtInt(a.lastHour.accepted)} / `, h('span', { class: a.lastHour.rejected ? 'down' : '' }, fmtInt(a.lastHour.rejected))),
          h('td', { class: 'num' }, `${fmtInt(a.lastDay.accepted)} / `, h('span', { class: a.lastDay.rejected ? 'down' : '' }, fmtInt(a.lastDay.rejected))),
          h('td', { class: 'chart' }, miniBar(a.lastDay.accepted, maxDay, '#5bb374')),
          h('td', { class: 'num' }, fmtPct(a.dataGapShare)),
          h('td', {}, staleBadge(a.stale), a.staleSince ? h('div', { class: 'muted small' }, `sejak ${ago(a.staleSince)}`) : null),
        ),
      ),
    ),
  );
}

function groupCard(g, openState) {
  const maxLag = Math.max(1, ...g.partitions.map((p) => p.lag));
  const lagging = g.partitions.filter((p) => p.lag > 0);
  return h(
    'section',
    { class: 'card group', dataset: { group: g.groupId } },
    h('div', { class: 'card-head' }, h('h2', {}, g.service), h('span', { class: 'muted mono small' }, g.groupId)),
    h(
      'dl',
      { class: 'facts' },
      h('div', {}, h('dt', {}, 'Status grup'), h('dd', {}, `${g.state} · ${g.members} anggota`)),
      h('div', {}, h('dt', {}, 'Lag'), h('dd', { class: g.totalLag ? 'down' : '' }, `${fmtInt(g.totalLag)} pesan`)),
      h('div', {}, h('dt', {}, 'Lag terlama'), h('dd', {}, g.maxLagSeconds === null ? '—' : duration(g.maxLagSeconds))),
      h('div', {}, h('dt', {}, 'Partisi'), h('dd', {}, `${g.partitions.length} (${lagging.length} tertinggal)`)),
    ),
    g.partitions.length === 0
      ? h('p', { class: 'muted' }, 'Topik belum ada.')
      : h(
          'details',
          { open: openState.get(g.groupId) ?? (lagging.length > 0 && lagging.length <= 12), ontoggle: (e) => openState.set(g.groupId, e.target.open) },
          h('summary', {}, 'Per partisi'),
          h(
            'table',
            { class: 'partitions' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Topik / partisi'), h('th', { class: 'num' }, 'Lag'), h('th', {}, ''), h('th', { class: 'num' }, 'Detik'))),
            h(
              'tbody',
              {},
              (lagging.length > 0 ? lagging : g.partitions).map((p) =>
                h('tr', {}, h('td', { class: 'mono small' }, `${p.topic} / ${p.partition}`), h('td', { class: 'num' }, fmtInt(p.lag)), h('td', { class: 'chart' }, miniBar(p.lag, maxLag, '#ec8a3c')), h('td', { class: 'num' }, p.lagSeconds === null ? '—' : duration(p.lagSeconds))),
              ),
            ),
          ),
        ),
  );
}

export default {
  mount(root) {
    const status = h('p', { class: 'muted' });
    const groups = h('div', { class: 'grid groups-grid' });
    const agencies = h('div', { class: 'table-wrap' });
    const openState = new Map();
    root.append(h('h1', {}, 'Kesegaran data'), status, h('h2', { class: 'section' }, 'Grup konsumen'), groups, card('Instansi', agencies));
    return {
      title: 'Kesegaran data',
      async update() {
        const d = await getJson('/api/freshness');
        const stale = d.agencies.filter((a) => a.stale).length;
        status.textContent = `${stale} dari ${d.agencies.length} instansi basi · pemeriksaan setiap ${duration(d.staleCheck.everyMs / 1000)}, terakhir ${ago(d.staleCheck.lastRunAt)}${d.lag.error ? ` · lag tidak terbaca: ${d.lag.error}` : ''}`;
        groups.replaceChildren(...d.lag.groups.map((g) => groupCard(g, openState)));
        const sorted = [...d.agencies].sort((a, b) => Number(b.stale) - Number(a.stale) || a.code.localeCompare(b.code));
        agencies.replaceChildren(agencyTable(sorted));
      },
    };
  },
};
