import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@ipasn/contracts';
import { SHIPPED_RULE_SETS } from '@ipasn/rules';
import { applyChunk, expireDue, holdLimits, type EventInput } from '@ipasn/scoring';
import { decodeState, encodeState } from '../src/index.js';

const NIP = '197708232004071109';
const ctx = { asOf: '2025-06-30', ruleSets: SHIPPED_RULE_SETS.all, computedAt: 0, timeDriven: true, maxRecords: 1_000, hold: holdLimits() };
const ev = (i: number, type: CanonicalEvent['type'], data: CanonicalEvent['data'], agency = '6300'): EventInput => ({
  event: { id: `e${i}`, source: `/agencies/${agency}`, agencyCode: agency, type, nip: NIP, time: '2024-01-01T00:00:00.000Z', data } as CanonicalEvent,
  partition: 1,
  offset: i,
  ingestedAt: 1_750_000_000_000 + i,
});

const date = fc.date({ min: new Date('1990-01-01'), max: new Date('2025-06-30'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const record = fc.oneof(
  fc.record({ kind: fc.constant('edu' as const), level: fc.constantFrom('SD', 'SMA', 'D3', 'S1', 'S3' as const), on: date }),
  fc.record({ kind: fc.constant('trn' as const), t: fc.constantFrom('TECHNICAL', 'SEMINAR', 'FUNCTIONAL' as const), jp: fc.nat(200), on: date }),
  fc.record({ kind: fc.constant('lead' as const), lvl: fc.constantFrom('PKP', 'PKA', 'PKN_II', 'PKN_I' as const), on: date }),
  fc.record({ kind: fc.constant('apr' as const), year: fc.integer({ min: 2015, max: 2025 }), pred: fc.option(fc.constantFrom('BAIK', 'KURANG' as const), { nil: undefined }), score: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }) }),
  fc.record({ kind: fc.constant('dis' as const), level: fc.constantFrom('RINGAN', 'BERAT' as const), on: date, ends: fc.option(fc.constant('2030-01-01'), { nil: undefined }) }),
);

function toEvent(i: number, r: Record<string, unknown>): EventInput {
  const recordId = `r${i % 7}`;
  const x = r as { kind: string; [k: string]: unknown };
  switch (x.kind) {
    case 'edu':
      return ev(i, 'ipasn.education.recorded', { recordId, level: x['level'], graduatedOn: x['on'] } as never);
    case 'trn':
      return ev(i, 'ipasn.training.recorded', { recordId, kind: x['t'], hours: x['jp'], completedOn: x['on'] } as never);
    case 'lead':
      return ev(i, 'ipasn.training.recorded', { recordId, kind: 'LEADERSHIP', hours: 40, completedOn: x['on'], leadershipLevel: x['lvl'] } as never);
    case 'apr': {
      const d: Record<string, unknown> = { recordId, year: x['year'] };
      if (x['pred'] === undefined && x['score'] === undefined) d['predicate'] = 'CUKUP';
      if (x['pred'] !== undefined) d['predicate'] = x['pred'];
      if (x['score'] !== undefined) d['score'] = x['score'];
      return ev(i, 'ipasn.appraisal.recorded', d as never);
    }
    default: {
      const d: Record<string, unknown> = { recordId, level: x['level'], imposedOn: x['on'] };
      if (x['ends'] !== undefined) d['endsOn'] = x['ends'];
      return ev(i, 'ipasn.discipline.recorded', d as never);
    }
  }
}

describe('stored state codec', () => {
  it('round-trips any state built from events, and never stores the name or other free text', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 25 }), fc.boolean(), fc.nat(3), (records, separated, strays) => {
        const upsert = { name: 'Siti Rahayu', employmentType: 'PPPK', jobGroup: 'PENGAWAS', positionName: 'Kepala', unitName: 'Biro', requiredEducation: 'D4' } as const;
        const inputs = [ev(0, 'ipasn.employee.upserted', upsert), ...records.map((r, i) => toEvent(i + 1, r))];
        // Another agency's events overtook a transfer: held in the state, an upsert with its name too.
        const stray = (i: number): EventInput => ev(i, 'ipasn.education.recorded', { recordId: `s${i}`, level: 'S1', graduatedOn: '2010-01-01' }, '3004');
        for (let k = 0; k < strays; k++) inputs.push(k === 0 ? ev(50, 'ipasn.employee.upserted', upsert, '3004') : stray(50 + k));
        // A retraction of a record that does not exist: UNKNOWN_RECORD, remembered as decided at 98.
        inputs.push(ev(98, 'ipasn.record.retracted', { recordId: 'nope' }));
        if (separated) inputs.push(ev(99, 'ipasn.employee.separated', { reason: 'RETIRED' }));
        const state = applyChunk(new Map([[NIP, null]]), inputs, ctx).states.get(NIP)!;
        expect(state.held.length).toBe(separated ? 0 : strays);
        expect(state.decided.filter((d) => d.at === 98).map((d) => d.reason)).toEqual(['UNKNOWN_RECORD']);
        const raw = encodeState(state);
        expect(decodeState(raw)).toEqual(state);
        // Expired by the timer, not yet dead-lettered: the outbox round-trips too.
        const expired = expireDue(state, Date.UTC(2100, 0, 1), ctx.hold);
        if (expired) expect(decodeState(encodeState(expired.state))).toEqual(expired.state);
        expect(expired === null).toBe(state.held.length === 0);
        expect(raw).not.toMatch(/Siti|Kepala|Biro/u);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('keeps the last score of any rule-set id, including one the code has never heard of', () => {
    const state = applyChunk(new Map([[NIP, null]]), [ev(0, 'ipasn.employee.upserted', { name: 'X', employmentType: 'PNS', jobGroup: 'PELAKSANA' } as never)], ctx).states.get(NIP)!;
    const withFourth = { ...state, last: { ...state.last, 'kota-bima-2026': { total: 61.25, agencyCode: '7672' } }, before: { 'kota-bima-2026.2': { total: 1, agencyCode: '6300' } } };
    expect(Object.keys(state.last).sort()).toEqual([...SHIPPED_RULE_SETS.ids].sort());
    expect(decodeState(encodeState(withFourth))).toEqual(withFourth);
  });

  it('reads the j2 format (last scores by position: perban-8-2019, reformulasi-2024) that running systems hold', () => {
    const j2 = 'j2' + JSON.stringify([[NIP, '6300', '6300', 1, 0, 3, -1, 1, []], 0, 17, 4, [[81.5, '6300'], 0], null, [0, [70, '4011']]]);
    const s = decodeState(j2);
    expect(s.last).toEqual({ 'perban-8-2019': { total: 81.5, agencyCode: '6300' } });
    expect(s.before).toEqual({ 'reformulasi-2024': { total: 70, agencyCode: '4011' } });
    expect(s.offset).toBe(17);
    expect(encodeState(s).startsWith('j3')).toBe(true);
    expect(decodeState(encodeState(s))).toEqual(s);
  });

  it('refuses an unknown format', () => {
    expect(() => decodeState('zz[]')).toThrow(/unknown employee state format/u);
    expect(() => decodeState('zz[]')).toThrow(expect.objectContaining({ code: 'STATE_CORRUPT', retriable: false }));
  });
});
