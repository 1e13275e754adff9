// The console's router and live updates: every view mounts once per navigation and is refreshed
// by polling its API every few seconds (paused while the tab is hidden).
import { currentSession, errorBox, h } from './lib.js';
import overview from './views/overview.js';
import agency from './views/agency.js';
import pilot from './views/pilot.js';
import freshness from './views/freshness.js';
import dlq from './views/dlq.js';
import held from './views/held.js';

const REFRESH_MS = 5000;

const routes = [
  { pattern: /^#?\/?$/, view: overview, nav: 'overview' },
  { pattern: /^#\/agency\/([0-9A-Z]{4})$/, view: agency, nav: 'overview' },
  { pattern: /^#\/pilot$/, view: pilot, nav: 'pilot' },
  { pattern: /^#\/freshness$/, view: freshness, nav: 'freshness' },
  { pattern: /^#\/held$/, view: held, nav: 'held' },
  { pattern: /^#\/dlq$/, view: dlq, nav: 'dlq' },
];

const root = document.getElementById('view');
const liveText = document.getElementById('live-text');
const live = document.getElementById('live');
let current = null;
let timer = null;
let generation = 0;

function setLive(ok, text) {
  live.classList.toggle('error', !ok);
  liveText.textContent = text;
}

async function refresh(gen) {
  if (!current || gen !== generation || current.busy) return;
  current.busy = true;
  try {
    await current.mounted.update();
    if (gen === generation) setLive(true, `langsung · ${new Date().toLocaleTimeString('id-ID')}`);
  } catch (err) {
    if (gen === generation) setLive(false, `gagal memperbarui: ${err.message}`);
  } finally {
    current.busy = false;
  }
}

async function navigate() {
  generation++;
  const gen = generation;
  clearInterval(timer);
  current?.mounted.unmount?.();
  const hash = location.hash || '#/';
  const route = routes.find((r) => r.pattern.test(hash));
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', route?.nav === a.dataset.nav);
  root.replaceChildren();
  if (!route) {
    root.append(h('div', { class: 'card' }, h('h1', {}, 'Halaman tidak ditemukan'), h('a', { href: '#/' }, 'Kembali ke ringkasan')));
    return;
  }
  const params = hash.match(route.pattern).slice(1);
  try {
    const mounted = route.view.mount(root, params);
    current = { mounted, busy: false };
    document.title = `${mounted.title ?? 'Konsol'} — IP ASN`;
    await refresh(gen);
    root.focus({ preventScroll: true });
  } catch (err) {
    root.replaceChildren(errorBox(err));
  }
  timer = setInterval(() => {
    if (!document.hidden) void refresh(gen);
  }, route.view.refreshMs ?? REFRESH_MS);
}

window.addEventListener('hashchange', () => void navigate());
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void refresh(generation);
});
currentSession()
  .then((s) => {
    document.getElementById('who').textContent = `${s.name} · ${s.role}`;
    document.body.dataset.role = s.role;
  })
  .catch(() => undefined);
fetch('/api/meta')
  .then((r) => r.json())
  .then((m) => {
    document.getElementById('asof').textContent = m.asOf;
  })
  .catch(() => undefined);
void navigate();
