/** fast-check arbitraries: dates biased to month ends and Feb 29, events, and profiles built from them. */
import {
  DISCIPLINE_LEVELS,
  EDUCATION_LEVELS,
  EMPLOYMENT_TYPES,
  JOB_GROUPS,
  LEADERSHIP_LEVELS,
  PREDICATES,
  TRAINING_KINDS,
  type CanonicalEvent,
  type EmployeeUpserted,
  type IsoDate,
} from '@ipasn/contracts';
import fc from 'fast-check';
import { addDays, applyEvents, daysInMonth, emptyProfile, getRuleSet, parseRuleSet, SHIPPED_RULE_SETS, type AnyRuleSet, type Profile } from '../src/index.js';
import reformJson from '../src/data/reformulasi-2024.json' with { type: 'json' };
import { A, B, C, ev, NIP } from './helpers.js';

const pad = (n: number): string => String(n).padStart(2, '0');

/** 2018–2027, a third of them month ends and some Feb 29ths. */
export const dateArb: fc.Arbitrary<IsoDate> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 3651 }).map((n) => addDays('2018-01-01', n)) },
  {
    weight: 3,
    arbitrary: fc
      .record({ y: fc.integer({ min: 2018, max: 2027 }), m: fc.integer({ min: 1, max: 12 }) })
      .map(({ y, m }) => `${y}-${pad(m)}-${pad(daysInMonth(y, m))}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('2020-02-29', '2024-02-29', '2020-02-28', '2024-02-28', '2023-02-28') },
);

/**
 * The `performance` component outside bkn-2023: reformulasi-2024 with a performance base in every
 * column and appraisals eligible for three years (yearsBack 2), so the base moves on other Jan 1sts,
 * and the base + 40 of the reformulasi often meets the cap (a change the cap hides is no change).
 */
export const reformWithPerformance: AnyRuleSet = (() => {
  const doc = structuredClone(reformJson) as unknown as {
    id: string;
    version: string;
    kinerja: { yearsBack: number };
    kompetensi: { columns: { components: unknown[] }[] };
  };
  doc.id = 'test-reformulasi-performance';
  doc.version = 'test';
  doc.kinerja.yearsBack = 2;
  const base = { type: 'performance', points: { SANGAT_BAIK: 10, BAIK: 7.5, BUTUH_PERBAIKAN: 5, CUKUP: 5.25, KURANG: 2.5, SANGAT_KURANG: 0.25, BURUK: 0 } };
  for (const col of doc.kompetensi.columns) col.components.unshift(base);
  return parseRuleSet(doc);
})();

/** Rule sets with a `performance` component: bkn-2023 and the test variant above. */
export const performanceRuleSetArb: fc.Arbitrary<AnyRuleSet> = fc.constantFrom(getRuleSet('bkn-2023'), reformWithPerformance);

/** Every shipped rule set, and the test variant with a performance component. */
export const ruleSetArb: fc.Arbitrary<AnyRuleSet> = fc.constantFrom(...SHIPPED_RULE_SETS.all, reformWithPerformance);

const recordIdArb = fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12');

const appraisalValueArb = fc.oneof(
  fc.record({ predicate: fc.constantFrom(...PREDICATES) }),
  fc.record({
    score: fc.oneof(
      fc.integer({ min: 0, max: 10000 }).map((n) => n / 100),
      fc.constantFrom(90.99, 91, 75.99, 76, 60.99, 61, 50.99, 51),
    ),
  }),
  fc.record({ predicate: fc.constantFrom(...PREDICATES), score: fc.integer({ min: 0, max: 100 }) }),
);

type Maker = (sender: string) => CanonicalEvent;

const educationMaker = (recordId: fc.Arbitrary<string>): fc.Arbitrary<Maker> =>
  fc.tuple(recordId, fc.constantFrom(...EDUCATION_LEVELS), dateArb).map(([id, level, on]) => (s) => ev.education(s, id, level, on));

const trainingMaker = (recordId: fc.Arbitrary<string>): fc.Arbitrary<Maker> =>
  fc
    .tuple(recordId, fc.constantFrom(...TRAINING_KINDS), fc.integer({ min: 0, max: 30 }), dateArb, fc.constantFrom(...LEADERSHIP_LEVELS))
    .map(([id, kind, hours, on, lead]) => (s) => ev.training(s, id, kind, hours, on, lead));

const appraisalMaker = (recordId: fc.Arbitrary<string>): fc.Arbitrary<Maker> =>
  fc.tuple(recordId, fc.integer({ min: 2017, max: 2027 }), appraisalValueArb).map(([id, year, v]) => (s) => ev.appraisal(s, id, year, v));

const disciplineMaker = (recordId: fc.Arbitrary<string>): fc.Arbitrary<Maker> =>
  fc
    .tuple(recordId, fc.constantFrom(...DISCIPLINE_LEVELS), dateArb, fc.option(fc.integer({ min: 1, max: 900 })))
    .map(([id, level, on, days]) => (s) => ev.discipline(s, id, level, on, days === null ? undefined : addDays(on, days)));

const recordMaker = (recordId: fc.Arbitrary<string>): fc.Arbitrary<Maker> =>
  fc.oneof(educationMaker(recordId), trainingMaker(recordId), appraisalMaker(recordId), disciplineMaker(recordId));

/** A record event (education, training, appraisal, discipline) from `sender`. */
export const recordEventArb = (sender: string, recordId: fc.Arbitrary<string>): fc.Arbitrary<CanonicalEvent> =>
  recordMaker(recordId).map((m) => m(sender));

export const disciplineEventArb = (sender: string, recordId: fc.Arbitrary<string>): fc.Arbitrary<CanonicalEvent> =>
  disciplineMaker(recordId).map((m) => m(sender));

export const trainingOrEducationArb = (sender: string, recordId: fc.Arbitrary<string>): fc.Arbitrary<CanonicalEvent> =>
  fc.oneof(educationMaker(recordId), trainingMaker(recordId)).map((m) => m(sender));

const upsertMaker: fc.Arbitrary<Maker> = fc
  .tuple(fc.constantFrom(...EMPLOYMENT_TYPES), fc.constantFrom(...JOB_GROUPS), fc.option(fc.constantFrom(...EDUCATION_LEVELS), { freq: 3 }))
  .map(([employmentType, jobGroup, req]) => (sender) => {
    const data: Partial<EmployeeUpserted> = { employmentType, jobGroup };
    if (req !== null) data.requiredEducation = req;
    return ev.upsert(sender, data);
  });

// Events are drawn without a sender; the fold gives most of them to the current owner (so that
// they are accepted) and some to another agency (so that NOT_OWNER paths are exercised too).
const makerArb: fc.Arbitrary<Maker> = fc.oneof(
  { weight: 2, arbitrary: upsertMaker },
  { weight: 12, arbitrary: recordMaker(recordIdArb) },
  { weight: 2, arbitrary: recordIdArb.map((id): Maker => (s) => ev.retract(s, id)) },
  { weight: 1, arbitrary: fc.constant<Maker>((s) => ev.transfer(s, s === A ? B : A)) },
  { weight: 1, arbitrary: fc.constant<Maker>((s) => ev.separate(s)) },
);

const intentArb = fc.tuple(makerArb, fc.oneof({ weight: 6, arbitrary: fc.constant('owner') }, { weight: 1, arbitrary: fc.constantFrom(A, B, C) }));

/** Event sequences of one employee, as the pipeline might see them (some rejected). */
export const eventsArb: fc.Arbitrary<CanonicalEvent[]> = fc.array(intentArb, { maxLength: 30, size: 'max' }).map((intents) => {
  const events: CanonicalEvent[] = [];
  let p = emptyProfile(NIP);
  for (const [make, who] of intents) {
    const e = make(who === 'owner' ? (p.owner ?? A) : who);
    events.push(e);
    p = applyEvents(p, [e]);
  }
  return events;
});

/** A profile folded from an arbitrary event sequence (rejected events skipped, as in the pipeline). */
export const profileArb: fc.Arbitrary<Profile> = eventsArb.map((events) => applyEvents(emptyProfile(NIP), events));

/** Who may send a record to this profile now. */
export const senderFor = (p: Profile): string => p.owner ?? B;
