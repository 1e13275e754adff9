/**
 * One employee's history as a stream script: records that arrive before the first upsert, the
 * upsert, records in date order, corrections and retractions, promotions, transfers (the new owner's
 * events follow the transfer), separations, and intended rejects in between.
 */
import type { EventType, JobGroup, SeparationReason } from '@ipasn/contracts';
import { isoOf, ymdOf } from '../dates.js';
import type { GenContext } from './context.js';
import { positionName, type Employee } from './employee.js';
import { injectReject } from './invalid.js';
import {
  appraisalRecords,
  corrected,
  disciplineRecords,
  educationRecords,
  trainingRecords,
  upsertData,
  type Payload,
  type PlannedRecord,
} from './records.js';
import { ScriptBuilder, type Line } from './script.js';
import { UNITS } from './vocab.js';

const PREFIX: Record<PlannedRecord['type'], string> = {
  'ipasn.education.recorded': 'PDK',
  'ipasn.training.recorded': 'DKL',
  'ipasn.appraisal.recorded': 'SKP',
  'ipasn.discipline.recorded': 'HKD',
};

const PROMOTION: Partial<Record<JobGroup, JobGroup>> = {
  FUNGSIONAL_AHLI_PERTAMA: 'FUNGSIONAL_AHLI_MUDA',
  FUNGSIONAL_AHLI_MUDA: 'FUNGSIONAL_AHLI_MADYA',
  FUNGSIONAL_AHLI_MADYA: 'FUNGSIONAL_AHLI_UTAMA',
  FUNGSIONAL_PEMULA: 'FUNGSIONAL_TERAMPIL',
  FUNGSIONAL_TERAMPIL: 'FUNGSIONAL_MAHIR',
  FUNGSIONAL_MAHIR: 'FUNGSIONAL_PENYELIA',
  PELAKSANA: 'FUNGSIONAL_AHLI_PERTAMA',
  PENGAWAS: 'ADMINISTRATOR',
  ADMINISTRATOR: 'JPT_PRATAMA',
};

interface Step {
  key: number;
  run: () => void;
}

export function employeeScript(g: GenContext, emp: Employee): Line[] {
  const b = new ScriptBuilder(g, emp);
  const { rng } = g;
  const asOf = g.opts.asOf;
  const scale = g.opts.historyScale;

  const records = [
    ...educationRecords(rng, emp),
    ...trainingRecords(rng, emp, asOf, scale),
    ...appraisalRecords(rng, emp, asOf, scale),
    ...disciplineRecords(rng, emp, asOf),
  ]
    .map((r, i) => ({ r, i }))
    .sort((x, y) => x.r.date - y.r.date || x.i - y.i)
    .map(({ r }) => ({ ...r, id: b.recordId(emp.agency, PREFIX[r.type]) }));

  const send = (agency: string, type: EventType, data: Payload, date?: number): void => {
    b.send(agency, type, data, { expect: 'ACCEPTED', ...(date !== undefined && { date }) });
  };
  const sendRecord = (rec: PlannedRecord, recordId: string, agency = b.sender): void =>
    send(agency, rec.type, { recordId, ...rec.data }, rec.date);

  const steps: Step[] = [];
  const n = records.length;
  const later = (i: number): number => i + 0.001 + rng.float() * (n - i);

  // A few records overtake the first upsert (any known agency may send them while nobody owns the employee).
  const early = rng.chance(0.015) ? rng.int(1, Math.min(2, n)) : 0;
  records.forEach((rec, i) => {
    if (i < early) {
      const from = rng.chance(0.3) ? rng.pick(g.universe.known) : emp.agency;
      steps.push({ key: -2 + i * 0.1, run: () => sendRecord(rec, rec.id, from) });
    } else {
      steps.push({ key: i, run: () => sendRecord(rec, rec.id) });
    }
    if (rng.chance(0.04)) {
      const fix = corrected(rng, rec, asOf);
      steps.push({ key: later(i), run: () => sendRecord(fix, rec.id) });
    }
    if (rng.chance(0.02)) {
      const at = later(i);
      steps.push({ key: at, run: () => send(b.sender, 'ipasn.record.retracted', { recordId: rec.id }) });
      // After a retraction, a record with the same id is a new record.
      if (rng.chance(0.2)) steps.push({ key: at + 0.0001 + rng.float() * (n - at), run: () => sendRecord(corrected(rng, rec, asOf), rec.id) });
    }
  });
  steps.push({ key: -1, run: () => send(emp.agency, 'ipasn.employee.upserted', upsertData(emp)) });

  const promoted = PROMOTION[emp.jobGroup];
  if (promoted !== undefined && rng.chance(0.05)) {
    steps.push({
      key: n * (0.3 + 0.7 * rng.float()),
      run: () => {
        emp.jobGroup = promoted;
        if (emp.positionName !== undefined) emp.positionName = positionName(rng, promoted);
        send(b.sender, 'ipasn.employee.upserted', upsertData(emp));
      },
    });
  }

  if (g.universe.known.length > 1 && rng.chance(0.025)) {
    steps.push({ key: n * (0.5 + 0.5 * rng.float()), run: () => transfer(g, b) });
  }

  const age = (asOf - emp.birth) / 365.25;
  if (rng.chance(age > 57 ? 0.3 : 0.012)) {
    steps.push({ key: n + 1, run: () => separate(g, b, age > 57 ? 'RETIRED' : undefined) });
  }

  steps.sort((x, y) => x.key - y.key);
  for (const step of steps) {
    if (rng.chance(g.invalidPerStep)) injectReject(b);
    step.run();
  }
  return b.finish();
}

function transfer(g: GenContext, b: ScriptBuilder): void {
  const { rng } = g;
  const from = b.owner;
  if (from === null) return;
  const pool = rng.chance(0.85) ? g.universe.employerCodes : g.universe.known;
  const targets = pool.filter((c) => c !== from);
  if (targets.length === 0) return;
  const to = rng.pick(targets);
  const emp = b.emp;
  const arrival = (): Payload => {
    emp.unitName = rng.pick(UNITS);
    return upsertData(emp);
  };
  // The new owner's system is quicker than the old one's: its upsert overtakes the transfer, is
  // held, and is applied right after the transfer (events.md "Held, not rejected").
  if (rng.chance(0.2)) b.send(to, 'ipasn.employee.upserted', arrival(), { expect: 'HELD' });
  b.send(from, 'ipasn.employee.transferred', { toAgencyCode: to }, { expect: 'ACCEPTED' });
  // What follows is the new owner's, unless a held event released by the transfer moved the owner on.
  if (rng.chance(0.9)) b.sendAsModelled(to, 'ipasn.employee.upserted', arrival());
  const asOf = g.opts.asOf;
  for (let i = rng.int(0, 3); i > 0; i--) {
    const date = asOf - rng.int(0, 200);
    const data: Payload = {
      recordId: b.recordId(to, 'DKL'),
      kind: rng.chance(0.7) ? 'TECHNICAL' : 'SEMINAR',
      hours: rng.pick([4, 8, 16, 20, 24]),
      completedOn: isoOf(date),
    };
    b.sendAsModelled(to, 'ipasn.training.recorded', data, { date });
  }
}

function separate(g: GenContext, b: ScriptBuilder, forced: SeparationReason | undefined): void {
  const { rng } = g;
  const owner = b.owner;
  if (owner === null) return;
  const reason: SeparationReason = forced ?? rng.pick(['RETIRED', 'DIED', 'RESIGNED', 'RESIGNED', 'DISMISSED', 'OTHER', 'OTHER']);
  b.send(owner, 'ipasn.employee.separated', { reason }, { expect: 'ACCEPTED' });
  const asOf = g.opts.asOf;
  // Held events are released by the separation (nobody owns the employee then): one of them may have
  // claimed the employee, so what follows is decided by the model.
  if (rng.chance(0.3)) {
    // A late appraisal from the former agency: nobody owns the employee, so it is kept.
    const year = ymdOf(asOf).y - 1;
    b.sendAsModelled(owner, 'ipasn.appraisal.recorded', { recordId: b.recordId(owner, 'SKP'), year, predicate: 'BAIK' });
  }
  if (reason !== 'RETIRED' && reason !== 'DIED' && rng.chance(0.2)) {
    // Re-appointed (e.g. after leave outside state service): active again under whoever upserts.
    const agency = g.universe.employers.draw(rng);
    b.emp.unitName = rng.pick(UNITS);
    b.sendAsModelled(agency, 'ipasn.employee.upserted', upsertData(b.emp));
  }
}
