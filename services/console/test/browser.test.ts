/**
 * The web console in Debian's Chromium, driven by playwright-core (never a downloaded browser):
 * real aggregates from `ipasn generate` + `ipasn score`, freshness stamps with one stale agency, and
 * rejects on the DLQ. Screenshots go to test-artifacts/console/. A missing Chromium fails the file
 * (scripts/ensure-chromium.sh, run by `npm test`, installs it).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { BatchProducer } from '@ipasn/kafka';
import { deadLetterMessage, recordFreshness } from '@ipasn/pipeline';
import { SHIPPED_RULE_SETS } from '@ipasn/rules';
import { SchemaRegistry } from '@ipasn/serde';
import { DAY_MS, KafkaReader, type ConsoleHandle } from '../src/index.js';
import { AGENCIES, createTopics, loadDataset, PILOT_CODES, ROOT, startTestConsole, test, testAuth, until } from './fixtures.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-artifacts/console');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STALE = '6171';
const NIP = '198501012010011001';

describe('web console in headless Chromium', () => {
  let c: ConsoleHandle;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const problems: string[] = [];

  test.beforeAll(async ({ ns, redis, kafka, tmp }) => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run services/console/scripts/ensure-chromium.sh`);
    await mkdir(SHOTS, { recursive: true });
    await createTopics(kafka, ns, ['3004', STALE]);
    await loadDataset(redis, ns.redisPrefix, { seed: 'console-ui', employees: 600, asOf: '2025-06-30', dir: tmp });
    const now = Date.now();
    const p = redis.pipeline();
    for (const code of PILOT_CODES) recordFreshness(p, ns.redisPrefix, code, { accepted: 120, rejected: 4, duplicates: 1 }, code === STALE ? now - 10 * DAY_MS : now - 90_000);
    await p.exec();

    const registry = SchemaRegistry.load();
    const producer = new BatchProducer(kafka);
    await producer.connect();
    const original = JSON.stringify({ specversion: '1.0', id: 'ui-1', source: '/agencies/3004', type: 'ipasn.employee.upserted', subject: NIP, time: '2025-06-01T08:00:00+07:00', data: { name: 'Ani', employmentType: 'HONORER', jobGroup: 'PELAKSANA' } });
    const dl = (reason: 'SCHEMA_INVALID' | 'MALFORMED', value: string, offset: number, message: string) =>
      deadLetterMessage(ns.topics, registry, {
        originalValue: Buffer.from(value),
        originalKey: Buffer.from(NIP),
        reason,
        message,
        stage: 'normalizer',
        sourceTopic: ns.topics.ingress('3004'),
        sourcePartition: 0,
        sourceOffset: offset,
        eventId: reason === 'MALFORMED' ? null : 'ui-1',
        eventSource: reason === 'MALFORMED' ? null : '/agencies/3004',
        eventType: reason === 'MALFORMED' ? null : 'ipasn.employee.upserted',
        agencyCode: '3004',
        rejectedAt: now - (reason === 'MALFORMED' ? 120_000 : 30_000),
      });
    await producer.send([dl('MALFORMED', '{"specversion": "1.0", ', 17, 'not JSON: Unexpected end of JSON input'), dl('SCHEMA_INVALID', original, 18, 'data.employmentType: expected PNS or PPPK')]);
    await producer.close();

    c = await startTestConsole(ns, { SCORING_AS_OF: '2025-06-30' });
    await c.checkStaleNow();
    profile = await mkdtemp(join(tmpdir(), 'console-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1360, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    // The console sends a browser without a session to /login, and back where it was going after.
    const a = await testAuth();
    await page.goto(`${c.url}/#/`);
    await page.waitForURL(/\/login\?next=/u);
    await page.getByLabel('Nama pengguna').fill(a.users.operator.name);
    await page.getByLabel('Kata sandi').fill(a.users.operator.password);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.waitForURL(`${c.url}/`);
    expect(await page.locator('#who').textContent()).toBe(`${a.users.operator.name} · operator`);
  });
  test.afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await c?.close();
  });

  test('the overview lists the pilot agencies, with the national rollup under every rule set in force', async () => {
    await page.goto(`${c.url}/#/`);
    await page.locator('table.agencies tbody tr[data-code]').first().waitFor();
    for (const a of AGENCIES.all.filter((x) => x.pilot)) await expect(page.locator(`tr[data-code="${a.code}"]`).getByText(a.name, { exact: true }).count()).resolves.toBe(1);
    expect(await page.locator('section.national').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['rules']))).toEqual(SHIPPED_RULE_SETS.ids);
    expect(await page.locator('section.national[data-rules="perban-8-2019"] .big-number').textContent()).toMatch(/^\d+,\d\d$/u);
    // Filtering and sorting work in place.
    await page.getByRole('combobox', { name: 'Saring instansi' }).selectOption('pilot');
    expect(await page.locator('table.agencies tbody tr[data-code]').count()).toBe(11);
    await page.getByRole('button', { name: /Indeks ASN/u }).click();
    await page.screenshot({ path: join(SHOTS, 'overview.png'), fullPage: true });
    await page.getByRole('combobox', { name: 'Saring instansi' }).selectOption('all');
    expect(problems).toEqual([]);
  });

  test('a stale agency is highlighted', async () => {
    await page.goto(`${c.url}/#/`);
    const row = page.locator(`tr[data-code="${STALE}"]`);
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('row-stale');
    expect(await row.locator('.badge.stale').textContent()).toBe('Basi');
    const bg = await row.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).not.toBe('rgba(0, 0, 0, 0)');
    expect(await page.locator('tr[data-code="3004"]').getAttribute('class')).not.toContain('row-stale');
    await page.getByRole('combobox', { name: 'Saring instansi' }).selectOption('stale');
    const staleCodes = await page.locator('table.agencies tbody tr[data-code]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['code']));
    expect(staleCodes).toContain(STALE);
    expect(staleCodes).not.toContain('3004');
    await page.screenshot({ path: join(SHOTS, 'overview-stale.png'), fullPage: false });
    await page.goto(`${c.url}/#/freshness`);
    await page.locator(`tr[data-code="${STALE}"].row-stale`).waitFor();
    await page.screenshot({ path: join(SHOTS, 'freshness.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  test('an agency page shows the four dimensions, the PNS/PPPK split, every rule set and, for a pilot, two side by side', async () => {
    await page.goto(`${c.url}/#/agency/3004`);
    await page.locator('.dims .meter').first().waitFor();
    expect(await page.locator('h1').textContent()).toBe('Kementerian Hukum dan HAM');
    const labels = await page.locator('.dims .meter-label').allTextContents();
    expect(labels).toEqual(['Kualifikasi', 'Kompetensi', 'Kinerja', 'Disiplin']);
    expect(await page.locator('table.groups tbody th').allTextContents()).toEqual(['PNS', 'PPPK']);
    await page.getByText('Dua aturan berdampingan').waitFor();
    expect(await page.locator('.side').count()).toBe(2);
    expect(await page.locator('table.diff tbody tr').count()).toBe(5);
    // Every rule set in force, one row each, and a switch button each.
    expect(await page.locator('table.all-rules tbody tr').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['rules']))).toEqual(SHIPPED_RULE_SETS.ids);
    expect(await page.locator('.segmented[aria-label="Aturan"] button').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['rules']))).toEqual(SHIPPED_RULE_SETS.ids);
    await page.screenshot({ path: join(SHOTS, 'agency-3004.png'), fullPage: true });
    await page.goto(`${c.url}/#/pilot`);
    await page.locator('table.pilot tbody tr').nth(10).waitFor();
    expect(await page.locator('table.pilot tbody tr').count()).toBe(11);
    // Any two rule sets: bkn-2023 against reformulasi-2024 for every pilot agency.
    await page.getByRole('combobox', { name: 'Aturan kiri' }).selectOption('bkn-2023');
    await page.getByRole('combobox', { name: 'Aturan kanan' }).selectOption('reformulasi-2024');
    await page.locator('table.pilot thead th', { hasText: 'bkn-2023' }).waitFor();
    expect(await page.locator('table.pilot thead th').nth(3).textContent()).toBe('reformulasi-2024');
    await page.screenshot({ path: join(SHOTS, 'pilot.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  test('the DLQ view lists a reject and redrive works', async ({ ns, kafka }) => {
    await page.goto(`${c.url}/#/dlq`);
    const items = page.locator('article.dlq-item');
    await items.nth(1).waitFor();
    expect(await items.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['reason']))).toEqual(['SCHEMA_INVALID', 'MALFORMED']);
    const reject = items.first();
    expect(await reject.locator('.dlq-message').textContent()).toBe('data.employmentType: expected PNS or PPPK');
    await reject.locator('summary').click();
    expect(await reject.locator('pre.original').textContent()).toContain('"employmentType": "HONORER"');
    await page.screenshot({ path: join(SHOTS, 'dlq.png'), fullPage: true });

    await reject.locator('input[type="checkbox"]').check();
    await page.getByRole('button', { name: 'Kirim ulang (1)' }).click();
    await page.locator('.result.ok').waitFor();
    expect(await page.locator('.result').textContent()).toBe(`1 dikirim ulang ke ${ns.topics.ingress('3004')}`);
    await page.locator('article.dlq-item.redriven .badge.redrive').waitFor();
    expect(await page.locator('article.dlq-item.redriven .badge.redrive').textContent()).toContain(`dikirim ulang oleh ${(await testAuth()).users.operator.name} `);
    await page.screenshot({ path: join(SHOTS, 'dlq-redriven.png'), fullPage: true });

    // The original bytes are back on the agency's ingress topic.
    const reader = new KafkaReader(kafka, `${ns.topicPrefix}ui-reader-`);
    const copy = await until('the redriven message on ingress', async () => {
      const offsets = await reader.offsets(ns.topics.ingress('3004'));
      const reads = await reader.read(offsets.filter((o) => o.high > o.low).map((o) => ({ topic: ns.topics.ingress('3004'), partition: o.partition, from: o.low, to: o.high })));
      return reads.flatMap((r) => r.messages)[0];
    });
    expect(copy.value?.toString()).toContain('"employmentType":"HONORER"');
    expect(copy.key?.toString()).toBe(NIP);
    expect(problems).toEqual([]);
  });

  test('the layout holds on a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${c.url}/#/agency/6171`);
    await page.locator('.dims .meter').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, 'agency-6171-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1360, height: 900 });
    expect(problems).toEqual([]);
  });

  test('signing out, a viewer signs in: the DLQ shows NIPs and names masked and no redrive; /docs renders under its CSP', async () => {
    const a = await testAuth();
    await page.goto(`${c.url}/#/`);
    await page.getByRole('button', { name: 'Keluar' }).click();
    await page.waitForURL(/\/login\?out=1/u);
    await page.getByLabel('Nama pengguna').fill(a.users.viewer.name);
    await page.getByLabel('Kata sandi').fill(a.users.viewer.password);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.waitForURL(`${c.url}/`);
    await page.goto(`${c.url}/#/dlq`);
    const items = page.locator('article.dlq-item');
    await items.nth(1).waitFor();
    await items.first().locator('summary').click();
    const original = (await items.first().locator('pre.original').textContent()) ?? '';
    expect(original).toContain('"subject": "1985••••••••••••01"');
    expect(original).toContain('"name": "(nama disamarkan)"');
    expect(await page.locator('main').textContent()).not.toContain(NIP);
    expect(await page.locator('article.dlq-item input[type="checkbox"]').count()).toBe(0);
    await expect(page.getByRole('button', { name: /Kirim ulang/u }).isVisible()).resolves.toBe(false);
    await page.screenshot({ path: join(SHOTS, 'dlq-viewer.png'), fullPage: true });

    await page.goto(`${c.url}/docs`);
    await page.locator('.swagger-ui .opblock').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'docs.png') });
    expect(problems).toEqual([]);
  });
});
