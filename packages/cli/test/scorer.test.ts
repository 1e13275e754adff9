/** The scorer core in-process (no spawning): dedupe and reject bookkeeping. */
import { describe, expect, it } from 'vitest';
import { Agencies } from '@ipasn/contracts';
import { SHIPPED_RULE_SETS } from '@ipasn/rules';
import { MAX_EVENT_BYTES } from '@ipasn/normalize';
import { Scorer } from '../src/score/scorer.js';
import { NOW, T, ev, nip, rec, upsert } from './helpers.js';

const newScorer = (topicAgency?: string): Scorer => new Scorer({ agencies: Agencies.default(), ingestionTime: new Date(NOW), topicAgency });
/** Feeds lines 1…n; returns each line's reason (undefined: accepted or duplicate, HELD: still held at the end). */
const feed = (s: Scorer, ls: Array<string | null>): Array<string | undefined> => {
  const out: Array<string | undefined> = ls.map(() => undefined);
  const printed: number[] = [];
  const take = (rs: { line: number; reason: string }[]) => {
    for (const r of rs) {
      out[r.line - 1] = r.reason;
      printed.push(r.line);
    }
  };
  ls.forEach((l, i) => take(s.line(l === null ? null : Buffer.from(l), i + 1, l === null ? MAX_EVENT_BYTES + 10 : l.length)));
  take(s.finish());
  // stderr is in line order, whatever was held.
  expect(printed).toEqual([...printed].sort((a, b) => a - b));
  return out;
};

describe('Scorer', () => {
  it('reports an over-long line as MALFORMED with its length and no id', () => {
    const s = newScorer();
    const r = s.line(null, 7, 70_000);
    expect(r).toEqual([{ line: 7, id: null, source: null, reason: 'MALFORMED', message: `the event is 70000 bytes, over ${MAX_EVENT_BYTES} (64 KiB)` }]);
  });

  it('holds the new owner’s upsert that overtook the transfer and applies it with the transfer; a copy is a duplicate', () => {
    const e = nip(70);
    const overtaking = upsert(e, { unitName: 'Kantor Wilayah' }, '3004');
    const s = newScorer();
    expect(feed(s, [upsert(e), overtaking, rec(T.transfer, e, { toAgencyCode: '3004' }), overtaking])).toEqual([undefined, undefined, undefined, undefined]);
    expect(s.stats).toMatchObject({ accepted: 3, duplicates: 1, rejects: { total: 0 }, holds: { held: 1, released: 1, notReleased: 0 } });
    expect(s.activeProfiles().map((p) => p.agencyCode)).toEqual(['3004']);
  });

  it('reports what is still held at the end as NOT_OWNER on its own line, in line order with later rejects', () => {
    const e = nip(74);
    const stray = rec(T.appraisal, e, { recordId: 'skp-x', year: 2024, predicate: 'BAIK' }, '7672');
    const s = newScorer();
    expect(feed(s, [upsert(e), stray, rec(T.retract, e, { recordId: 'none' }), rec(T.transfer, e, { toAgencyCode: '4011' }, '7672')])).toEqual([
      undefined,
      'NOT_OWNER',
      'UNKNOWN_RECORD',
      'NOT_OWNER',
    ]);
    expect(s.stats).toMatchObject({ accepted: 1, rejects: { total: 3 }, holds: { held: 2, released: 0, notReleased: 2 } });
    // A held event keeps its dedupe mark while held: a copy meanwhile is a duplicate.
    const again = newScorer();
    expect(feed(again, [upsert(e), stray, stray])).toEqual([undefined, 'NOT_OWNER', undefined]);
    expect(again.stats).toMatchObject({ duplicates: 1 });
  });

  it('holds at most SCORER_HOLD_MAX events per NIP: one more is NOT_OWNER at once', () => {
    const e = nip(75);
    const s = new Scorer({ agencies: Agencies.default(), ingestionTime: new Date(NOW), holdMax: 1 });
    const a = rec(T.appraisal, e, { recordId: 'a', year: 2024, predicate: 'BAIK' }, '3004');
    const b = rec(T.appraisal, e, { recordId: 'b', year: 2023, predicate: 'BAIK' }, '3004');
    expect(feed(s, [upsert(e), a, b, rec(T.transfer, e, { toAgencyCode: '3004' })])).toEqual([undefined, undefined, 'NOT_OWNER', undefined]);
    expect(s.stats).toMatchObject({ accepted: 3, holds: { held: 1, released: 1 } });
  });

  it('counts duplicates only of accepted events and keeps the first copy', () => {
    const e = nip(71);
    const a = ev({ id: 'x', type: T.appraisal, subject: e, data: { recordId: 'a', year: 2024, predicate: 'BAIK' } });
    const s = newScorer();
    feed(s, [upsert(e), a, a, '', a]);
    expect(s.stats).toMatchObject({ lines: 5, emptyLines: 1, accepted: 2, duplicates: 2 });
  });

  it('checks the topic only with topicAgency', () => {
    const line = upsert(nip(72), {}, '3004');
    expect(feed(newScorer('4011'), [line])).toEqual(['AGENCY_MISMATCH']);
    expect(feed(newScorer(), [line])).toEqual([undefined]);
  });

  it('scores under the rule sets in id order', () => {
    const s = newScorer();
    feed(s, [upsert(nip(73))]);
    expect([...s.employeeLines('2025-06-30', SHIPPED_RULE_SETS.select('reformulasi-2024,bkn-2023,perban-8-2019'))].map((l) => l.rules)).toEqual(['bkn-2023', 'perban-8-2019', 'reformulasi-2024']);
  });
});
