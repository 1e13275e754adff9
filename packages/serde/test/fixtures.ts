/** Hand-made values of every subject, typed by the TS contracts so that a schema drift fails here. */
import type { CanonicalEvent, EventType } from '@ipasn/contracts';
import type { DeadLetter, ScoreEvent, ScoreEventV1 } from '../src/index.js';

const envelope = {
  source: '/agencies/3004',
  agencyCode: '3004',
  nip: '197001011995031001',
  time: '2025-05-01T03:00:00.000Z',
} as const;

/** One event per type, the first with every optional field set, the second with none. */
export const EVENTS = {
  'ipasn.employee.upserted': [
    {
      ...envelope,
      id: 'e-1',
      type: 'ipasn.employee.upserted',
      data: { name: 'Siti Rahma', employmentType: 'PNS', jobGroup: 'PELAKSANA', positionName: 'Analis', unitName: 'Biro SDM', requiredEducation: 'S1' },
    },
    { ...envelope, id: 'e-2', type: 'ipasn.employee.upserted', data: { name: 'Budi', employmentType: 'PPPK', jobGroup: 'FUNGSIONAL_AHLI_MUDA' } },
  ],
  'ipasn.education.recorded': [
    {
      ...envelope,
      id: 'e-3',
      type: 'ipasn.education.recorded',
      data: { recordId: 'edu-1', level: 'S2', graduatedOn: '2010-08-31', institution: 'UGM', major: 'Administrasi Publik' },
    },
    { ...envelope, id: 'e-4', type: 'ipasn.education.recorded', data: { recordId: 'edu-2', level: 'D3', graduatedOn: '2001-06-30' } },
  ],
  'ipasn.training.recorded': [
    {
      ...envelope,
      id: 'e-5',
      type: 'ipasn.training.recorded',
      data: { recordId: 'tr-1', kind: 'LEADERSHIP', hours: 120, completedOn: '2024-03-15', leadershipLevel: 'PKA', name: 'Pelatihan Kepemimpinan Administrator' },
    },
    { ...envelope, id: 'e-6', type: 'ipasn.training.recorded', data: { recordId: 'tr-2', kind: 'TECHNICAL', hours: 24, completedOn: '2025-01-10' } },
  ],
  'ipasn.appraisal.recorded': [
    { ...envelope, id: 'e-7', type: 'ipasn.appraisal.recorded', data: { recordId: 'sk-1', year: 2024, predicate: 'BAIK', score: 87.5 } },
    { ...envelope, id: 'e-8', type: 'ipasn.appraisal.recorded', data: { recordId: 'sk-2', year: 2023, score: 91 } },
  ],
  'ipasn.discipline.recorded': [
    {
      ...envelope,
      id: 'e-9',
      type: 'ipasn.discipline.recorded',
      data: { recordId: 'hd-1', level: 'SEDANG', imposedOn: '2024-02-01', endsOn: '2025-02-01', penalty: 'Penundaan kenaikan pangkat' },
    },
    { ...envelope, id: 'e-10', type: 'ipasn.discipline.recorded', data: { recordId: 'hd-2', level: 'RINGAN', imposedOn: '2024-09-09' } },
  ],
  'ipasn.record.retracted': [{ ...envelope, id: 'e-11', type: 'ipasn.record.retracted', data: { recordId: 'tr-2' } }],
  'ipasn.employee.transferred': [{ ...envelope, id: 'e-12', type: 'ipasn.employee.transferred', data: { toAgencyCode: '4011' } }],
  'ipasn.employee.separated': [{ ...envelope, id: 'e-13', type: 'ipasn.employee.separated', data: { reason: 'RETIRED' } }],
} satisfies { [T in EventType]: CanonicalEvent[] };

export const ALL_EVENTS: CanonicalEvent[] = Object.values(EVENTS).flat();

export const SCORE_V1: ScoreEventV1 = {
  nip: '197001011995031001',
  agencyCode: '4011',
  employmentType: 'PNS',
  ruleSet: 'perban-8-2019',
  ruleSetVersion: '1',
  status: 'ACTIVE',
  total: 67.5,
  category: 'RENDAH',
  dimensions: { kualifikasi: 15, kompetensi: 22.5, kinerja: 25, disiplin: 5 },
  dataGaps: [],
  version: 7,
  cause: { kind: 'EVENT', eventId: 'e-12', eventSource: '/agencies/3004', eventType: 'ipasn.employee.transferred', partition: 4, offset: 123456 },
  asOf: '2025-06-30',
  computedAt: Date.UTC(2025, 5, 30, 1, 2, 3, 456),
  previousAgencyCode: '3004',
  previousTotal: 67.25,
};

export const SCORE: ScoreEvent = { ...SCORE_V1, jobGroup: 'PELAKSANA' };

export const CLOCK_SCORE: ScoreEvent = {
  ...SCORE,
  status: 'ACTIVE',
  total: 57.5,
  category: 'SANGAT_RENDAH',
  dimensions: { kualifikasi: 15, kompetensi: 12.5, kinerja: 25, disiplin: 5 },
  dataGaps: ['APPRAISAL_MISSING', 'EDUCATION_MISSING'],
  version: 8,
  cause: { kind: 'CLOCK', eventId: null, eventSource: null, eventType: null, partition: null, offset: null },
  previousAgencyCode: null,
  previousTotal: null,
  jobGroup: null,
};

export const DEAD_LETTER: DeadLetter = {
  originalValue: Buffer.from('{"specversion":"1.0","id":"x"', 'utf8'),
  originalKey: Buffer.from('197001011995031001', 'utf8'),
  reason: 'MALFORMED',
  message: 'not JSON: unexpected end of input',
  stage: 'normalizer',
  sourceTopic: 'ipasn.ingress.3004',
  sourcePartition: 2,
  sourceOffset: 9001,
  eventId: null,
  eventSource: null,
  eventType: null,
  agencyCode: '3004',
  rejectedAt: Date.UTC(2025, 5, 30, 1, 2, 3, 456),
  originalLength: null,
  originalSha256: null,
};
