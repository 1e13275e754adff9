/**
 * `promtool test rules` over rules.test.yml (every alert made to fire and not to), and a check that
 * no alert of rules.yml goes untested: removing a rule fails promtool (its expected alerts never
 * come), removing a rule's tests fails here. promtool comes from Debian's prometheus package
 * (ensure-promtool.sh, run by this package's `test` script and by `npm test`); without it this fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readRules, RULES_FILE, RULES_TEST_FILE } from '../src/config-files.js';

const promtool = process.env['PROMTOOL'] ?? 'promtool';

interface AlertTest {
  alertname: string;
  eval_time: string;
  exp_alerts?: unknown[];
}

describe('alerting and recording rules', () => {
  it('promtool is installed', () => {
    expect(() => execFileSync(promtool, ['--version'], { stdio: 'pipe' }), 'promtool is missing: run infra/observability/ensure-promtool.sh').not.toThrow();
  });

  it('pass promtool check rules', () => {
    const r = spawnSync(promtool, ['check', 'rules', fileURLToPath(RULES_FILE)], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`, 'promtool check rules').toMatch(/SUCCESS/u);
    expect(r.status).toBe(0);
  });

  it('pass promtool test rules', () => {
    const r = spawnSync(promtool, ['test', 'rules', fileURLToPath(RULES_TEST_FILE)], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  });

  it('every alert has a test where it fires and one where it does not', () => {
    const doc = parse(readFileSync(RULES_TEST_FILE, 'utf8')) as { tests: { alert_rule_test?: AlertTest[] }[] };
    const cases = doc.tests.flatMap((t) => t.alert_rule_test ?? []);
    const alerts = readRules().flatMap((r) => (r.alert ? [r.alert] : []));
    expect(alerts.length).toBe(8);
    for (const a of alerts) {
      const mine = cases.filter((c) => c.alertname === a);
      expect(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${a} fires somewhere`).toBe(true);
      expect(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${a} stays silent somewhere`).toBe(true);
    }
  });
});
