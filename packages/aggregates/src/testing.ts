/**
 * Test helpers (`@ipasn/aggregates/testing`), for this package's tests and the projector's: score
 * events built by hand the way the scorer builds them — one version counter per employee,
 * `previousAgencyCode` = the agency of the last ACTIVE score, REMOVED after a separation — and a
 * seeded simulator of many employees' score streams.
 */
import type { DataGap, RuleSetId } from '@ipasn/contracts';
import { categoryOf, getRuleSet, SHIPPED_RULE_SETS, type Score, type ScoredRow } from '@ipasn/rules';
import type { ScoreEvent } from '@ipasn/serde';

/** A score from quarter points per dimension. */
export function scoreOf(rules: RuleSetId, q: [number, number, number, number], gaps: DataGap[] = []): Score {
  const [kualifikasi, kompetensi, kinerja, disiplin] = q.map((x) => x / 4) as [number, number, number, number];
  const total = (q[0] + q[1] + q[2] + q[3]) / 4;
  return { total, category: categoryOf(total, getRuleSet(rules)), dimensions: { kualifikasi, kompetensi, kinerja, disiplin }, dataGaps: gaps };
}

export interface ScoreInput {
  nip: string;
  /** Default perban-8-2019. */
  rules?: RuleSetId;
  version: number;
  agencyCode: string;
  /** Default: the same agency (a rescore in place); null for a first score. */
  previousAgencyCode?: string | null;
  status?: ScoreEvent['status'];
  employmentType?: ScoreEvent['employmentType'];
  /** Default: a fixed score. */
  score?: Score;
  /** Default: a fixed instant plus the version. */
  computedAt?: number;
  cause?: ScoreEvent['cause']['kind'];
}

export function scoreEvent(i: ScoreInput): ScoreEvent {
  const rules = i.rules ?? 'perban-8-2019';
  const score = i.score ?? scoreOf(rules, [60, 90, 100, 20]);
  const kind = i.cause ?? 'EVENT';
  const ev = kind === 'EVENT';
  return {
    nip: i.nip,
    agencyCode: i.agencyCode,
    employmentType: i.employmentType ?? 'PNS',
    ruleSet: rules,
    ruleSetVersion: getRuleSet(rules).version,
    status: i.status ?? 'ACTIVE',
    total: score.total,
    category: score.category,
    dimensions: { ...score.dimensions },
    dataGaps: [...score.dataGaps],
    version: i.version,
    cause: { kind, eventId: ev ? `e${i.version}` : null, eventSource: ev ? `/agencies/${i.agencyCode}` : null, eventType: ev ? 'ipasn.employee.upserted' : null, partition: ev ? 0 : null, offset: ev ? i.version : null },
    asOf: '2025-06-30',
    computedAt: i.computedAt ?? 1_750_000_000_000 + i.version,
    previousAgencyCode: i.previousAgencyCode === undefined ? i.agencyCode : i.previousAgencyCode,
    previousTotal: null,
    jobGroup: 'PELAKSANA',
  };
}

/** A tiny deterministic PRNG (mulberry32), so generated streams are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimulatedStream {
  /** Every score event in emission order (per employee in version order). */
  events: ScoreEvent[];
  /** The last ACTIVE score per (nip, rules), for employees still active at the end. */
  final: ScoreEvent[];
}

const AGENCIES = ['3004', '4011', '7672'];
const GAPS: DataGap[][] = [[], [], ['APPRAISAL_MISSING']];

/**
 * Employees going through upserts, rescores, transfers, separations and re-hires, under both rule
 * sets, with the scorer's version and previous-agency semantics.
 */
export function simulate(seed: number, employees: number, steps: number, rulesList: readonly RuleSetId[] = SHIPPED_RULE_SETS.ids): SimulatedStream {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const q = (max: number) => Math.floor(r() * (max * 4 + 1));
  const events: ScoreEvent[] = [];
  const final: ScoreEvent[] = [];
  for (let e = 0; e < employees; e++) {
    const nip = `19850101201001${String(e).padStart(4, '0')}`;
    const type = r() < 0.7 ? 'PNS' : 'PPPK';
    let version = 0;
    let agency = pick(AGENCIES);
    let active = false;
    const last: Partial<Record<RuleSetId, ScoreEvent>> = {};
    const emit = (status: ScoreEvent['status']) => {
      version++;
      for (const rules of rulesList) {
        const prev = last[rules];
        const ev = scoreEvent({
          nip,
          rules,
          version,
          agencyCode: agency,
          previousAgencyCode: prev?.agencyCode ?? null,
          status,
          employmentType: type,
          score: scoreOf(rules, [q(25), q(40), q(30), q(5)], pick(GAPS)),
        });
        events.push(ev);
        if (status === 'ACTIVE') last[rules] = ev;
        else delete last[rules];
      }
    };
    for (let s = 0; s < steps; s++) {
      const x = r();
      if (!active) {
        if (x < 0.3) agency = pick(AGENCIES);
        active = true;
        emit('ACTIVE');
      } else if (x < 0.55) emit('ACTIVE');
      else if (x < 0.8) {
        agency = pick(AGENCIES.filter((a) => a !== agency));
        emit('ACTIVE');
      } else {
        active = false;
        emit('REMOVED');
      }
    }
    for (const rules of rulesList) {
      const l = last[rules];
      if (l) final.push(l);
    }
  }
  return { events, final };
}

/** Score events as rows for rules' `aggregateByAgency` (the batch recompute to compare with). */
export function scoredRows(events: readonly ScoreEvent[]): ScoredRow[] {
  return events.map((e) => ({
    agencyCode: e.agencyCode,
    employmentType: e.employmentType,
    rules: e.ruleSet,
    score: { total: e.total, category: e.category, dimensions: { ...e.dimensions }, dataGaps: e.dataGaps as DataGap[] },
  }));
}
