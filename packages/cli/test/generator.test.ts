/** The generator in-process: realism of the data, coverage of aliases and reject reasons, declared outcomes. */
import { describe, expect, it } from 'vitest';
import { Agencies, EVENT_TYPES, type JobGroup } from '@ipasn/contracts';
import { normalize, normalizeNip, validateNip } from '@ipasn/normalize';
import { buildUniverse, type AgencyChoice } from '../src/generate/agencies.js';
import {
  DISCIPLINE_ALIASES,
  JOB_GROUP_ALIASES,
  LEADERSHIP_ALIASES,
  LEVEL_ALIASES,
  PREDICATE_ALIASES,
} from '../src/generate/aliases.js';
import { GenContext, GENERATED_REASONS, type GenOptions } from '../src/generate/context.js';
import { generateStream, type Expectation } from '../src/generate/stream.js';
import { Accounting, type GeneratorSummary } from '../src/generate/summary.js';
import { toDays } from '../src/dates.js';

const NOW_MS = Date.parse('2025-06-30T17:00:00+07:00');

interface Generated {
  lines: string[];
  expects: Expectation[];
  summary: GeneratorSummary;
  agencies: Agencies;
}

function generate(over: Partial<GenOptions> & { employees?: number; events?: number; agencies?: AgencyChoice } = {}): Generated {
  const universe = buildUniverse(over.agencies ?? { kind: 'pilot' }, over.seed ?? 's');
  const g = new GenContext(
    {
      seed: 's',
      asOf: toDays('2025-06-30'),
      nowMs: NOW_MS,
      messy: 0.2,
      invalid: 0.02,
      duplicates: 0.01,
      historyScale: 1,
      ...over,
    },
    universe,
  );
  const acc = new Accounting();
  const expects: Expectation[] = [];
  const lines = [...generateStream(g, { employees: over.employees ?? 300, targetLines: over.events }, acc, (e) => expects.push(e))];
  return { lines, expects, summary: acc.summary({}, []), agencies: universe.agencies };
}

const parse = (l: string): Record<string, unknown> | undefined => {
  try {
    const v: unknown = JSON.parse(l);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

describe('employees look real', () => {
  const { lines } = generate({ employees: 2000, invalid: 0, duplicates: 0, messy: 0 });
  const upserts = lines.map(parse).filter((e) => e?.type === 'ipasn.employee.upserted') as Array<Record<string, unknown>>;
  const firstByNip = new Map<string, Record<string, unknown>>();
  for (const u of upserts) if (!firstByNip.has(u.subject as string)) firstByNip.set(u.subject as string, u);
  const employees = [...firstByNip.values()].map((u) => ({ nip: u.subject as string, data: u.data as Record<string, unknown> }));

  it('has valid NIPs: PNS with TMT after the 18th birthday, PPPK with an appointment year and code', () => {
    expect(employees.length).toBe(2000);
    for (const { nip, data } of employees) {
      expect(validateNip(nip, 2025).ok, nip).toBe(true);
      const birth = nip.slice(0, 8);
      if (data.employmentType === 'PNS') {
        const tmt = Number(nip.slice(8, 14));
        const eighteen = Number(birth.slice(0, 6)) + 1800;
        expect(tmt, nip).toBeGreaterThan(eighteen);
        expect(Number(nip.slice(12, 14))).toBeGreaterThanOrEqual(1);
        expect(Number(nip.slice(12, 14))).toBeLessThanOrEqual(12);
      } else {
        expect(Number(nip.slice(8, 12))).toBeGreaterThanOrEqual(2019);
        expect(['21', '22', '23']).toContain(nip.slice(12, 14));
      }
      expect(['1', '2']).toContain(nip[14]);
    }
  });

  it('is ~88% PNS and ~12% PPPK', () => {
    const pppk = employees.filter((e) => e.data.employmentType === 'PPPK').length / employees.length;
    expect(pppk).toBeGreaterThan(0.09);
    expect(pppk).toBeLessThan(0.15);
  });

  it('has job groups in realistic proportions', () => {
    const share = (f: (g: JobGroup) => boolean): number => employees.filter((e) => f(e.data.jobGroup as JobGroup)).length / employees.length;
    expect(share((g) => g.startsWith('FUNGSIONAL'))).toBeGreaterThan(0.47);
    expect(share((g) => g.startsWith('FUNGSIONAL'))).toBeLessThan(0.6);
    expect(share((g) => g === 'PELAKSANA')).toBeGreaterThan(0.3);
    expect(share((g) => g === 'PELAKSANA')).toBeLessThan(0.4);
    expect(share((g) => g === 'PENGAWAS' || g === 'ADMINISTRATOR')).toBeGreaterThan(0.07);
    expect(share((g) => g === 'PENGAWAS' || g === 'ADMINISTRATOR')).toBeLessThan(0.13);
    expect(share((g) => g.startsWith('JPT'))).toBeGreaterThan(0.003);
    expect(share((g) => g.startsWith('JPT'))).toBeLessThan(0.03);
  });

  it('has typical histories: 1–3 education records, ~8 trainings, 3–6 appraisals, occasional penalties', () => {
    const per = (type: string): number => lines.filter((l) => parse(l)?.type === type).length / employees.length;
    expect(per('ipasn.education.recorded')).toBeGreaterThan(1);
    expect(per('ipasn.education.recorded')).toBeLessThan(3);
    expect(per('ipasn.training.recorded')).toBeGreaterThan(6);
    expect(per('ipasn.training.recorded')).toBeLessThan(11);
    expect(per('ipasn.appraisal.recorded')).toBeGreaterThan(3);
    expect(per('ipasn.appraisal.recorded')).toBeLessThan(6.5);
    expect(per('ipasn.discipline.recorded')).toBeGreaterThan(0.03);
    expect(per('ipasn.discipline.recorded')).toBeLessThan(0.2);
    for (const t of EVENT_TYPES) expect(per(t), t).toBeGreaterThan(0);
  });

  it('keeps valid dates on or before as-of and times on or before now', () => {
    const late = lines.filter((l) => {
      const e = parse(l)!;
      const d = e.data as Record<string, unknown>;
      const dates = ['graduatedOn', 'completedOn', 'imposedOn'].map((f) => d[f]).filter((v): v is string => typeof v === 'string');
      return Date.parse(e.time as string) > NOW_MS || dates.some((v) => v > '2025-06-30') || (typeof d.year === 'number' && d.year > 2025);
    });
    expect(late).toEqual([]);
  });

  it('gives event ids unique per source', () => {
    const keys = new Set(lines.map((l) => { const e = parse(l)!; return `${String(e.source)}|${String(e.id)}`; }));
    expect(keys.size).toBe(lines.length);
  });
});

describe('messy spellings', () => {
  // JPT madya/utama (PKN_I) are rare: enough employees that each of their six spellings shows,
  // with short histories to stay under 50k lines.
  const { lines, summary } = generate({ employees: 6000, messy: 0.999, invalid: 0, duplicates: 0, historyScale: 0.3 });

  it('stays a test-sized stream', () => {
    expect(lines.length).toBeLessThan(50_000);
  });
  const events = lines.map(parse).filter(Boolean) as Array<Record<string, unknown>>;
  const seen = (field: string, type?: string): Set<string> =>
    new Set(
      events
        .filter((e) => type === undefined || e.type === type)
        .map((e) => (e.data as Record<string, unknown>)[field])
        .filter((v): v is string => typeof v === 'string')
        .map((v) => v.trim().replace(/\s+/gu, ' ').toLowerCase()),
    );
  const expectAll = (aliases: Record<string, readonly string[]>, found: Set<string>): void => {
    for (const list of Object.values(aliases)) for (const a of list) expect(found, a).toContain(a.toLowerCase());
  };

  it('draws every alias of events.md', () => {
    expectAll(LEVEL_ALIASES, seen('level', 'ipasn.education.recorded'));
    expectAll(LEADERSHIP_ALIASES, seen('leadershipLevel'));
    expectAll(PREDICATE_ALIASES, seen('predicate'));
    expectAll(DISCIPLINE_ALIASES, seen('level', 'ipasn.discipline.recorded'));
    expectAll(JOB_GROUP_ALIASES, seen('jobGroup'));
  });

  it('uses every messy form: dates, NIP separators, numbers as strings, lower-case enums, names, times', () => {
    for (const [form, n] of Object.entries(summary.messy.byForm)) expect(n, form).toBeGreaterThan(0);
    const raw = lines.join('\n');
    expect(raw).toMatch(/"completedOn":"\d\d-\d\d-\d{4}"/u);
    expect(raw).toMatch(/"graduatedOn":"\d\d\/\d\d\/\d{4}"/u);
    expect(raw).toMatch(/"subject":"\d{8} \d{6} \d \d{3}"/u);
    expect(raw).toMatch(/"subject":"\d{8}\.\d{6}\.\d\.\d{3}"/u);
    expect(raw).toMatch(/"subject":"\d{8}-\d{6}-\d-\d{3}"/u);
    expect(raw).toMatch(/"hours":"\d+"/u);
    expect(raw).toMatch(/"score":"\d+(\.\d+)?"/u);
    expect(raw).toMatch(/"employmentType":"pns"/u);
    expect(raw).toMatch(/"kind":"technical"/u);
    expect(raw).toMatch(/"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"/u);
    expect(raw).toMatch(/"name":" [^"]* {2}/u);
  });

  it('writes only spellings the normalizer accepts', () => {
    const ctx = { agencies: Agencies.default(), ingestionTime: new Date(NOW_MS) };
    const bad = lines.map((l) => normalize(l, ctx)).filter((r) => !r.ok);
    expect(bad).toEqual([]);
  });
});

describe('intended rejects and duplicates', () => {
  const { lines, expects, summary, agencies } = generate({ employees: 2500, invalid: 0.05, duplicates: 0.02 });

  it('spreads rejects over every reason, in about the shares asked for', () => {
    // Every reason but TOO_MANY_RECORDS (over a thousand records of one employee: tested in the scorer).
    for (const r of GENERATED_REASONS) expect(summary.rejects.byReason[r], r).toBeGreaterThan(0);
    expect(summary.rejects.byReason.TOO_MANY_RECORDS).toBe(0);
    expect(summary.rejects.total / summary.lines).toBeGreaterThan(0.04);
    expect(summary.rejects.total / summary.lines).toBeLessThan(0.065);
    expect(summary.duplicates / summary.lines).toBeGreaterThan(0.015);
    expect(summary.duplicates / summary.lines).toBeLessThan(0.025);
    expect(summary.accepted).toBe(summary.lines - summary.rejects.total - summary.duplicates);
  });

  it('declares each normalizer reject at its line, and AGENCY_MISMATCH for the topic it is tagged with', () => {
    const ctx = { agencies, ingestionTime: new Date(NOW_MS) };
    for (const e of expects) {
      if (!('reason' in e) || e.reason === 'NOT_OWNER' || e.reason === 'UNKNOWN_RECORD') continue;
      const r = normalize(lines[e.line - 1]!, { ...ctx, topicAgency: e.topic });
      expect(r.ok ? 'ACCEPTED' : r.reason, `line ${e.line}: ${lines[e.line - 1]!.slice(0, 300)}`).toBe(e.reason);
    }
  });

  it('re-sends accepted events under the same source and id', () => {
    for (const e of expects) {
      if (!('duplicateOf' in e)) continue;
      const copy = parse(lines[e.line - 1]!)!;
      const orig = parse(lines[e.duplicateOf - 1]!)!;
      expect([copy.source, copy.id]).toEqual([orig.source, orig.id]);
      expect(normalizeNip(String(copy.subject))).toBe(normalizeNip(String(orig.subject)));
    }
  });

  it('counts by type add up to the lines', () => {
    expect(Object.values(summary.byType).reduce((a, b) => a + b, 0)).toBe(summary.lines);
  });
});

describe('determinism and size', () => {
  it('gives the same lines for the same seed and different ones for another', () => {
    const a = generate({ employees: 200, seed: 'x' }).lines;
    const b = generate({ employees: 200, seed: 'x' }).lines;
    const c = generate({ employees: 200, seed: 'y' }).lines;
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('writes exactly --events lines', () => {
    expect(generate({ events: 1234 }).lines).toHaveLength(1234);
    expect(generate({ events: 1234 }).summary.lines).toBe(1234);
  });

  it('uses synthetic agencies 9001… with proportional sizes', () => {
    const { lines, agencies } = generate({ employees: 500, agencies: { kind: 'synthetic', count: 7 } });
    expect(agencies.all.map((a) => a.code)).toEqual(['9001', '9002', '9003', '9004', '9005', '9006', '9007']);
    const sources = new Set(lines.map((l) => parse(l)?.source).filter((s): s is string => typeof s === 'string'));
    expect([...sources].filter((s) => /^\/agencies\/900\d$/u.test(s)).length).toBeGreaterThan(3);
  });
});
