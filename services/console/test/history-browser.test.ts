/**
 * The history charts in Debian's Chromium (playwright-core, as browser.test.ts): on the agency page
 * and the overview, the index line is drawn through the samples the projector's store wrote, its
 * newest point says the agency's index, the range buttons redraw it, and the reject-rate bars show
 * the hour with rejects. Screenshots go to test-artifacts/console/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { AggregateStore } from '@ipasn/aggregates';
import { scoreEvent, scoreOf } from '@ipasn/aggregates/testing';
import { recordFreshness } from '@ipasn/pipeline';
import type { ConsoleHandle } from '../src/index.js';
import { ROOT, startTestConsole, test, testAuth } from './fixtures.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-artifacts/console');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const HOUR = 3_600_000;
// 3004's primary rule set on the evaluation date is reformulasi-2024 (agency list); the overview
// shows perban-8-2019 by default. The same scores go under both.
const RULE_SETS = ['reformulasi-2024', 'perban-8-2019'] as const;

describe('history charts in headless Chromium', () => {
  let c: ConsoleHandle;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const problems: string[] = [];

  test.beforeAll(async ({ ns, redis }) => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run services/console/scripts/ensure-chromium.sh`);
    await mkdir(SHOTS, { recursive: true });
    const store = await AggregateStore.open(redis, ns.redisPrefix);
    const now = Date.now();
    // Five changes over two days: the index goes 60 → 70 → 80 → 65 → 90 (one employee, re-scored).
    const totals = [60, 70, 80, 65, 90];
    for (const [i, total] of totals.entries()) {
      for (const rules of RULE_SETS) {
        const e = scoreEvent({ nip: '199001012020121001', rules, version: i + 1, agencyCode: '3004', previousAgencyCode: i === 0 ? null : '3004', score: scoreOf(rules, [total, total, total, total]) });
        await store.apply([e]);
        await store.recordHistory([{ agencyCode: '3004', rules }], now - (48 - i * 11) * HOUR);
      }
    }
    const p = redis.pipeline();
    recordFreshness(p, ns.redisPrefix, '3004', { accepted: 30, rejected: 10 }, now - 5 * HOUR);
    recordFreshness(p, ns.redisPrefix, '3004', { accepted: 12 }, now - 30 * 60_000);
    await p.exec();

    c = await startTestConsole(ns, { SCORING_AS_OF: '2025-06-30' });
    profile = await mkdtemp(join(tmpdir(), 'console-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1360, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    const a = await testAuth();
    await page.goto(`${c.url}/#/`);
    await page.waitForURL(/\/login\?next=/u);
    await page.getByLabel('Nama pengguna').fill(a.users.viewer.name);
    await page.getByLabel('Kata sandi').fill(a.users.viewer.password);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.waitForURL(`${c.url}/`);
  });
  test.afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await c?.close();
  });

  /** The vertices of a chart's line, in SVG user units (the path is M/L segments). */
  async function vertices(selector: string): Promise<{ x: number; y: number }[]> {
    const d = (await page.locator(`${selector} path.line`).getAttribute('d')) ?? '';
    return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/gu)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
  }

  test("the agency page draws the index's ups and downs over 7 days and ends at today's index", async () => {
    await page.goto(`${c.url}/#/agency/3004`);
    const chart = page.locator('section.history svg.history-chart[data-series="index"]');
    await chart.locator('path.line').waitFor();
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(box?.height).toBeGreaterThan(50);
    expect(await chart.getAttribute('aria-label')).toBe('Indeks ASN terakhir: 90,00');
    // One vertex per hour from the first sample on; the line is higher where the index is (SVG y grows down).
    const v = await vertices('section.history svg.history-chart[data-series="index"]');
    expect(v.length).toBeGreaterThanOrEqual(48);
    expect(v.length).toBeLessThanOrEqual(50);
    const ys = [...new Set(v.map((p) => p.y))];
    expect(ys).toHaveLength(5);
    const [y60, y70, y80, y65, y90] = ys as [number, number, number, number, number];
    expect(y70).toBeLessThan(y60);
    expect(y80).toBeLessThan(y70);
    expect(y65).toBeGreaterThan(y80);
    expect(y65).toBeLessThan(y60);
    expect(y90).toBeLessThan(y80);
    // The reject-rate bars: one hour with 25% rejects, the highest bar.
    const bars = page.locator('section.history svg.history-chart[data-series="reject-rate"] rect.bar');
    const heights = await bars.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
    expect(heights.filter((x) => x > 0)).toHaveLength(1);
    expect(await page.locator('section.history svg.history-chart[data-series="reject-rate"]').getAttribute('aria-label')).toBe('Tingkat penolakan: tertinggi 25%');
    await page.locator('section.history').screenshot({ path: join(SHOTS, 'history-3004.png') });
    expect(problems).toEqual([]);
  });

  test('the range buttons redraw the chart per minute over 24 hours', async () => {
    await page.goto(`${c.url}/#/agency/3004`);
    await page.locator('section.history svg.history-chart[data-series="index"] path.line').waitFor();
    await page.getByRole('group', { name: 'Rentang riwayat' }).getByRole('button', { name: '24 jam' }).click();
    await page.locator('section.history[data-range="24h"] p.muted', { hasText: 'satu titik per menit' }).waitFor();
    const v = await vertices('section.history svg.history-chart[data-series="index"]');
    // The changes 15 h and 4 h ago fall in the window; the one 26 h ago carries in: 80, 65, 90.
    expect(v.length).toBeGreaterThanOrEqual(1439);
    expect(new Set(v.map((p) => p.y)).size).toBe(3);
    expect(await page.locator('section.history svg.history-chart[data-series="index"]').getAttribute('aria-label')).toBe('Indeks ASN terakhir: 90,00');
    expect(problems).toEqual([]);
  });

  test('the overview draws the national index and headcount', async () => {
    await page.goto(`${c.url}/#/`);
    const chart = page.locator('section.history svg.history-chart[data-series="index"]');
    await chart.locator('path.line').waitFor();
    expect(await chart.getAttribute('aria-label')).toBe('Indeks ASN terakhir: 90,00');
    expect(await page.locator('section.history svg.history-chart[data-series="headcount"]').getAttribute('aria-label')).toBe('Pegawai terakhir: 1');
    expect(new Set((await vertices('section.history svg.history-chart[data-series="index"]')).map((p) => p.y)).size).toBe(5);
    await page.locator('section.history').screenshot({ path: join(SHOTS, 'history-national.png') });
    expect(problems).toEqual([]);
  });
});
