import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@ipasn/contracts';
import { getRuleSet, parseRuleSet, SHIPPED_RULE_SETS } from '@ipasn/rules';
import { jakartaDate, jakartaMidnightMs as jakartaMidnight } from '@ipasn/contracts';
import { applyChunk, rescore, scoringContext, type EmployeeState, type EventInput, type ScoringContext, holdLimits } from '../src/index.js';

const NIP = '198501012010011001';
const ctx: ScoringContext = { asOf: '2025-06-30', ruleSets: SHIPPED_RULE_SETS.all, computedAt: 1_750_000_000_000, timeDriven: true, maxRecords: 1_000, hold: holdLimits() };
let n = 0;
function ev(agency: string, type: CanonicalEvent['type'], data: CanonicalEvent['data'], nip = NIP): CanonicalEvent {
  n++;
  return { id: `e${n}`, source: `/agencies/${agency}`, agencyCode: agency, type, nip, time: '2024-01-01T00:00:00.000Z', data } as CanonicalEvent;
}
const upsert = (agency: string) => ev(agency, 'ipasn.employee.upserted', { name: 'Siti', employmentType: 'PNS', jobGroup: 'PELAKSANA' });
const inputs = (events: CanonicalEvent[], from = 0): EventInput[] => events.map((event, i) => ({ event, partition: 3, offset: from + i, ingestedAt: 0 }));

function run(stored: EmployeeState | null, ins: EventInput[], c = ctx) {
  return applyChunk(new Map([[NIP, stored]]), ins, c);
}

describe('applyChunk', () => {
  it('applies events, counts versions, emits one score event per rule set, and strips the name', () => {
    const r = run(null, inputs([upsert('4011'), ev('4011', 'ipasn.education.recorded', { recordId: 'a', level: 'S1', graduatedOn: '2010-01-01' })]));
    const s = r.states.get(NIP)!;
    expect(s.version).toBe(2);
    expect([s.partition, s.offset]).toEqual([3, 1]);
    expect(s.profile.name).toBeUndefined();
    expect(r.scores.map((x) => [x.ruleSet, x.status, x.version, x.cause.offset])).toEqual([
      ['perban-8-2019', 'ACTIVE', 2, 1],
      ['reformulasi-2024', 'ACTIVE', 2, 1],
      ['bkn-2023', 'ACTIVE', 2, 1],
    ]);
    expect(r.scores[0]!.dimensions.kualifikasi).toBe(15);
  });

  it('does not apply a replayed event again, but re-emits the current scores with the same version', () => {
    const first = run(null, inputs([upsert('4011')]));
    const stored = first.states.get(NIP)!;
    const replay = run(stored, inputs([upsert('4011')]));
    expect(replay.states.size).toBe(0);
    expect(replay.scores.map((s) => s.version)).toEqual([1, 1, 1]);
    expect(replay.scores).toEqual(first.scores.map((s) => ({ ...s, cause: replay.scores[0]!.cause })));
  });

  it('holds a non-owner’s event, dead-letters UNKNOWN_RECORD, and advances the position without a new version', () => {
    const stored = run(null, inputs([upsert('4011')])).states.get(NIP)!;
    const r = run(stored, inputs([ev('3004', 'ipasn.education.recorded', { recordId: 'x', level: 'S2', graduatedOn: '2010-01-01' }), ev('4011', 'ipasn.record.retracted', { recordId: 'nope' })], 1));
    expect(r.rejects.map((x) => x.reason)).toEqual(['UNKNOWN_RECORD']);
    expect(r.holds.map((h) => [h.kind, h.agencyCode])).toEqual([['held', '3004']]);
    expect(r.states.get(NIP)!.held.map((h) => h.offset)).toEqual([1]);
    expect(r.states.get(NIP)!.version).toBe(1);
    expect(r.states.get(NIP)!.offset).toBe(2);
  });

  it('remembers the rejects an event decided: a replay (its transaction aborted) sends exactly them again, a later chunk forgets them', () => {
    const stored = run(null, inputs([upsert('4011')])).states.get(NIP)!;
    const chunk = inputs([ev('4011', 'ipasn.record.retracted', { recordId: 'nope' }), ev('4011', 'ipasn.education.recorded', { recordId: 'a', level: 'S1', graduatedOn: '2010-01-01' }), ev('4011', 'ipasn.record.retracted', { recordId: 'gone' })], 1);
    const first = run(stored, chunk);
    const written = first.states.get(NIP)!;
    expect(first.rejects.map((r) => [r.reason, r.input.offset])).toEqual([['UNKNOWN_RECORD', 1], ['UNKNOWN_RECORD', 3]]);
    expect(written.decided.map((d) => [d.at, d.reason, d.input.event.id])).toEqual([[1, 'UNKNOWN_RECORD', chunk[0]!.event.id], [3, 'UNKNOWN_RECORD', chunk[2]!.event.id]]);
    // The state was written, the transaction aborted: the same chunk again re-sends the same two
    // dead letters and writes nothing.
    const replay = run(written, chunk);
    expect(replay.rejects).toEqual(first.rejects);
    expect(replay.states.size).toBe(0);
    // A replay cut differently (the consumer resumed at offset 2): only what offset 3 decided.
    expect(run(written, chunk.slice(1)).rejects.map((r) => r.input.offset)).toEqual([3]);
    // The next chunk starts beyond both: they were committed; nothing is re-sent, and they are dropped.
    const next = run(written, inputs([ev('4011', 'ipasn.training.recorded', { recordId: 't', kind: 'TECHNICAL', hours: 24, completedOn: '2025-01-01' })], 4));
    expect(next.rejects).toEqual([]);
    expect(next.states.get(NIP)!.decided).toEqual([]);
  });

  it('dead-letters NOT_OWNER at once for a transfer of an employee nobody owns (never held)', () => {
    const r = run(null, inputs([ev('3004', 'ipasn.employee.transferred', { toAgencyCode: '4011' })]));
    expect(r.rejects.map((x) => [x.reason, x.released])).toEqual([['NOT_OWNER', false]]);
    expect(r.states.get(NIP)!.held).toEqual([]);
  });

  it('names the previous agency and total on a transfer, and emits REMOVED after a separation', () => {
    const s1 = run(null, inputs([upsert('4011')])).states.get(NIP)!;
    const t = run(s1, inputs([ev('4011', 'ipasn.employee.transferred', { toAgencyCode: '3004' })], 1));
    expect(t.scores.map((s) => [s.agencyCode, s.previousAgencyCode, s.previousTotal])).toEqual([
      ['3004', '4011', 5],
      ['3004', '4011', 5],
      ['3004', '4011', 5],
    ]);
    const sep = run(t.states.get(NIP)!, inputs([ev('3004', 'ipasn.employee.separated', { reason: 'RETIRED' })], 2));
    expect(sep.scores.map((s) => [s.status, s.agencyCode])).toEqual([
      ['REMOVED', '3004'],
      ['REMOVED', '3004'],
      ['REMOVED', '3004'],
    ]);
    // Nothing more is emitted for a separated employee until a new upsert.
    const later = run(sep.states.get(NIP)!, inputs([ev('7672', 'ipasn.education.recorded', { recordId: 'q', level: 'S1', graduatedOn: '2010-01-01' })], 3));
    expect(later.scores).toEqual([]);
  });

  it('scores any rule set of the context, by its id, with no code knowing it', () => {
    const fourth = parseRuleSet({ ...structuredClone(getRuleSet('bkn-2023')), id: 'kota-contoh-2026', version: '7' });
    const r = run(null, inputs([upsert('4011')]), { ...ctx, ruleSets: [getRuleSet('perban-8-2019'), fourth] });
    expect(r.scores.map((x) => [x.ruleSet, x.ruleSetVersion])).toEqual([
      ['perban-8-2019', '1'],
      ['kota-contoh-2026', '7'],
    ]);
    expect(Object.keys(r.states.get(NIP)!.last)).toEqual(['perban-8-2019', 'kota-contoh-2026']);
  });

  it('emits nothing for records that arrive before the first upsert', () => {
    const r = run(null, inputs([ev('4011', 'ipasn.education.recorded', { recordId: 'a', level: 'S1', graduatedOn: '2010-01-01' })]));
    expect(r.scores).toEqual([]);
    expect(r.states.get(NIP)!.version).toBe(1);
  });

  it('sets a timer at 00:00 WIB of the next change, none when the date is pinned', () => {
    const events = [upsert('4011'), ev('4011', 'ipasn.training.recorded', { recordId: 't', kind: 'TECHNICAL', hours: 24, completedOn: '2025-01-10' })];
    const live = run(null, inputs(events));
    expect(live.timers).toEqual([{ key: NIP, dueAt: jakartaMidnight('2026-01-10') }]);
    const pinned = run(null, inputs(events), { ...ctx, timeDriven: false });
    expect(pinned.timers).toEqual([]);
  });
});

describe('rescore and codec', () => {
  it('a clock tick is a new version with CLOCK cause', () => {
    const s = run(null, inputs([upsert('4011')])).states.get(NIP)!;
    const r = rescore(s, 'CLOCK', ctx)!;
    expect(r.state.version).toBe(2);
    expect(r.scores.every((x) => x.cause.kind === 'CLOCK' && x.version === 2)).toBe(true);
  });

  it('converts Jakarta dates; a live context evaluates as of today in Jakarta, a pinned one is not time-driven', () => {
    const now = jakartaMidnight('2025-03-15') + 3_600_000;
    expect(scoringContext({ ruleSets: [], now })).toEqual({ asOf: '2025-03-15', ruleSets: [], computedAt: now, timeDriven: true, maxRecords: 1_000, hold: { max: 100, ms: 24 * 3_600_000 } });
    expect(scoringContext({ ruleSets: [], now, maxRecords: 5 }).maxRecords).toBe(5);
    expect(scoringContext({ ruleSets: [], now, asOf: '2024-12-31' })).toMatchObject({ asOf: '2024-12-31', timeDriven: false });
    expect(jakartaDate(jakartaMidnight('2025-03-15'))).toBe('2025-03-15');
    expect(jakartaDate(jakartaMidnight('2025-03-15') - 1)).toBe('2025-03-14');
  });
});
