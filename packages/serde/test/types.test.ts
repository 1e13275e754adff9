import { CATEGORIES, EMPLOYMENT_TYPES, JOB_GROUPS, REJECT_REASONS, REJECT_STAGES } from '@ipasn/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAUSE_KINDS, SCORE_STATUSES, SchemaRegistry, type DeadLetter, type ScoreCause, type ScoreEvent, type Subject } from '../src/index.js';
import { CLOCK_SCORE, DEAD_LETTER, SCORE } from './fixtures.js';
import { namedTypes } from './schema-walk.js';

const registry = SchemaRegistry.load();

// Arbitraries typed by the hand-written TS types: a field the TS type has and the schema lacks is
// dropped on encode, a field the schema has and the TS type lacks fails encode; either fails here.
const quarter = fc.integer({ min: 0, max: 400 }).map((q) => q / 4);
const str = fc.string({ maxLength: 20 });
const nullable = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null });
// avsc reads and writes longs as numbers up to ±(2^53 - 2) and refuses larger ones (precision).
const long = fc.integer({ min: 0, max: 2 ** 53 - 2 });
const cause: fc.Arbitrary<ScoreCause> = fc.record({
  kind: fc.constantFrom(...CAUSE_KINDS),
  eventId: nullable(str),
  eventSource: nullable(str),
  eventType: nullable(str),
  partition: nullable(fc.integer({ min: 0, max: 2 ** 31 - 1 })),
  offset: nullable(long),
});
const scoreEvent: fc.Arbitrary<ScoreEvent> = fc.record({
  nip: fc.stringMatching(/^\d{18}$/u),
  agencyCode: fc.stringMatching(/^[0-9A-Z]{4}$/u),
  employmentType: fc.constantFrom(...EMPLOYMENT_TYPES),
  ruleSet: fc.constantFrom('perban-8-2019', 'reformulasi-2024', 'reformulasi-2026'),
  ruleSetVersion: str,
  status: fc.constantFrom(...SCORE_STATUSES),
  total: quarter,
  category: fc.constantFrom(...CATEGORIES),
  dimensions: fc.record({ kualifikasi: quarter, kompetensi: quarter, kinerja: quarter, disiplin: quarter }),
  dataGaps: fc.array(str, { maxLength: 3 }),
  version: long,
  cause,
  asOf: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  computedAt: long,
  previousAgencyCode: nullable(str),
  previousTotal: nullable(quarter),
  jobGroup: nullable(fc.constantFrom(...JOB_GROUPS)),
});
const bytes = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b));
const deadLetter: fc.Arbitrary<DeadLetter> = fc.record({
  originalValue: bytes,
  originalKey: nullable(bytes),
  reason: fc.constantFrom(...REJECT_REASONS),
  message: fc.string({ maxLength: 100, unit: 'grapheme' }),
  stage: fc.constantFrom(...REJECT_STAGES),
  sourceTopic: str,
  sourcePartition: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  sourceOffset: long,
  eventId: nullable(str),
  eventSource: nullable(str),
  eventType: nullable(str),
  agencyCode: nullable(str),
  rejectedAt: long,
  originalLength: nullable(long),
  originalSha256: nullable(fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b))),
});

describe('ScoreEvent and DeadLetter TS types match their schemas', () => {
  it('round-trips generated ScoreEvents', () => {
    fc.assert(fc.property(scoreEvent, (e) => { expect(registry.decodeAs('ScoreEvent', registry.encode('ScoreEvent', e)).value).toEqual(e); }), { numRuns: 300 });
  }, 60_000);

  it('round-trips generated DeadLetters', () => {
    fc.assert(fc.property(deadLetter, (d) => { expect(registry.decodeAs('DeadLetter', registry.encode('DeadLetter', d)).value).toEqual(d); }), { numRuns: 300 });
  }, 60_000);

  it('round-trips the hand-made fixtures', () => {
    for (const e of [SCORE, CLOCK_SCORE]) expect(registry.decodeAs('ScoreEvent', registry.encode('ScoreEvent', e)).value).toEqual(e);
    expect(registry.decodeAs('DeadLetter', registry.encode('DeadLetter', DEAD_LETTER)).value).toEqual(DEAD_LETTER);
  });

  it.each<Subject>(['ScoreEvent', 'DeadLetter', 'CanonicalEvent'])('round-trips %s instances generated from the schema', (subject) => {
    const type = registry.latest(subject).type;
    for (let i = 0; i < 200; i++) {
      const value: unknown = type.random();
      expect(registry.decode(registry.encode(subject, value)).value).toEqual(value);
    }
  });

  it.each([
    ['ScoreEvent', 'EmploymentType', EMPLOYMENT_TYPES],
    ['ScoreEvent', 'ScoreStatus', SCORE_STATUSES],
    ['ScoreEvent', 'Category', CATEGORIES],
    ['ScoreEvent', 'CauseKind', CAUSE_KINDS],
    ['ScoreEvent', 'JobGroup', JOB_GROUPS],
    ['DeadLetter', 'RejectReason', REJECT_REASONS],
    ['DeadLetter', 'RejectStage', REJECT_STAGES],
  ] as const)('%s enum %s has the contracts symbols in their order', (subject, name, symbols) => {
    expect(namedTypes(registry.latest(subject).type.schema()).get(name)?.symbols).toEqual([...symbols]);
  });
});
