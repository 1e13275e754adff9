// Held events: per sending agency, the events the scorer holds while a transfer is on its way
// (events.md). They are applied when the transfer arrives, or dead-lettered as NOT_OWNER when the
// hold ends — until then they are neither accepted nor rejected.
import { miniBar } from '../charts.js';
import { card, fmtInt, getJson, h } from '../lib.js';

function table(list) {
  const max = Math.max(1, ...list.map((a) => a.events));
  return h(
    'table',
    { class: 'held' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Instansi pengirim'), h('th', { class: 'num' }, 'Event ditahan'), h('th', {}, ''), h('th', { class: 'num' }, 'Pegawai'))),
    h(
      'tbody',
      {},
      list.map((a) =>
        h(
          'tr',
          { dataset: { code: a.code } },
          h('td', {}, h('a', { href: `#/agency/${a.code}` }, a.name ?? a.code), h('div', { class: 'muted mono small' }, a.code)),
          h('td', { class: 'num' }, fmtInt(a.events)),
          h('td', { class: 'chart' }, miniBar(a.events, max, '#ec8a3c')),
          h('td', { class: 'num' }, fmtInt(a.employees)),
        ),
      ),
    ),
  );
}

export default {
  mount(root) {
    const status = h('p', { class: 'muted' });
    const body = h('div', { class: 'table-wrap' });
    root.append(h('h1', {}, 'Event ditahan'), status, card('Menunggu mutasi', body));
    return {
      title: 'Event ditahan',
      async update() {
        const d = await getJson('/api/held');
        status.textContent =
          `${fmtInt(d.total.events)} event untuk ${fmtInt(d.total.employees)} pegawai menunggu mutasi yang menjadikan pengirimnya pemilik. ` +
          `Diterapkan berurutan saat mutasi tiba; setelah ${d.holdHours} jam ditolak sebagai NOT_OWNER.`;
        body.replaceChildren(d.agencies.length === 0 ? h('p', { class: 'muted' }, 'Tidak ada event yang ditahan.') : table(d.agencies));
      },
    };
  },
};
