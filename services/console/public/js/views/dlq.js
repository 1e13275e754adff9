// Dead letters: recent rejects, newest first, filtered by agency and reason, with the original
// message; select some and redrive them to where they came from.
import { ago, card, currentSession, fmtInt, fmtTime, getJson, h, postJson } from '../lib.js';

const REASON_LABEL = {
  MALFORMED: 'Rusak',
  UNSUPPORTED_TYPE: 'Jenis tidak didukung',
  SCHEMA_INVALID: 'Skema tidak valid',
  INVALID_NIP: 'NIP tidak valid',
  UNKNOWN_AGENCY: 'Instansi tidak dikenal',
  AGENCY_MISMATCH: 'Instansi tidak cocok',
  FUTURE_DATED: 'Tanggal di masa depan',
  NOT_OWNER: 'Bukan pemilik',
  UNKNOWN_RECORD: 'Rekaman tidak dikenal',
  TOO_MANY_RECORDS: 'Terlalu banyak rekaman',
};

export default {
  refreshMs: 10000,
  mount(root) {
    const state = { agency: '', reason: '', items: [], cursor: null, olderLoaded: false, selected: new Set(), open: new Set() };
    const agencySelect = h('select', { 'aria-label': 'Instansi', onchange: (e) => ((state.agency = e.target.value), reload()) }, h('option', { value: '' }, 'Semua instansi'));
    const reasonSelect = h('select', { 'aria-label': 'Alasan', onchange: (e) => ((state.reason = e.target.value), reload()) }, h('option', { value: '' }, 'Semua alasan'), Object.entries(REASON_LABEL).map(([k, v]) => h('option', { value: k }, `${k} — ${v}`)));
    // Who redrives is the signed-in user (the server records it); viewers see rejects masked and cannot redrive.
    const who = h('span', { class: 'muted' });
    const viewerNote = h('p', { class: 'muted masked-note', hidden: true }, 'Peran viewer: NIP dan nama disamarkan; kirim ulang hanya untuk operator.');
    let canRedrive = false;
    const note = h('input', { type: 'text', placeholder: 'Catatan (opsional)', 'aria-label': 'Catatan' });
    const redriveButton = h('button', { type: 'button', class: 'primary', disabled: true, onclick: () => void doRedrive() }, 'Kirim ulang');
    const result = h('div', { class: 'result', role: 'status', 'aria-live': 'polite' });
    const list = h('div', { class: 'dlq-list' });
    const info = h('span', { class: 'muted' });
    const more = h('button', { type: 'button', class: 'ghost', onclick: () => void loadOlder() }, 'Muat yang lebih lama');

    getJson('/api/meta')
      .then((m) => agencySelect.append(...m.agencies.map((a) => h('option', { value: a.code }, `${a.code} — ${a.name ?? ''}`))))
      .catch(() => undefined);

    function query(cursor) {
      const q = new URLSearchParams();
      if (state.agency) q.set('agency', state.agency);
      if (state.reason) q.set('reason', state.reason);
      if (cursor) q.set('cursor', cursor);
      return `/api/dlq?${q}`;
    }

    function syncButton() {
      redriveButton.disabled = state.selected.size === 0;
      redriveButton.textContent = state.selected.size ? `Kirim ulang (${state.selected.size})` : 'Kirim ulang';
    }

    function item(it) {
      // A cut original (over 64 KiB) is not the event any more: it cannot be sent again.
      const cut = it.originalLength !== null && it.originalLength !== undefined;
      const box = !canRedrive || cut ? null : h('input', { type: 'checkbox', 'aria-label': `pilih ${it.id}`, checked: state.selected.has(it.id), onchange: (e) => (e.target.checked ? state.selected.add(it.id) : state.selected.delete(it.id), syncButton()) });
      return h(
        'article',
        { class: ['dlq-item', it.redrive && 'redriven'], dataset: { id: it.id, reason: it.reason } },
        h(
          'div',
          { class: 'dlq-head' },
          box,
          h('span', { class: ['badge', 'reason', `reason-${it.reason}`], title: REASON_LABEL[it.reason] }, it.reason),
          h('span', { class: 'mono' }, it.agencyCode ?? '—'),
          h('span', { class: 'muted' }, it.eventType ?? 'jenis tidak terbaca'),
          h('span', { class: 'spacer' }),
          h('time', { datetime: it.rejectedAt, title: fmtTime(it.rejectedAt) }, ago(it.rejectedAt)),
        ),
        h('p', { class: 'dlq-message' }, it.message),
        h(
          'div',
          { class: 'dlq-meta muted small' },
          h('span', {}, `sumber ${it.source.topic} / ${it.source.partition} / ${it.source.offset}`),
          h('span', {}, `DLQ ${it.id}`),
          h('span', {}, `tahap ${it.stage}`),
          it.eventId ? h('span', {}, `id ${it.eventId}`) : null,
          it.redrive ? h('span', { class: 'badge redrive' }, `dikirim ulang oleh ${it.redrive.by} ${ago(it.redrive.at)} → ${it.redrive.target}`) : null,
        ),
        h(
          'details',
          { open: state.open.has(it.id), ontoggle: (e) => (e.target.open ? state.open.add(it.id) : state.open.delete(it.id)) },
          h('summary', {}, `Pesan asli (${it.originalFormat === 'avro' ? 'event kanonik Avro, didekode' : 'JSON'}, ${fmtInt(it.originalBytes)} bita)`),
          cut ? h('p', { class: 'muted small' }, `Dipotong: ${fmtInt(it.originalBytes)} dari ${fmtInt(it.originalLength)} bita disimpan; tidak dapat dikirim ulang.`) : null,
          h('pre', { class: 'original' }, pretty(it)),
        ),
      );
    }

    function pretty(it) {
      if (it.originalFormat !== 'json') return it.original;
      try {
        return JSON.stringify(JSON.parse(it.original), null, 2);
      } catch {
        return it.original;
      }
    }

    function draw(page) {
      info.textContent = `${state.items.length} ditampilkan · DLQ menyimpan ${fmtInt(page.retained)} offset`;
      list.replaceChildren(...state.items.map(item));
      if (state.items.length === 0) list.append(h('p', { class: 'empty' }, 'Tidak ada penolakan yang cocok.'));
      more.hidden = !state.cursor;
      syncButton();
    }

    async function reload() {
      state.selected.clear();
      state.olderLoaded = false;
      const page = await getJson(query());
      state.items = page.items;
      state.cursor = page.nextCursor;
      draw(page);
    }

    async function loadOlder() {
      if (!state.cursor) return;
      const page = await getJson(query(state.cursor));
      state.items = state.items.concat(page.items);
      state.cursor = page.nextCursor;
      state.olderLoaded = true;
      draw(page);
    }

    async function doRedrive() {
      const ids = [...state.selected];
      result.className = 'result';
      result.textContent = `Mengirim ulang ${ids.length} pesan…`;
      try {
        const body = { ids, note: note.value.trim() || undefined };
        const res = await postJson('/api/dlq/redrive', body);
        const done = res.results.filter((r) => r.status === 'redriven');
        const other = res.results.filter((r) => r.status !== 'redriven');
        result.classList.add(done.length ? 'ok' : 'warn');
        result.textContent = `${done.length} dikirim ulang${done[0] ? ` ke ${[...new Set(done.map((r) => r.target))].join(', ')}` : ''}${other.length ? ` · ${other.map((r) => `${r.id}: ${r.status}`).join(', ')}` : ''}`;
        state.selected.clear();
        await reload();
      } catch (err) {
        result.classList.add('warn');
        result.textContent = `Gagal: ${err.message}`;
      }
    }

    root.append(
      h('h1', {}, 'Antrian surat mati (DLQ)'),
      card(
        null,
        h('div', { class: 'toolbar' }, agencySelect, reasonSelect, h('span', { class: 'spacer' }), info),
        h('div', { class: 'toolbar redrive-bar' }, who, note, redriveButton),
        viewerNote,
        result,
      ),
      list,
      h('div', { class: 'center' }, more),
    );

    const ready = currentSession().then((s) => {
      canRedrive = s.role === 'operator';
      who.textContent = canRedrive ? `kirim ulang sebagai ${s.name}` : '';
      for (const el of [note, redriveButton]) el.hidden = !canRedrive;
      viewerNote.hidden = canRedrive;
    });

    return {
      title: 'DLQ',
      async update() {
        await ready;
        // Live: refresh the newest page unless the operator is paging back or has a selection.
        if (state.olderLoaded || state.selected.size > 0) return;
        const page = await getJson(query());
        state.items = page.items;
        state.cursor = page.nextCursor;
        draw(page);
      },
    };
  },
};
