import type { CanonicalEvent } from '@ipasn/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyProfile, getRecord, isScorable, type ApplyOutcome, type Profile } from '../src/index.js';
import { A, B, build, C, envelope, ev, NIP } from './helpers.js';

const ok = (r: ApplyOutcome): Profile => {
  if (!r.ok) throw new Error(`${r.reason}: ${r.message}`);
  return r.profile;
};

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

const withRecords = (): CanonicalEvent[] => [ev.education(A, 'e1', 'S1', '2010-01-01'), ev.training(A, 't1', 'TECHNICAL', 24, '2025-01-01')];
const states: Record<'never upserted' | 'separated' | 'owned by A', () => Profile> = {
  'never upserted': () => build(withRecords()),
  separated: () => build([ev.upsert(A), ...withRecords(), ev.separate(A)]),
  'owned by A': () => build([ev.upsert(A), ...withRecords()]),
};

describe('the ownership table, every cell', () => {
  type Kind = 'record' | 'retraction' | 'upsert' | 'transfer' | 'separation';
  const make: Record<Kind, (sender: string) => CanonicalEvent> = {
    record: (s) => ev.appraisal(s, 'a1', 2025, { predicate: 'BAIK' }),
    retraction: (s) => ev.retract(s, 'e1'),
    upsert: (s) => ev.upsert(s, { name: 'Budi' }),
    transfer: (s) => ev.transfer(s, C),
    separation: (s) => ev.separate(s),
  };
  const cases: [keyof typeof states, Kind, string, 'ok' | 'NOT_OWNER'][] = [];
  for (const state of ['never upserted', 'separated'] as const) {
    for (const sender of [A, B]) {
      cases.push([state, 'record', sender, 'ok'], [state, 'retraction', sender, 'ok'], [state, 'upsert', sender, 'ok']);
      cases.push([state, 'transfer', sender, 'NOT_OWNER'], [state, 'separation', sender, 'NOT_OWNER']);
    }
  }
  for (const kind of ['record', 'retraction', 'upsert', 'transfer', 'separation'] as const) {
    cases.push(['owned by A', kind, A, 'ok'], ['owned by A', kind, B, 'NOT_OWNER']);
  }

  it.each(cases)('%s: %s from %s → %s', (state, kind, sender, want) => {
    const before = deepFreeze(states[state]());
    const r = applyEvent(before, make[kind](sender));
    expect(r.ok ? 'ok' : r.reason).toBe(want);
    if (!r.ok) {
      expect(r.message).toContain(sender);
      return;
    }
    const p = r.profile;
    switch (kind) {
      case 'record':
        expect(getRecord(p, 'a1')).toMatchObject({ t: 'apr', year: 2025, pred: 'BAIK' });
        expect(p.owner).toBe(before.owner);
        expect(p.active).toBe(before.active);
        break;
      case 'retraction':
        expect(getRecord(p, 'e1')).toBeUndefined();
        expect(getRecord(p, 't1')).toBeDefined();
        break;
      case 'upsert':
        // Sets the sender as owner and activates; kept records stay.
        expect(p).toMatchObject({ owner: sender, agencyCode: sender, active: true, name: 'Budi' });
        expect(Object.keys(p.records).sort()).toEqual(['e1', 't1']);
        break;
      case 'transfer':
        expect(p).toMatchObject({ owner: C, agencyCode: C, active: true });
        expect(p.records).toEqual(before.records);
        break;
      case 'separation':
        expect(p).toMatchObject({ owner: null, agencyCode: A, active: false });
        expect(p.records).toEqual(before.records);
        break;
    }
  });
});

describe('applyEvent, event by event', () => {
  it('upsert sets every field and clears the optional ones it lacks', () => {
    const full = build([
      ev.upsert(A, { positionName: 'Analis', unitName: 'Biro SDM', requiredEducation: 'S1', employmentType: 'PPPK', jobGroup: 'FUNGSIONAL_AHLI_MUDA' }),
    ]);
    expect(full).toEqual({
      nip: NIP,
      owner: A,
      agencyCode: A,
      active: true,
      name: 'Siti Rahayu',
      employmentType: 'PPPK',
      jobGroup: 'FUNGSIONAL_AHLI_MUDA',
      positionName: 'Analis',
      unitName: 'Biro SDM',
      requiredEducation: 'S1',
      records: {},
      seq: 0,
    });
    const cleared = ok(applyEvent(full, ev.upsert(A, { name: 'Siti R.' })));
    expect(cleared).toStrictEqual({
      nip: NIP,
      owner: A,
      agencyCode: A,
      active: true,
      name: 'Siti R.',
      employmentType: 'PNS',
      jobGroup: 'PELAKSANA',
      records: {},
      seq: 0,
    });
    expect('positionName' in cleared).toBe(false);
  });

  it('stores each kind of record with what scoring needs, numbered in event order', () => {
    const p = build([
      ev.education(A, 'e', 'S2', '2012-09-01'),
      ev.training(A, 'l', 'LEADERSHIP', 30, '2020-03-01', 'PKA'),
      ev.training(A, 't', 'SEMINAR', 4, '2024-03-01'),
      ev.appraisal(A, 'a', 2024, { predicate: 'BAIK', score: 80.5 }),
      ev.appraisal(A, 'b', 2025, { score: 91 }),
      ev.discipline(A, 'd', 'SEDANG', '2024-05-01', '2024-11-01'),
      ev.discipline(A, 'x', 'RINGAN', '2024-05-01'),
    ]);
    expect(p.records).toStrictEqual({
      e: { t: 'edu', seq: 0, level: 'S2', on: '2012-09-01' },
      l: { t: 'trn', seq: 1, kind: 'LEADERSHIP', jp: 30, on: '2020-03-01', lead: 'PKA' },
      t: { t: 'trn', seq: 2, kind: 'SEMINAR', jp: 4, on: '2024-03-01' },
      a: { t: 'apr', seq: 3, year: 2024, pred: 'BAIK', score: 80.5 },
      b: { t: 'apr', seq: 4, year: 2025, score: 91 },
      d: { t: 'dis', seq: 5, level: 'SEDANG', on: '2024-05-01', ends: '2024-11-01' },
      x: { t: 'dis', seq: 6, level: 'RINGAN', on: '2024-05-01' },
    });
    expect(p.seq).toBe(7);
  });

  it('a record with an existing recordId replaces it, even of another kind, with a new sequence number', () => {
    const p = build([ev.upsert(A), ev.education(A, 'r', 'S1', '2010-01-01'), ev.training(A, 'z', 'SEMINAR', 1, '2024-01-01')]);
    const same = ok(applyEvent(p, ev.education(A, 'r', 'S2', '2012-01-01')));
    expect(same.records.r).toStrictEqual({ t: 'edu', seq: 2, level: 'S2', on: '2012-01-01' });
    const other = ok(applyEvent(p, ev.appraisal(A, 'r', 2025, { predicate: 'CUKUP' })));
    expect(other.records.r).toStrictEqual({ t: 'apr', seq: 2, year: 2025, pred: 'CUKUP' });
    expect(Object.keys(other.records).sort()).toEqual(['r', 'z']);
  });

  it('a retraction removes the record; a later record with that id is new', () => {
    const p = build([ev.upsert(A), ev.education(A, 'r', 'S1', '2010-01-01'), ev.retract(A, 'r')]);
    expect(p.records).toEqual({});
    const again = ok(applyEvent(p, ev.training(A, 'r', 'TECHNICAL', 5, '2025-01-01')));
    expect(again.records.r).toStrictEqual({ t: 'trn', seq: 1, kind: 'TECHNICAL', jp: 5, on: '2025-01-01' });
  });

  it('retracting an unknown id (or twice) is UNKNOWN_RECORD, naming the record and agency only', () => {
    const p = build([ev.upsert(A), ev.education(A, 'r', 'S1', '2010-01-01'), ev.retract(A, 'r')]);
    for (const id of ['r', 'never', 'constructor', '__proto__', 'toString']) {
      const r = applyEvent(p, ev.retract(A, id));
      expect(r).toMatchObject({ ok: false, reason: 'UNKNOWN_RECORD' });
      if (!r.ok) {
        expect(r.message).toContain(JSON.stringify(id));
        expect(r.message).toContain(A);
      }
    }
    expect(applyEvent(emptyProfile(NIP), ev.retract(B, 'x'))).toMatchObject({ ok: false, reason: 'UNKNOWN_RECORD' });
  });

  it('NOT_OWNER is checked before UNKNOWN_RECORD', () => {
    const p = build([ev.upsert(A)]);
    expect(applyEvent(p, ev.retract(B, 'nope'))).toMatchObject({ ok: false, reason: 'NOT_OWNER' });
  });

  it('messages never contain the name or the NIP', () => {
    const p = build([ev.upsert(A, { name: 'Siti Rahayu' })]);
    const rejects = [
      applyEvent(p, ev.upsert(B)),
      applyEvent(p, ev.retract(A, 'nope')),
      applyEvent(p, ev.transfer(B, C)),
      applyEvent(emptyProfile(NIP), ev.separate(A)),
    ];
    for (const r of rejects) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.message).not.toContain('Siti');
        expect(r.message).not.toContain(NIP);
      }
    }
  });

  it('never mutates its input', () => {
    const p = deepFreeze(build([ev.upsert(A), ev.education(A, 'e', 'S1', '2010-01-01')]));
    const snapshot = JSON.stringify(p);
    for (const e of [
      ev.upsert(A, { positionName: 'X' }),
      ev.education(A, 'e', 'S2', '2011-01-01'),
      ev.training(A, 't', 'TECHNICAL', 2, '2025-01-01'),
      ev.retract(A, 'e'),
      ev.transfer(A, B),
      ev.separate(A),
    ]) {
      expect(applyEvent(p, e).ok).toBe(true);
    }
    expect(JSON.stringify(p)).toBe(snapshot);
  });

  it('an event for another employee is a programmer error', () => {
    expect(() => applyEvent(emptyProfile(NIP), envelope('ipasn.record.retracted', A, { recordId: 'x' }, '199001012015031002'))).toThrow(
      /another employee/u,
    );
  });

  it('record ids that are Object.prototype member names are ordinary keys and survive JSON', () => {
    const p = build([ev.education(A, '__proto__', 'S1', '2010-01-01'), ev.education(A, 'constructor', 'S2', '2011-01-01')]);
    expect(Object.keys(p.records).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(p.records)).toBe(Object.prototype);
    const back = JSON.parse(JSON.stringify(p)) as Profile;
    expect(JSON.stringify(back)).toBe(JSON.stringify(p));
    expect(getRecord(back, '__proto__')).toMatchObject({ level: 'S1' });
    const r = ok(applyEvent(back, ev.retract(A, '__proto__')));
    expect(Object.keys(r.records)).toEqual(['constructor']);
  });
});

describe('lifecycles', () => {
  it('records arriving before the first upsert are kept, from any agency', () => {
    const p = build([ev.education(B, 'e', 'S1', '2010-01-01'), ev.training(C, 't', 'SEMINAR', 2, '2024-01-01'), ev.upsert(A)]);
    expect(p).toMatchObject({ owner: A, agencyCode: A, active: true });
    expect(Object.keys(p.records).sort()).toEqual(['e', 't']);
    expect(isScorable(p)).toBe(true);
  });

  it('transfer: the target owns the employee; the old owner is NOT_OWNER; still active', () => {
    const p = build([ev.upsert(A), ev.transfer(A, B)]);
    expect(p).toMatchObject({ owner: B, agencyCode: B, active: true });
    expect(applyEvent(p, ev.education(A, 'e', 'S1', '2010-01-01'))).toMatchObject({ ok: false, reason: 'NOT_OWNER' });
    const q = ok(applyEvent(p, ev.upsert(B, { jobGroup: 'PENGAWAS' })));
    expect(q).toMatchObject({ owner: B, jobGroup: 'PENGAWAS' });
  });

  it('a new owner’s events that overtake the transfer are NOT_OWNER, and apply once redriven', () => {
    const p = build([ev.upsert(A)]);
    const early = ev.education(B, 'e', 'S1', '2010-01-01');
    expect(applyEvent(p, early)).toMatchObject({ ok: false, reason: 'NOT_OWNER' });
    const moved = build([ev.transfer(A, B)], p);
    expect(applyEvent(moved, early).ok).toBe(true);
  });

  it('separation and re-upsert by another agency', () => {
    const sep = build([ev.upsert(A), ev.education(A, 'e', 'S1', '2010-01-01'), ev.separate(A, 'RESIGNED')]);
    expect(sep).toMatchObject({ owner: null, agencyCode: A, active: false, employmentType: 'PNS' });
    expect(isScorable(sep)).toBe(false);
    const back = build([ev.upsert(C, { employmentType: 'PPPK' })], sep);
    expect(back).toMatchObject({ owner: C, agencyCode: C, active: true, employmentType: 'PPPK' });
    expect(Object.keys(back.records)).toEqual(['e']);
    expect(isScorable(back)).toBe(true);
  });

  it('isScorable needs an upsert and an active employee', () => {
    expect(isScorable(emptyProfile(NIP))).toBe(false);
    expect(isScorable(build([ev.education(A, 'e', 'S1', '2010-01-01')]))).toBe(false);
    expect(isScorable(build([ev.upsert(A)]))).toBe(true);
  });

  it('profiles are plain JSON: round trip without change and without undefined keys', () => {
    const p = build([ev.upsert(A, { unitName: 'U' }), ev.appraisal(A, 'a', 2025, { score: 75.99 }), ev.transfer(A, B), ev.separate(B)]);
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
    expect(JSON.stringify(emptyProfile(NIP))).toBe(`{"nip":"${NIP}","owner":null,"agencyCode":null,"active":false,"records":{},"seq":0}`);
  });
});
