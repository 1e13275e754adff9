import { describe, expect, it } from 'vitest';
import type { EventType } from '@ipasn/contracts';
import { CATALOG } from '../src/index.js';
import { ingress, payloadOf, run } from './fixtures.js';

const invalidPaths = (type: EventType, data: Record<string, unknown>): string[] | 'OK' => {
  const r = run(ingress(type, data));
  if (r.ok) return 'OK';
  expect(r.reason).toBe('SCHEMA_INVALID');
  return r.paths;
};

describe('the catalog', () => {
  it('has one entry per event type', () => {
    expect(Object.keys(CATALOG).sort()).toMatchInlineSnapshot(`
      [
        "ipasn.appraisal.recorded",
        "ipasn.discipline.recorded",
        "ipasn.education.recorded",
        "ipasn.employee.separated",
        "ipasn.employee.transferred",
        "ipasn.employee.upserted",
        "ipasn.record.retracted",
        "ipasn.training.recorded",
      ]
    `);
  });
});

describe('canonical payloads', () => {
  it.each<[EventType, Record<string, unknown>, unknown]>([
    [
      'ipasn.employee.upserted',
      {
        name: '  Siti \t Rahayu\n ',
        employmentType: 'pppk',
        jobGroup: 'Fungsional Ahli Pertama',
        positionName: ' Analis   SDM ',
        unitName: 'Biro Kepegawaian',
        requiredEducation: 'Sarjana',
      },
      {
        name: 'Siti Rahayu',
        employmentType: 'PPPK',
        jobGroup: 'FUNGSIONAL_AHLI_PERTAMA',
        positionName: 'Analis SDM',
        unitName: 'Biro Kepegawaian',
        requiredEducation: 'S1',
      },
    ],
    [
      'ipasn.employee.upserted',
      { positionName: null, unitName: '   ', requiredEducation: null },
      { name: 'Budi Santoso', employmentType: 'PNS', jobGroup: 'PELAKSANA' },
    ],
    [
      'ipasn.education.recorded',
      { recordId: ' edu-9 ', level: 'D-IV', graduatedOn: '30/08/2010', institution: 'Politeknik  Negeri', major: 'Akuntansi' },
      { recordId: 'edu-9', level: 'D4', graduatedOn: '2010-08-30', institution: 'Politeknik Negeri', major: 'Akuntansi' },
    ],
    [
      'ipasn.training.recorded',
      { kind: 'leadership', hours: '40', completedOn: '15-03-2024', leadershipLevel: 'Diklatpim IV', name: 'PKP Angkatan  I' },
      { recordId: 'trn-1', kind: 'LEADERSHIP', hours: 40, completedOn: '2024-03-15', leadershipLevel: 'PKP', name: 'PKP Angkatan I' },
    ],
    [
      'ipasn.training.recorded',
      { kind: 'Seminar', hours: 0, leadershipLevel: 'not a level' },
      { recordId: 'trn-1', kind: 'SEMINAR', hours: 0, completedOn: '2025-05-01' },
    ],
    ['ipasn.appraisal.recorded', { year: '2024', predicate: 'Sangat Baik' }, { recordId: 'skp-2024', year: 2024, predicate: 'SANGAT_BAIK' }],
    ['ipasn.appraisal.recorded', { predicate: undefined, score: '87.5' }, { recordId: 'skp-2024', year: 2024, score: 87.5 }],
    [
      'ipasn.appraisal.recorded',
      { predicate: 'cukup', score: 70 },
      { recordId: 'skp-2024', year: 2024, predicate: 'CUKUP', score: 70 },
    ],
    ['ipasn.appraisal.recorded', { predicate: null, score: 0 }, { recordId: 'skp-2024', year: 2024, score: 0 }],
    [
      'ipasn.discipline.recorded',
      { level: 'Hukuman Disiplin Sedang', imposedOn: '2025-01-10', endsOn: '10/01/2026', penalty: ' Penundaan  kenaikan pangkat ' },
      { recordId: 'dis-1', level: 'SEDANG', imposedOn: '2025-01-10', endsOn: '2026-01-10', penalty: 'Penundaan kenaikan pangkat' },
    ],
    ['ipasn.record.retracted', { recordId: 'edu-1', level: 'S1' }, { recordId: 'edu-1' }],
    ['ipasn.employee.transferred', { toAgencyCode: '6171' }, { toAgencyCode: '6171' }],
    ['ipasn.employee.separated', { reason: 'Died' }, { reason: 'DIED' }],
  ])('%s %j', (type, data, expected) => {
    expect(payloadOf(ingress(type, data))).toStrictEqual(expected);
  });

  it('omits absent optional fields (no undefined-valued keys)', () => {
    const data = payloadOf(ingress('ipasn.employee.upserted', { positionName: null })) as object;
    expect(Object.keys(data)).toEqual(['name', 'employmentType', 'jobGroup']);
  });
});

describe('dates', () => {
  it.each<[unknown, string | null]>([
    ['2024-02-29', '2024-02-29'],
    ['29-02-2024', '2024-02-29'],
    ['29/02/2024', '2024-02-29'],
    [' 2024-02-29 ', '2024-02-29'],
    ['2023-02-29', null],
    ['29/02/2023', null],
    ['31-04-2024', null],
    ['2024-13-01', null],
    ['2024-00-10', null],
    ['00/01/2024', null],
    ['29-02/2024', null],
    ['2024/02/29', null],
    ['1-5-2024', null],
    ['2024-5-1', null],
    ['20240229', null],
    ['2024-02-29T00:00:00Z', null],
    [20240229, null],
    ['', null],
  ])('%j → %s', (graduatedOn, expected) => {
    const r = run(ingress('ipasn.education.recorded', { graduatedOn }));
    expect(r.ok ? (r.event.data as { graduatedOn: string }).graduatedOn : null).toBe(expected);
    if (!r.ok) expect(r).toMatchObject({ reason: 'SCHEMA_INVALID', paths: ['data.graduatedOn'] });
  });
});

describe('numbers', () => {
  it.each<[unknown, number | null]>([
    [24, 24],
    ['24', 24],
    [' 24 ', 24],
    ['024', 24],
    [0, 0],
    ['0', 0],
    [24.0, 24],
    [24.5, null],
    ['24.0', null],
    ['24.5', null],
    [-1, null],
    ['-1', null],
    ['1e2', null],
    ['', null],
    ['abc', null],
    [true, null],
    [null, null],
    ['9'.repeat(400), null],
  ])('hours %j → %s', (hours, expected) => {
    const r = run(ingress('ipasn.training.recorded', { hours }));
    expect(r.ok ? (r.event.data as { hours: number }).hours : null).toBe(expected);
  });

  it.each<[unknown, number | null]>([
    [0, 0],
    [100, 100],
    [87.25, 87.25],
    ['87.25', 87.25],
    ['100', 100],
    ['100.0', 100],
    ['100.01', null],
    [100.5, null],
    [-0.5, null],
    ['.5', null],
    ['5.', null],
    ['87,5', null],
    ['', null],
  ])('score %j → %s', (score, expected) => {
    const r = run(ingress('ipasn.appraisal.recorded', { predicate: undefined, score }));
    expect(r.ok ? (r.event.data as { score: number }).score : null).toBe(expected);
  });

  it.each<[unknown, number | null]>([
    [2024, 2024],
    ['2024', 2024],
    [1900, 1900],
    [1899, null],
    ['24', null],
    [2024.5, null],
    ['2024.0', null],
    ['20245', null],
  ])('year %j → %s', (year, expected) => {
    const r = run(ingress('ipasn.appraisal.recorded', { year }));
    expect(r.ok ? (r.event.data as { year: number }).year : null).toBe(expected);
  });
});

describe('payload rules', () => {
  it.each<[string, EventType, Record<string, unknown>, string[] | 'OK']>([
    ['LEADERSHIP without leadershipLevel', 'ipasn.training.recorded', { kind: 'LEADERSHIP' }, ['data.leadershipLevel']],
    ['LEADERSHIP with leadershipLevel null', 'ipasn.training.recorded', { kind: 'LEADERSHIP', leadershipLevel: null }, ['data.leadershipLevel']],
    ['TECHNICAL with a leadershipLevel (ignored)', 'ipasn.training.recorded', { leadershipLevel: 'PKA' }, 'OK'],
    ['appraisal with neither predicate nor score', 'ipasn.appraisal.recorded', { predicate: undefined }, ['data.predicate', 'data.score']],
    ['appraisal with both null', 'ipasn.appraisal.recorded', { predicate: null, score: null }, ['data.predicate', 'data.score']],
    ['endsOn equal to imposedOn', 'ipasn.discipline.recorded', { imposedOn: '2025-01-10', endsOn: '10-01-2025' }, ['data.endsOn']],
    ['endsOn before imposedOn', 'ipasn.discipline.recorded', { imposedOn: '2025-01-10', endsOn: '2025-01-09' }, ['data.endsOn']],
    ['endsOn the day after imposedOn', 'ipasn.discipline.recorded', { imposedOn: '2025-01-10', endsOn: '2025-01-11' }, 'OK'],
    ['a lower-case agency code', 'ipasn.employee.transferred', { toAgencyCode: 'ab12' }, ['data.toAgencyCode']],
    ['a numeric agency code', 'ipasn.employee.transferred', { toAgencyCode: 4011 }, ['data.toAgencyCode']],
    ['an empty name', 'ipasn.employee.upserted', { name: '   ' }, ['data.name']],
    ['a name that is not a string', 'ipasn.employee.upserted', { name: ['Budi'] }, ['data.name']],
    ['a free-text field that is not a string', 'ipasn.employee.upserted', { unitName: 5 }, ['data.unitName']],
    ['an empty recordId', 'ipasn.record.retracted', { recordId: ' ' }, ['data.recordId']],
    ['a numeric recordId', 'ipasn.record.retracted', { recordId: 12 }, ['data.recordId']],
    ['a 129-character recordId', 'ipasn.record.retracted', { recordId: 'r'.repeat(129) }, ['data.recordId']],
    ['a missing reason', 'ipasn.employee.separated', { reason: undefined }, ['data.reason']],
    ['an empty optional enum', 'ipasn.employee.upserted', { requiredEducation: '' }, ['data.requiredEducation']],
  ])('%s', (_what, type, data, expected) => {
    expect(invalidPaths(type, data)).toEqual(expected);
  });

  it('rejects a transfer to the sender', () => {
    const r = run(ingress('ipasn.employee.transferred', { toAgencyCode: '3004' }));
    expect(r).toMatchObject({ reason: 'SCHEMA_INVALID', paths: ['data.toAgencyCode'] });
    expect(r.ok ? '' : r.message).toBe('data.toAgencyCode: must differ from the sending agency 3004 (a transfer to itself)');
  });

  it('reports every missing field of an empty payload', () => {
    expect(run(ingress('ipasn.training.recorded', { recordId: undefined, kind: undefined, hours: undefined, completedOn: undefined }))).toMatchObject({
      paths: ['data.recordId', 'data.kind', 'data.hours', 'data.completedOn'],
      message: 'data.recordId: required; data.kind: required; data.hours: required; data.completedOn: required',
    });
  });
});
