import {
  DISCIPLINE_LEVELS,
  EDUCATION_LEVELS,
  EMPLOYMENT_TYPES,
  EVENT_TYPES,
  JOB_GROUPS,
  LEADERSHIP_LEVELS,
  PREDICATES,
  SEPARATION_REASONS,
  TRAINING_KINDS,
  type CanonicalEvent,
} from '@ipasn/contracts';
import { describe, expect, it } from 'vitest';
import { fromAvroCanonicalEvent, PAYLOAD_RECORDS, SchemaRegistry, SerdeError, toAvroCanonicalEvent, type AvroCanonicalEvent } from '../src/index.js';
import { ALL_EVENTS, EVENTS } from './fixtures.js';
import { namedTypes, type Named } from './schema-walk.js';

const registry = SchemaRegistry.load();
const schemaType = registry.latest('CanonicalEvent').type;

describe('the CanonicalEvent schema', () => {
  const named = namedTypes(schemaType.schema());

  it.each([
    ['EmploymentType', EMPLOYMENT_TYPES],
    ['JobGroup', JOB_GROUPS],
    ['EducationLevel', EDUCATION_LEVELS],
    ['TrainingKind', TRAINING_KINDS],
    ['LeadershipLevel', LEADERSHIP_LEVELS],
    ['Predicate', PREDICATES],
    ['DisciplineLevel', DISCIPLINE_LEVELS],
    ['SeparationReason', SEPARATION_REASONS],
  ])('enum %s has the contracts symbols in their order', (name, symbols) => {
    expect(named.get(name)?.symbols).toEqual([...symbols]);
  });

  it('has one payload record per event type, in EVENT_TYPES order', () => {
    const data = (schemaType.schema() as { fields: Named[] }).fields.find((f) => f.name === 'data')!;
    const branches = (data.type as Named[]).map((b) => b.name);
    expect(branches).toEqual(EVENT_TYPES.map((t) => PAYLOAD_RECORDS[t]));
  });
});

describe('toAvroCanonicalEvent / fromAvroCanonicalEvent', () => {
  it.each(ALL_EVENTS.map((e) => [e.id, e.type, e] as const))('round-trips %s (%s) through Avro bytes', (_id, _type, event) => {
    const bytes = registry.encode('CanonicalEvent', toAvroCanonicalEvent(event));
    const decoded = registry.decodeAs('CanonicalEvent', bytes);
    expect(fromAvroCanonicalEvent(decoded.value)).toStrictEqual(event);
  });

  it('writes time as epoch milliseconds, nulls for absent optionals and a wrapped data union', () => {
    expect(toAvroCanonicalEvent(EVENTS['ipasn.employee.upserted'][1]!)).toEqual({
      id: 'e-2',
      source: '/agencies/3004',
      agencyCode: '3004',
      type: 'ipasn.employee.upserted',
      nip: '197001011995031001',
      time: Date.UTC(2025, 4, 1, 3),
      data: {
        'id.go.bkn.ipasn.EmployeeUpserted': {
          name: 'Budi',
          employmentType: 'PPPK',
          jobGroup: 'FUNGSIONAL_AHLI_MUDA',
          positionName: null,
          unitName: null,
          requiredEducation: null,
        },
      },
    });
  });

  it('reads any schema-valid record, or refuses it with INVALID_EVENT when it breaks an event rule', () => {
    for (let i = 0; i < 500; i++) {
      const random = schemaType.random() as unknown as AvroCanonicalEvent;
      // Random strings are not event types: take the type the payload branch stands for.
      const branch = Object.keys(random.data)[0];
      random.type = EVENT_TYPES.find((t) => PAYLOAD_RECORDS[t] === branch)!;
      let event: CanonicalEvent;
      try {
        event = fromAvroCanonicalEvent(random);
      } catch (e) {
        expect(e).toBeInstanceOf(SerdeError);
        expect((e as SerdeError).code).toBe('INVALID_EVENT');
        expect((e as SerdeError).message).toMatch(/LEADERSHIP without leadershipLevel|leadershipLevel on a|neither predicate nor score/u);
        continue;
      }
      expect(toAvroCanonicalEvent(event)).toEqual(random);
    }
  });

  it('refuses a type that does not match the payload record', () => {
    const avro = toAvroCanonicalEvent(EVENTS['ipasn.employee.separated'][0]!);
    expect(() => fromAvroCanonicalEvent({ ...avro, type: 'ipasn.employee.upserted' })).toThrow(/does not match the payload record id\.go\.bkn\.ipasn\.EmployeeSeparated/u);
    expect(() => fromAvroCanonicalEvent({ ...avro, type: 'ipasn.nope' })).toThrow(/unknown type ipasn\.nope/u);
  });

  it('refuses an unparseable time and an appraisal without predicate and score', () => {
    const withTime = EVENTS['ipasn.record.retracted'][0]!;
    expect(() => toAvroCanonicalEvent({ ...withTime, time: 'yesterday' })).toThrow(/time is not an ISO-8601 timestamp/u);
    const appraisal: CanonicalEvent = { ...EVENTS['ipasn.appraisal.recorded'][0]!, data: { recordId: 'sk-9', year: 2024 } };
    expect(() => toAvroCanonicalEvent(appraisal)).toThrow(/neither predicate nor score/u);
  });
});
