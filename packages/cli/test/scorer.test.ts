/** The scorer core in-process (no spawning): dedupe and reject bookkeeping. */
import { describe, expect, it } from 'vitest';
import { Agencies } from '@ipasn/contracts';
import { SHIPPED_RULE_SETS } from '@ipasn/rules';
import { MAX_EVENT_BYTES } from '@ipasn/normalize';
import { Scorer } from '../src/score/scorer.js';
import { NOW, T, ev, nip, rec, upsert } from './helpers.js';

const newScorer = (topicAgency?: string): Scorer => new Scorer({ agencies: Agencies.default(), ingestionTime: new Date(NOW), topicAgency });
const feed = (s: Scorer, ls: Array<string | null>): Array<string | undefined> =>
  ls.map((l, i) => s.line(l === null ? null : Buffer.from(l), i + 1, l === null ? MAX_EVENT_BYTES + 10 : l.length)?.reason);

describe('Scorer', () => {
  it('reports an over-long line as MALFORMED with its length and no id', () => {
    const s = newScorer();
    const r = s.line(null, 7, 70_000);
    expect(r).toEqual({ line: 7, id: null, source: null, reason: 'MALFORMED', message: `the event is 70000 bytes, over ${MAX_EVENT_BYTES} (64 KiB)` });
  });

  it('re-judges a copy of a NOT_OWNER event once the transfer made the sender the owner', () => {
    const e = nip(70);
    const overtaking = upsert(e, { unitName: 'Kantor Wilayah' }, '3004');
    const s = newScorer();
    expect(feed(s, [upsert(e), overtaking, rec(T.transfer, e, { toAgencyCode: '3004' }), overtaking])).toEqual([
      undefined,
      'NOT_OWNER',
      undefined,
      undefined,
    ]);
    expect(s.stats).toMatchObject({ accepted: 3, duplicates: 0, rejects: { total: 1 } });
    expect(s.activeProfiles().map((p) => p.agencyCode)).toEqual(['3004']);
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
