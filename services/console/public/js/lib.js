// Small DOM and formatting helpers. Every text goes in through textContent (never innerHTML), so
// data from agencies (names, reject messages, original JSON) cannot inject markup.

export const CATEGORIES = ['SANGAT_TINGGI', 'TINGGI', 'SEDANG', 'RENDAH', 'SANGAT_RENDAH'];
export const CATEGORY_LABEL = {
  SANGAT_TINGGI: 'Sangat Tinggi',
  TINGGI: 'Tinggi',
  SEDANG: 'Sedang',
  RENDAH: 'Rendah',
  SANGAT_RENDAH: 'Sangat Rendah',
};
export const CATEGORY_COLOR = {
  SANGAT_TINGGI: '#1a7f5a',
  TINGGI: '#5bb374',
  SEDANG: '#e4b53b',
  RENDAH: '#ec8a3c',
  SANGAT_RENDAH: '#d64545',
};
export const DIMENSIONS = [
  { key: 'kualifikasi', label: 'Kualifikasi', max: 25 },
  { key: 'kompetensi', label: 'Kompetensi', max: 40 },
  { key: 'kinerja', label: 'Kinerja', max: 30 },
  { key: 'disiplin', label: 'Disiplin', max: 5 },
];
// The rule sets in force come from the server (/api/rule-sets, filled by loadRuleSets): rule sets
// are open data, so no id is named here. Labels are the ids; titles go in tooltips.
/** Ids in list order. */
export const RULE_SETS = [];
/** id → label. */
export const RULES_LABEL = {};
/** id → { id, version, title, status, baseline, computing }. */
export const RULE_SET_INFO = {};
const RULE_PALETTE = ['#7a869a', '#2f6fde', '#1a9e8f', '#b5568f', '#c98a1a', '#5a5fc8'];

/** Reads the list in force (and which rule sets are still being computed) into the exports above. */
export async function loadRuleSets() {
  const data = await getJson('/api/rule-sets');
  RULE_SETS.splice(0, RULE_SETS.length, ...data.ruleSets.map((r) => r.id));
  for (const r of data.ruleSets) {
    RULES_LABEL[r.id] = r.id;
    RULE_SET_INFO[r.id] = r;
  }
  return data;
}

/** A stable colour per rule set: its place in the list. */
export function ruleColor(id) {
  const i = RULE_SETS.indexOf(id);
  return RULE_PALETTE[(i < 0 ? 0 : i) % RULE_PALETTE.length];
}

/** "sedang dihitung" while a rule set is not yet computed for every stored employee (ipasn rescore). */
export function computingBadge(id) {
  const c = RULE_SET_INFO[id]?.computing;
  if (!c) return null;
  return h('span', { class: 'badge computing', dataset: { computing: id }, title: `versi ${c.version} belum dihitung untuk semua pegawai tersimpan (ipasn rescore --rules ${id})` }, 'sedang dihitung');
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'style') Object.assign(el.style, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** h('div', { class: 'x' }, 'text', child…) */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** A lapsed session (401) sends the browser to the sign-in page, coming back here afterwards. */
function signInAgain(res) {
  if (res.status === 401) location.assign(`/login?next=${encodeURIComponent(location.pathname + location.hash)}`);
}

export async function getJson(url) {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  signInAgain(res);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message ?? `${res.status} ${res.statusText}`);
  return body;
}

export async function postJson(url, data) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(data) });
  signInAgain(res);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message ?? `${res.status} ${res.statusText}`);
  return body;
}

let session;
/** The signed-in user `{ name, role }` (asked once per page load). */
export function currentSession() {
  session ??= getJson('/api/session');
  return session;
}

const nf = new Intl.NumberFormat('id-ID');
const nf2 = new Intl.NumberFormat('id-ID', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const fmtInt = (n) => (n === null || n === undefined ? '—' : nf.format(n));
export const fmtIndex = (n) => (n === null || n === undefined ? '—' : nf2.format(n));
export const fmtSigned = (n) => (n === null || n === undefined ? '—' : `${n > 0 ? '+' : n < 0 ? '−' : '±'}${nf2.format(Math.abs(n))}`);
export const fmtPct = (x) => (x === null || x === undefined ? '—' : `${nf.format(Math.round(x * 1000) / 10)}%`);

/** "3 mnt lalu", "2 hari lalu"; "belum pernah" for null. */
export function ago(iso, now = Date.now()) {
  if (!iso) return 'belum pernah';
  return duration((now - Date.parse(iso)) / 1000) + ' lalu';
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} dtk`;
  if (s < 3600) return `${Math.floor(s / 60)} mnt`;
  if (s < 86400) return `${Math.floor(s / 3600)} jam`;
  return `${Math.floor(s / 86400)} hari`;
}

export function fmtTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('id-ID', { dateStyle: 'medium', timeStyle: 'medium' });
}

export function categoryBadge(cat) {
  if (!cat) return h('span', { class: 'badge muted' }, '—');
  return h('span', { class: ['badge', `cat-${cat}`] }, CATEGORY_LABEL[cat]);
}

export function rulesBadge(rules, primary) {
  const title = `${primary ? 'aturan utama' : 'aturan bayangan'}${RULE_SET_INFO[rules] ? ` — ${RULE_SET_INFO[rules].title}` : ''}`;
  return h('span', {}, h('span', { class: ['badge', 'rules', primary ? 'primary' : 'shadow'], title }, RULES_LABEL[rules] ?? rules), computingBadge(rules));
}

export function staleBadge(stale) {
  return stale ? h('span', { class: 'badge stale', title: 'Tidak ada event diterima dalam kadensinya' }, 'Basi') : h('span', { class: 'badge fresh' }, 'Segar');
}

export function errorBox(err) {
  return h('div', { class: 'error', role: 'alert' }, `Gagal memuat: ${err.message}`);
}

export function card(title, ...children) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...children);
}

/** The category of an index (ipasn-rules.md: the same thresholds in both rule sets). */
export function categoryOfIndex(index) {
  if (index === null || index === undefined) return null;
  if (index >= 91) return 'SANGAT_TINGGI';
  if (index >= 81) return 'TINGGI';
  if (index >= 71) return 'SEDANG';
  if (index >= 61) return 'RENDAH';
  return 'SANGAT_RENDAH';
}
