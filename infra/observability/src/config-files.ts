/** The rule and dashboard files of this folder, read and walked for their PromQL. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const ROOT = new URL('../', import.meta.url);
export const RULES_FILE = new URL('prometheus/rules.yml', ROOT);
export const RULES_TEST_FILE = new URL('prometheus/rules.test.yml', ROOT);
export const DASHBOARD_FILE = new URL('grafana/dashboards/ipasn-pipeline.json', ROOT);

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}

export function readRules(file: URL = RULES_FILE): Rule[] {
  const doc = parse(readFileSync(file, 'utf8')) as { groups: { rules: Rule[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

/** Every `expr` of the dashboard (panels, rows' nested panels) and of its query variables, with where it is. */
export function dashboardQueries(file: URL = DASHBOARD_FILE): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const dash = JSON.parse(readFileSync(file, 'utf8')) as DashboardJson;
  const walk = (panels: PanelJson[] | undefined): void => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) if (typeof t.expr === 'string') out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
      walk(p.panels);
    }
  };
  walk(dash.panels);
  for (const v of dash.templating?.list ?? []) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    if (v.type !== 'query' || q === undefined) continue;
    // label_values(metric, label): the metric is the first argument.
    const lv = /^label_values\(\s*([^,]+),/u.exec(q);
    out.push({ where: `variable $${v.name}`, expr: lv ? (lv[1] ?? '') : q });
  }
  return out;
}

interface PanelJson {
  title: string;
  targets?: { refId: string; expr?: unknown }[];
  panels?: PanelJson[];
}
interface DashboardJson {
  panels?: PanelJson[];
  templating?: { list: { name: string; type: string; query?: string | { query?: string } }[] };
}
