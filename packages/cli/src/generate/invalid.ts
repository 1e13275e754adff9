/**
 * Intended rejects, one builder per reason (events.md "Rejects"). Each line is built to fail exactly
 * the check it is declared for: everything the earlier checks look at stays valid.
 */
import type { EventType, RejectReason } from '@ipasn/contracts';
import { isoOf, jakartaTimestamp, ymdOf } from '../dates.js';
import type { Payload } from './records.js';
import type { ScriptBuilder } from './script.js';

interface Base {
  type: EventType;
  data: Payload;
  date?: number;
}

/** Adds one intended reject to the employee's script, its reason spread evenly over all reasons. */
export function injectReject(b: ScriptBuilder): void {
  const reason = b.g.nextReason((r) => possible(b, r));
  switch (reason) {
    case 'MALFORMED':
      return malformed(b);
    case 'UNSUPPORTED_TYPE':
      return unsupported(b);
    case 'SCHEMA_INVALID':
      return schemaInvalid(b);
    case 'INVALID_NIP':
      return invalidNip(b);
    case 'UNKNOWN_AGENCY':
      return unknownAgency(b);
    case 'AGENCY_MISMATCH':
      return agencyMismatch(b);
    case 'FUTURE_DATED':
      return futureDated(b);
    case 'NOT_OWNER':
      return notOwner(b);
    case 'UNKNOWN_RECORD':
      return unknownRecord(b);
  }
}

/** Whether the employee's current state allows a reject of this reason (the others always do). */
function possible(b: ScriptBuilder, r: RejectReason): boolean {
  const known = b.g.universe.known;
  if (r === 'AGENCY_MISMATCH') return b.owner !== null && known.some((c) => c !== b.owner);
  if (r === 'NOT_OWNER') return b.owner === null || known.some((c) => c !== b.owner);
  if (r === 'UNKNOWN_AGENCY') return b.g.universe.unknown.length > 0;
  return true;
}

function otherAgency(b: ScriptBuilder, than: string): string {
  return b.g.rng.pick(b.g.universe.known.filter((c) => c !== than));
}

/** A fresh, valid record for this employee (a new recordId). */
function freshRecord(b: ScriptBuilder, agency: string): Base {
  const { rng } = b.g;
  const asOf = b.g.opts.asOf;
  const x = rng.float();
  if (x < 0.6) {
    const date = asOf - rng.int(0, 360);
    return {
      type: 'ipasn.training.recorded',
      date,
      data: { recordId: b.recordId(agency, 'DKL'), kind: 'TECHNICAL', hours: rng.pick([16, 20, 24, 32]), completedOn: isoOf(date) },
    };
  }
  if (x < 0.85) {
    return { type: 'ipasn.appraisal.recorded', data: { recordId: b.recordId(agency, 'SKP'), year: ymdOf(asOf).y - 1, predicate: 'BAIK' } };
  }
  const held = b.emp.education[b.emp.education.length - 1];
  const date = held?.graduatedOn ?? asOf - 3650;
  return {
    type: 'ipasn.education.recorded',
    date,
    data: { recordId: b.recordId(agency, 'PDK'), level: held?.level ?? 'SMA', graduatedOn: isoOf(date) },
  };
}

function rejectWire(b: ScriptBuilder, base: Base, reason: RejectReason, mutate: (w: Record<string, unknown>) => string | void): void {
  const timeMs = b.tick(base.date);
  const agency = b.sender;
  const wire = b.wire(agency, base.type, { ...base.data }, timeMs) as unknown as Record<string, unknown>;
  const text = mutate(wire) ?? JSON.stringify(wire);
  // A malformed line is no event at all: it counts as `other`, not as the type it was cut from.
  b.reject(text, reason === 'MALFORMED' ? null : base.type, agency, reason, timeMs);
}

function malformed(b: ScriptBuilder): void {
  const { rng } = b.g;
  const base = freshRecord(b, b.sender);
  const x = rng.float();
  rejectWire(b, base, 'MALFORMED', (w) => {
    const json = JSON.stringify(w);
    if (x < 0.03) {
      // An attachment pushes the event over 64 KiB.
      const block = Array.from({ length: 64 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[rng.int(0, 63)]).join('');
      (w.data as Payload).photo = `data:image/jpeg;base64,${block.repeat(1100)}`;
      return JSON.stringify(w);
    }
    if (x < 0.35) return json.slice(0, rng.int(10, json.length - 2)); // cut off mid-write
    if (x < 0.5) return `[${json}]`; // a batch sent as one message
    if (x < 0.65) return JSON.stringify(json); // double-encoded: a JSON string
    if (x < 0.75) return `${json}}`; // trailing garbage
    if (x < 0.85) return `specversion=1.0&id=${String(w.id)}&subject=${b.nip}`;
    if (x < 0.92) return `${b.nip};${String(w.type)};${isoOf(b.g.opts.asOf)}`;
    return rng.pick(['null', '42', 'true', '"ok"']);
  });
}

function unsupported(b: ScriptBuilder): void {
  const { rng } = b.g;
  const base = freshRecord(b, b.sender);
  const wrongVersion = rng.chance(0.35);
  rejectWire(b, base, 'UNSUPPORTED_TYPE', (w) => {
    if (wrongVersion) w.specversion = rng.pick(['0.3', '2.0']);
    else w.type = rng.pick(['ipasn.employee.deleted', 'ipasn.leave.recorded', 'ipasn.training.recorded.v2', 'id.go.bkn.siasn.sync', 'ipasn.award.recorded']);
  });
  const last = b.lines[b.lines.length - 1];
  if (last && !wrongVersion) last.type = null;
}

const SCHEMA_MUTATIONS: ReadonlyArray<{ type: EventType | 'any'; apply: (w: Record<string, unknown>, d: Payload, b: ScriptBuilder) => void }> = [
  { type: 'any', apply: (w) => void (w.source = `agencies/${String(w.source).slice(10)}`) },
  { type: 'any', apply: (w) => void (w.id = '') },
  { type: 'any', apply: (w) => void (w.id = 'x'.repeat(129)) },
  { type: 'any', apply: (w) => void (w.subject = Number(w.subject)) },
  { type: 'any', apply: (w) => void (w.time = 'kemarin sore') },
  { type: 'any', apply: (w) => void delete w.time },
  { type: 'any', apply: (w) => void delete w.data },
  { type: 'any', apply: (w) => void (w.data = []) },
  { type: 'ipasn.employee.upserted', apply: (_w, d) => void delete d.name },
  { type: 'ipasn.employee.upserted', apply: (_w, d) => void (d.employmentType = 'HONORER') },
  { type: 'ipasn.employee.upserted', apply: (_w, d) => void (d.jobGroup = 'Fungsional Umum') },
  { type: 'ipasn.employee.upserted', apply: (_w, d) => void (d.requiredEducation = 'S4') },
  { type: 'ipasn.education.recorded', apply: (_w, d) => void (d.level = 'Sarjana Muda') },
  { type: 'ipasn.education.recorded', apply: (_w, d) => void (d.graduatedOn = '2019-02-30') },
  { type: 'ipasn.education.recorded', apply: (_w, d) => void delete d.graduatedOn },
  { type: 'ipasn.training.recorded', apply: (_w, d) => void (d.hours = -8) },
  { type: 'ipasn.training.recorded', apply: (_w, d) => void (d.hours = 24.5) },
  { type: 'ipasn.training.recorded', apply: (_w, d) => void (d.hours = 'dua puluh') },
  { type: 'ipasn.training.recorded', apply: (_w, d) => void (d.kind = 'WORKSHOP') },
  { type: 'ipasn.training.recorded', apply: (_w, d) => void (d.kind = 'LEADERSHIP') },
  { type: 'ipasn.training.recorded', apply: (_w, d) => void Object.assign(d, { kind: 'LEADERSHIP', leadershipLevel: 'Diklatpim V' }) },
  { type: 'ipasn.training.recorded', apply: (_w, d) => void (d.completedOn = '31-04-2023') },
  { type: 'ipasn.appraisal.recorded', apply: (_w, d) => void (delete d.predicate, delete d.score) },
  { type: 'ipasn.appraisal.recorded', apply: (_w, d) => void (delete d.predicate, (d.score = 120)) },
  { type: 'ipasn.appraisal.recorded', apply: (_w, d) => void (d.predicate = 'ISTIMEWA') },
  { type: 'ipasn.appraisal.recorded', apply: (_w, d) => void (d.year = '2023a') },
  { type: 'ipasn.discipline.recorded', apply: (_w, d) => void (d.endsOn = d.imposedOn) },
  { type: 'ipasn.discipline.recorded', apply: (_w, d) => void (d.level = 'RINGAN SEKALI') },
  { type: 'ipasn.record.retracted', apply: (_w, d) => void delete d.recordId },
  { type: 'ipasn.record.retracted', apply: (_w, d) => void (d.recordId = 42) },
  { type: 'ipasn.employee.transferred', apply: (w, d) => void (d.toAgencyCode = String(w.source).slice(10)) },
  { type: 'ipasn.employee.separated', apply: (_w, d) => void (d.reason = 'PENSIUN') },
];

function baseOfType(b: ScriptBuilder, type: EventType | 'any'): Base {
  const { rng } = b.g;
  const agency = b.sender;
  const asOf = b.g.opts.asOf;
  switch (type) {
    case 'any':
    case 'ipasn.training.recorded':
    case 'ipasn.appraisal.recorded':
    case 'ipasn.education.recorded': {
      for (;;) {
        const base = freshRecord(b, agency);
        if (type === 'any' || base.type === type) return base;
      }
    }
    case 'ipasn.employee.upserted':
      return { type, data: { name: b.emp.name, employmentType: b.emp.employmentType, jobGroup: b.emp.jobGroup } };
    case 'ipasn.discipline.recorded': {
      const date = asOf - rng.int(0, 700);
      return { type, date, data: { recordId: b.recordId(agency, 'HKD'), level: 'RINGAN', imposedOn: isoOf(date), endsOn: isoOf(date + 90) } };
    }
    case 'ipasn.record.retracted':
      return { type, data: { recordId: [...b.records.keys()][0] ?? b.recordId(agency, 'DKL') } };
    case 'ipasn.employee.transferred':
      return { type, data: { toAgencyCode: b.g.universe.known.find((c) => c !== agency) ?? agency } };
    case 'ipasn.employee.separated':
      return { type, data: { reason: 'RETIRED' } };
  }
}

function schemaInvalid(b: ScriptBuilder): void {
  const m = b.g.rng.pick(SCHEMA_MUTATIONS);
  const base = baseOfType(b, m.type);
  rejectWire(b, base, 'SCHEMA_INVALID', (w) => m.apply(w, w.data as Payload, b));
}

function invalidNip(b: ScriptBuilder): void {
  const { rng } = b.g;
  const nip = b.nip;
  const birthYear = Number(nip.slice(0, 4));
  const variants: Array<() => string> = [
    () => nip.slice(0, 17),
    () => `${nip}${rng.int(0, 9)}`,
    () => `${nip.slice(0, 15)}O${nip.slice(16)}`, // letter O typed for a zero
    () => `${nip.slice(0, 4)}13${nip.slice(6)}`, // month 13
    () => `${nip.slice(0, 4)}0230${nip.slice(8)}`, // 30 February
    () => `${nip.slice(0, 8)}${birthYear + rng.int(0, 14)}${nip.slice(12)}`, // appointed as a child
    () => `${nip.slice(0, 8)}${b.g.ingestionYear + rng.int(1, 5)}${nip.slice(12)}`, // appointed in the future
    () => `${nip.slice(0, 14)}${rng.pick(['0', '3', '9'])}${nip.slice(15)}`, // gender digit
  ];
  const subject = rng.pick(variants)();
  rejectWire(b, freshRecord(b, b.sender), 'INVALID_NIP', (w) => void (w.subject = subject));
}

function unknownAgency(b: ScriptBuilder): void {
  const { rng, universe } = b.g;
  const unknown = rng.pick(universe.unknown);
  if (rng.chance(0.3)) {
    // A transfer to an agency that is not in the list (check 5 comes before ownership).
    rejectWire(b, { type: 'ipasn.employee.transferred', data: { toAgencyCode: unknown } }, 'UNKNOWN_AGENCY', () => undefined);
    return;
  }
  const base = freshRecord(b, unknown);
  const timeMs = b.tick(base.date);
  const wire = b.wire(unknown, base.type, base.data, timeMs);
  b.reject(JSON.stringify(wire), base.type, b.sender, 'UNKNOWN_AGENCY', timeMs);
}

function agencyMismatch(b: ScriptBuilder): void {
  const owner = b.owner as string;
  const stray = otherAgency(b, owner);
  const base = freshRecord(b, stray);
  // Sent by another agency's producer into the owner's topic; read offline it is that agency's event,
  // held there (the live normalizer rejects it: AGENCY_MISMATCH).
  b.send(stray, base.type, base.data, { expect: 'HELD', topic: owner, ...(base.date !== undefined && { date: base.date }) });
}

function futureDated(b: ScriptBuilder): void {
  const { rng } = b.g;
  const x = rng.float();
  if (x < 0.4) {
    const base = freshRecord(b, b.sender);
    const timeMs = b.g.opts.nowMs + rng.int(2 * 24 * 60, 200 * 24 * 60) * 60_000;
    const wire = b.wire(b.sender, base.type, base.data, timeMs);
    wire.time = jakartaTimestamp(timeMs, true);
    b.reject(JSON.stringify(wire), base.type, b.sender, 'FUTURE_DATED', b.tick());
    return;
  }
  const future = b.g.nowDay + rng.int(2, 400);
  const agency = b.sender;
  let base: Base;
  if (x < 0.6) {
    base = { type: 'ipasn.appraisal.recorded', data: { recordId: b.recordId(agency, 'SKP'), year: b.g.ingestionYear + 1, predicate: 'BAIK' } };
  } else if (x < 0.8) {
    base = { type: 'ipasn.training.recorded', data: { recordId: b.recordId(agency, 'DKL'), kind: 'SEMINAR', hours: 4, completedOn: isoOf(future) } };
  } else if (x < 0.9) {
    base = { type: 'ipasn.education.recorded', data: { recordId: b.recordId(agency, 'PDK'), level: 'S2', graduatedOn: isoOf(future) } };
  } else {
    base = {
      type: 'ipasn.discipline.recorded',
      data: { recordId: b.recordId(agency, 'HKD'), level: 'RINGAN', imposedOn: isoOf(future), endsOn: isoOf(future + 180) },
    };
  }
  rejectWire(b, base, 'FUTURE_DATED', () => undefined);
}

function notOwner(b: ScriptBuilder): void {
  const { rng } = b.g;
  const owner = b.owner;
  if (owner === null) {
    // Before the first upsert or after a separation, nobody may transfer or separate the employee.
    const from = b.emp.agency;
    const others = b.g.universe.known.filter((c) => c !== from);
    if (others.length > 0 && rng.chance(0.5)) {
      b.send(from, 'ipasn.employee.transferred', { toAgencyCode: rng.pick(others) }, { expect: 'NOT_OWNER' });
    } else {
      b.send(from, 'ipasn.employee.separated', { reason: rng.pick(['RETIRED', 'RESIGNED', 'OTHER']) }, { expect: 'NOT_OWNER' });
    }
    return;
  }
  // Another agency's event for an owned employee is held (events.md): NOT_OWNER in the end unless
  // the owner changes to that agency (or to nobody) later in the script — the model decides.
  const stray = otherAgency(b, owner);
  const x = rng.float();
  if (x < 0.5) {
    const base = freshRecord(b, stray);
    b.send(stray, base.type, base.data, { expect: 'HELD', ...(base.date !== undefined && { date: base.date }) });
  } else if (x < 0.75) {
    const data: Payload = { name: b.emp.name, employmentType: b.emp.employmentType, jobGroup: b.emp.jobGroup };
    b.send(stray, 'ipasn.employee.upserted', data, { expect: 'HELD' });
  } else if (x < 0.9) {
    b.send(stray, 'ipasn.employee.transferred', { toAgencyCode: owner }, { expect: 'HELD' });
  } else {
    b.send(stray, 'ipasn.employee.separated', { reason: 'OTHER' }, { expect: 'HELD' });
  }
}

function unknownRecord(b: ScriptBuilder): void {
  const { rng } = b.g;
  const again = b.retracted.filter((id) => !b.records.has(id));
  const recordId = again.length > 0 && rng.chance(0.5) ? rng.pick(again) : b.recordId(b.sender, 'DKL');
  b.send(b.sender, 'ipasn.record.retracted', { recordId }, { expect: 'UNKNOWN_RECORD' });
}
