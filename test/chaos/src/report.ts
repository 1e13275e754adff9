/** The chaos report: what was done to the pipeline and what came out of it. */
import type { DlqCheck, EventsCheck } from './checks.js';
import type { Declared } from './expect.js';
import type { FaultRecord } from './faults.js';
import type { SelfExit } from './services.js';

export interface Report {
  seed: number;
  command: string;
  events: number;
  generatedMs: number;
  published: { sent: number; ms: number };
  declared: Omit<Declared, 'rejectBytes' | 'scorerRejects' | 'singleAgency'> & { singleAgencyEmployees: number };
  faults: FaultRecord[];
  selfExits: SelfExit[];
  drain: { afterPublishMs: number; totalMs: number; throughput: number };
  verify: { exitCode: number; summary: string };
  eventsCheck: Omit<EventsCheck, 'duplicates' | 'readmitted'> & { duplicates: number; readmitted: number; examples: string[] };
  dlqCheck: Omit<DlqCheck, 'scorerRejected' | 'wrongReason' | 'missing'> & { wrongReason: number; missing: number; examples: string[] };
  scoresCheck: { compared: number; mismatches: number; examples: string[] };
  consoleReady: boolean;
  /** Every way the run can fail, counted: 0 is a pass. */
  mismatches: number;
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);
const reasons = (actual: Record<string, number>, declared: Record<string, number>): string =>
  [...new Set([...Object.keys(actual), ...Object.keys(declared)])]
    .sort()
    .map((r) => `${r} ${actual[r] ?? 0}/${declared[r] ?? 0}`)
    .join(', ');

export function mismatchCount(r: Pick<Report, 'verify' | 'eventsCheck' | 'dlqCheck' | 'scoresCheck' | 'consoleReady'>): number {
  const e = r.eventsCheck;
  const lostOrExtra = Math.abs(e.declared - e.unique);
  const n = r.dlqCheck.normalizer;
  const normalizerDiff = [...new Set([...Object.keys(n.actual), ...Object.keys(n.declared)])].reduce((a, k) => a + Math.abs((n.actual[k] ?? 0) - (n.declared[k] ?? 0)), 0);
  return (
    (r.verify.exitCode === 0 ? 0 : 1) + lostOrExtra + e.duplicates + r.dlqCheck.duplicates + normalizerDiff + r.dlqCheck.wrongReason + r.dlqCheck.missing + r.scoresCheck.mismatches + (r.consoleReady ? 0 : 1)
  );
}

export function formatReport(r: Report): string {
  const d = r.declared;
  const e = r.eventsCheck;
  const q = r.dlqCheck;
  const out: string[] = [];
  out.push(`chaos run, seed ${r.seed}   (repeat: ${r.command})`);
  out.push(`stream      ${d.lines} lines generated in ${s(r.generatedMs)}: ${d.events} accepted events declared, ${sum(d.normalizer)} rejects by checks 1–7 sent (${sum(d.unroutable)} more not sendable: no topic), ${sum(d.scorer)} scorer rejects, ${d.duplicates} duplicates; ${d.singleAgencyEmployees} single-agency employees`);
  out.push(`published   ${r.published.sent} messages by ipasn publish (one producer per agency) in ${s(r.published.ms)}`);
  out.push(`faults      ${r.faults.length} (t = since the publish started; progress = share of the stream processed)`);
  for (const [i, f] of r.faults.entries()) {
    out.push(`  ${String(i + 1).padStart(2)}  t=${s(f.atMs).padStart(8)}  ${(f.progress * 100).toFixed(0).padStart(3)}%  ${f.fault.padEnd(26)} ready again after ${s(f.recoveredMs).padStart(7)}  ${f.detail}`);
  }
  out.push(`self-exits  ${r.selfExits.length === 0 ? 'none' : r.selfExits.map((x) => `${x.service} at ${s(x.atMs)} (code ${x.code}, signal ${x.signal})`).join('; ')} (restarted by the harness's supervisor)`);
  out.push(`drain       ${s(r.drain.afterPublishMs)} after the publish ended; ${s(r.drain.totalMs)} from the first publish to drained; throughput with faults ${r.drain.throughput} events/s`);
  out.push(`verify      ipasn verify exit ${r.verify.exitCode}: ${r.verify.summary}`);
  out.push(
    `events      ipasn.events ${e.records} records read_committed, ${e.unique} distinct (source, id), declared ${e.declared}: lost ${Math.max(0, e.declared - e.unique)}, unexpected ${Math.max(0, e.unique - e.declared)}, doubled ${e.duplicates}; re-admitted after a scorer reject ${e.readmitted}; ${e.aborted} aborted records (read_uncommitted minus read_committed)`,
  );
  out.push(`dlq         ipasn.dlq ${q.records} dead letters, ${q.duplicates} doubled; checks 1–7 (actual/declared): ${reasons(q.normalizer.actual, q.normalizer.declared)}`);
  out.push(`            scorer (actual/declared by the file's order): ${reasons(q.scorer.actual, q.scorer.declared)}; ${q.orderDependent} of employees several agencies sent (order between topics not defined); wrong reason ${q.wrongReason}, missing ${q.missing}`);
  out.push(`scores      ${r.scoresCheck.compared} latest scores of single-agency employees compared with ipasn score --rules all over the file: ${r.scoresCheck.mismatches} mismatches`);
  out.push(`console     ${r.consoleReady ? 'ready at the end' : 'NOT READY at the end'}`);
  for (const x of [...e.examples, ...q.examples, ...r.scoresCheck.examples].slice(0, 20)) out.push(`  ! ${x}`);
  out.push(`RESULT      ${r.mismatches === 0 ? 'PASS' : 'FAIL'}: ${r.mismatches} mismatches`);
  return `${out.join('\n')}\n`;
}
