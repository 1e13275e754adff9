/** verify's pure parts: the fold, the expected sums and the per-agency comparison. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '@ipasn/contracts';
import { addContribution, aggregateByAgency, emptyAgencySums, getRuleSet, score, SHIPPED_RULE_SETS, summarize } from '@ipasn/rules';
import { compareRows, diffSums, expectedSums, ProfileFold } from '../src/index.js';
import { scoreOf } from '@ipasn/aggregates/testing';

let n = 0;
function ev<T extends CanonicalEvent['type']>(agency: string, nip: string, type: T, data: Extract<CanonicalEvent, { type: T }>['data']): CanonicalEvent {
  n++;
  return { id: `e${n}`, source: `/agencies/${agency}`, agencyCode: agency, type, nip, time: '2025-01-01T00:00:00.000Z', data } as CanonicalEvent;
}
const N1 = '198501012010011001';
const N2 = '199002022015022002';
const N3 = '199103032016032003';
const AS_OF = '2025-06-30';

describe('ProfileFold and expectedSums', () => {
  it('folds like the scorer (rejects skipped) and counts scorable employees under their current agency', () => {
    const fold = new ProfileFold();
    const events = [
      ev('4011', N1, 'ipasn.employee.upserted', { name: 'A', employmentType: 'PNS', jobGroup: 'PELAKSANA', requiredEducation: 'S1' }),
      ev('4011', N1, 'ipasn.education.recorded', { recordId: 'e', level: 'S1', graduatedOn: '2010-01-01' }),
      ev('3004', N1, 'ipasn.education.recorded', { recordId: 'x', level: 'S3', graduatedOn: '2010-01-01' }), // held, applied after the transfer
      ev('4011', N1, 'ipasn.record.retracted', { recordId: 'nope' }), // UNKNOWN_RECORD
      ev('4011', N1, 'ipasn.employee.transferred', { toAgencyCode: '3004' }),
      ev('3004', N2, 'ipasn.employee.upserted', { name: 'B', employmentType: 'PPPK', jobGroup: 'PELAKSANA' }),
      ev('3004', N3, 'ipasn.employee.upserted', { name: 'C', employmentType: 'PNS', jobGroup: 'PELAKSANA' }),
      ev('3004', N3, 'ipasn.employee.separated', { reason: 'RETIRED' }),
      ev('7672', N2, 'ipasn.education.recorded', { recordId: 'y', level: 'S1', graduatedOn: '2010-01-01' }), // held to the end
    ];
    for (const e of events) fold.add(e);
    expect(fold.rejected).toBe(1);
    expect(fold.held).toBe(1);
    expect(Object.keys([...fold.profiles()][0]!.records)).toEqual(['e', 'x']);
    const profiles = [...fold.profiles()];
    expect(profiles.map((p) => [p.nip, p.agencyCode, p.active])).toEqual([
      [N1, '3004', true],
      [N2, '3004', true],
      [N3, '3004', false],
    ]);
    // Names are not kept (less personal data in memory, as in the scorer's store).
    expect(profiles.every((p) => p.name === undefined)).toBe(true);

    const { rows, employees } = expectedSums(profiles, AS_OF, SHIPPED_RULE_SETS.all);
    expect(employees).toBe(2);
    const batch = aggregateByAgency(
      profiles
        .filter((p) => p.active)
        .flatMap((p) => SHIPPED_RULE_SETS.all.map((rs) => ({ agencyCode: p.agencyCode!, employmentType: p.employmentType!, rules: rs.id, score: score(p, AS_OF, rs) }))),
    );
    expect(rows.map((r) => summarize(r.agencyCode, r.rules, r.sums))).toEqual(batch);
    // By agency, then rule-set id.
    expect(rows.map((r) => [r.agencyCode, r.rules])).toEqual([
      ['3004', 'bkn-2023'],
      ['3004', 'perban-8-2019'],
      ['3004', 'reformulasi-2024'],
    ]);
  });

  it('applies the scorer’s record limit it is given (TOO_MANY_RECORDS is skipped, replacing a record is not)', () => {
    const training = (recordId: string, hours: number) => ev('4011', N1, 'ipasn.training.recorded', { recordId, kind: 'TECHNICAL', hours, completedOn: '2024-07-01' });
    const limited = new ProfileFold(undefined, 2);
    const unlimited = new ProfileFold();
    for (const f of [limited, unlimited]) {
      f.add(ev('4011', N1, 'ipasn.employee.upserted', { name: 'A', employmentType: 'PNS', jobGroup: 'PELAKSANA' }));
      f.add(training('t1', 8));
      f.add(training('t2', 8));
      f.add(training('t3', 8)); // a third record: over a limit of 2
      f.add(training('t1', 16)); // replacing one is still allowed
    }
    expect(limited.rejected).toBe(1);
    expect(unlimited.rejected).toBe(0);
    const [profile] = [...limited.profiles()];
    expect(JSON.stringify(profile)).not.toContain('"t3"');
    expect(JSON.stringify([...unlimited.profiles()][0])).toContain('"t3"');
  });

  it('scores with the given date and rule sets only', () => {
    const fold = new ProfileFold();
    fold.add(ev('4011', N1, 'ipasn.employee.upserted', { name: 'A', employmentType: 'PNS', jobGroup: 'PELAKSANA' }));
    fold.add(ev('4011', N1, 'ipasn.training.recorded', { recordId: 't', kind: 'TECHNICAL', hours: 24, completedOn: '2024-07-01' }));
    const at = (asOf: string) => expectedSums(fold.profiles(), asOf, [getRuleSet('perban-8-2019')]).rows;
    expect(at('2025-06-30')).toHaveLength(1);
    // The training leaves its 12-month window: a different date gives different sums.
    expect(at('2025-06-30')[0]!.sums).not.toEqual(at('2025-07-02')[0]!.sums);
  });
});

describe('compareRows and diffSums', () => {
  const one = addContribution(emptyAgencySums(), 'PNS', scoreOf('perban-8-2019', [60, 90, 100, 20], ['APPRAISAL_MISSING']));
  const two = addContribution(one, 'PPPK', scoreOf('perban-8-2019', [40, 0, 100, 20]));

  it('names every differing field with exact expected and actual values', () => {
    expect(diffSums(one, one)).toEqual([]);
    const d = diffSums(two, one);
    expect(d.map((x) => x.field)).toEqual([
      'PPPK.headcount',
      'PPPK.totalQ',
      'PPPK.dimQ.kualifikasi',
      'PPPK.dimQ.kinerja',
      'PPPK.dimQ.disiplin',
      `PPPK.categories.${scoreOf('perban-8-2019', [40, 0, 100, 20]).category}`,
    ]);
    expect(d[1]).toEqual({ field: 'PPPK.totalQ', expected: 160, actual: 0 });
  });

  it('pairs rows per agency and rule set, reports one-sided ones, and leaves out empty pairs', () => {
    const cmp = compareRows(
      [
        { agencyCode: '4011', rules: 'perban-8-2019', sums: two },
        { agencyCode: '3004', rules: 'perban-8-2019', sums: one },
        { agencyCode: '3004', rules: 'reformulasi-2024', sums: one },
      ],
      [
        { agencyCode: '3004', rules: 'perban-8-2019', sums: one },
        { agencyCode: '4011', rules: 'perban-8-2019', sums: one },
        { agencyCode: '7672', rules: 'perban-8-2019', sums: one },
        { agencyCode: '9001', rules: 'perban-8-2019', sums: emptyAgencySums() },
      ],
    );
    expect(cmp.map((c) => [c.agencyCode, c.rules, c.ok, c.diff.length])).toEqual([
      ['3004', 'perban-8-2019', true, 0],
      ['3004', 'reformulasi-2024', false, 8],
      ['4011', 'perban-8-2019', false, 6],
      ['7672', 'perban-8-2019', false, 8],
    ]);
    expect(cmp[1]!.actual).toEqual(emptyAgencySums());
    expect(cmp[3]!.expected).toEqual(emptyAgencySums());
  });
});
