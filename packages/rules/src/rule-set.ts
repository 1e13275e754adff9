/**
 * The rule-set document: every table, window, threshold and points value of a scoring formula,
 * as data. Formulas differ in structure as well as numbers; where they do, the document names a
 * `method` or a component `type` (a strategy implemented once, in code, usable by any rule set)
 * and carries its numbers. The id is open: any number of rule sets can exist, each one file.
 *
 * The schema is strict (unknown keys are errors) so that a typo in an operator-edited file fails
 * loudly instead of silently falling back to a default, and it checks the monotonicity that the
 * laws in ipasn-rules.md depend on ("adding an education/training never lowers a score, adding a
 * penalty never raises one").
 */
import { z } from 'zod';
import {
  CATEGORIES,
  DISCIPLINE_LEVELS,
  EDUCATION_LEVELS,
  JOB_GROUPS,
  LEADERSHIP_LEVELS,
  PREDICATES,
  RuleSetIdSchema,
  TRAINING_KINDS,
} from '@ipasn/contracts';

export { RuleSetIdSchema };

/** Points are multiples of 0.25 so that every score is an exact number of quarter points. */
const points = z
  .number()
  .nonnegative()
  .refine((v) => Number.isSafeInteger(v * 4), 'points must be a multiple of 0.25');
const months = z.number().int().positive().max(1200);

const educationPoints = z.record(z.enum(EDUCATION_LEVELS), points);

const kualifikasiCommon = {
  max: points,
  /** Ranks from lowest to highest; levels in one rank are the same level (D4 = S1). */
  levelOrder: z.array(z.array(z.enum(EDUCATION_LEVELS)).min(1)).min(1),
};

const KualifikasiSchema = z.discriminatedUnion('method', [
  /** Points of the highest level held (Perban 8/2019). */
  z.strictObject({ ...kualifikasiCommon, method: z.literal('highest-level'), points: educationPoints }),
  /**
   * Points by how many ranks the highest level held is below the position's required level:
   * index 0 = meets it, 1 = one below, …; the last entry applies to anything further below.
   * With no required level, `whenRequiredUnknown` is scored as `highest-level`.
   */
  z.strictObject({
    ...kualifikasiCommon,
    method: z.literal('meets-required'),
    pointsByLevelsBelow: z.array(points).min(1),
    whenRequiredUnknown: educationPoints,
  }),
]);

const trainingKinds = z.array(z.enum(TRAINING_KINDS)).min(1);

const ComponentSchema = z.discriminatedUnion('type', [
  /** A LEADERSHIP training ever completed whose level matches the post (or, if allowed, is higher). */
  z.strictObject({ type: z.literal('leadership'), points }),
  /** At least `min` trainings of `kinds` completed in the window (`windowMonths: null` = ever). */
  z.strictObject({
    type: z.literal('count'),
    kinds: trainingKinds,
    windowMonths: months.nullable(),
    min: z.number().int().positive(),
    points,
  }),
  /**
   * The JP of trainings of `kinds` completed in the window. `threshold`: ≥ `jp` gives the points,
   * less gives 0. `pro-rata`: min(JP, jp) / jp × points, rounded down to a multiple of 0.25.
   */
  z.strictObject({
    type: z.literal('hours'),
    kinds: trainingKinds,
    windowMonths: months,
    jp: z.number().int().positive(),
    method: z.enum(['threshold', 'pro-rata']),
    points,
  }),
  /**
   * Points by the predicate of the appraisal that Kinerja uses on asOf (same eligible years, same
   * score-to-predicate thresholds, same tie rule); no eligible appraisal gives 0. BKN's 2023
   * measurement starts competence from this base (ipasn-rules.md, rule set `bkn-2023`).
   */
  z.strictObject({ type: z.literal('performance'), points: z.record(z.enum(PREDICATES), points) }),
]);

const KompetensiSchema = z.strictObject({
  /** The dimension is capped here. */
  max: points,
  leadership: z.strictObject({
    /** From lowest to highest. */
    order: z.array(z.enum(LEADERSHIP_LEVELS)),
    /** Whether a training of a higher level than the post's also counts. */
    higherCounts: z.boolean(),
    /** The leadership level matching each post (only posts in a column with a leadership component). */
    required: z.partialRecord(z.enum(JOB_GROUPS), z.enum(LEADERSHIP_LEVELS)),
  }),
  /** Columns of the kompetensi table; every job group is in exactly one. */
  columns: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        jobGroups: z.array(z.enum(JOB_GROUPS)).min(1),
        components: z.array(ComponentSchema),
      }),
    )
    .min(1),
});

const KinerjaSchema = z.strictObject({
  max: points,
  /** Appraisals of years asOf.year − yearsBack … asOf.year are eligible. */
  yearsBack: z.number().int().nonnegative().max(100),
  /** A numeric score converts to the predicate of the first threshold it reaches (descending). */
  scoreThresholds: z.array(z.strictObject({ min: z.number(), predicate: z.enum(PREDICATES) })),
  scoreBelow: z.enum(PREDICATES),
  points: z.record(z.enum(PREDICATES), points),
});

const disiplinCommon = {
  max: points,
  /** Points when no penalty counts. */
  none: points,
  points: z.record(z.enum(DISCIPLINE_LEVELS), points),
};

const DisiplinSchema = z.discriminatedUnion('method', [
  /** Every penalty imposed on or before asOf counts, forever (Perban 8/2019). */
  z.strictObject({ ...disiplinCommon, method: z.literal('worst-ever') }),
  /** A penalty counts while it runs: imposedOn ≤ asOf < endsOn (default imposedOn + N months). */
  z.strictObject({ ...disiplinCommon, method: z.literal('while-running'), defaultPeriodMonths: months }),
]);

const CategoriesSchema = z.strictObject({
  /** Descending: the first threshold a total reaches names its category. */
  thresholds: z.array(z.strictObject({ min: z.number(), category: z.enum(CATEGORIES) })),
  below: z.enum(CATEGORIES),
});

export const RuleSetSchema = z
  .strictObject({
    id: RuleSetIdSchema,
    /** With `id`, identifies the formula: a scorer re-scores everyone when it changes. */
    version: z.string().min(1),
    title: z.string().min(1),
    status: z.enum(['in-force', 'draft']),
    /** Sources and remarks for humans; never read by code. */
    notes: z.array(z.string()).optional(),
    kualifikasi: KualifikasiSchema,
    kompetensi: KompetensiSchema,
    kinerja: KinerjaSchema,
    disiplin: DisiplinSchema,
    categories: CategoriesSchema,
  })
  .superRefine((rs, ctx) => {
    const issue = (path: (string | number)[], message: string): void => {
      ctx.addIssue({ code: 'custom', path, message });
    };
    checkPermutation(rs.kualifikasi.levelOrder.flat(), EDUCATION_LEVELS, ['kualifikasi', 'levelOrder'], issue);
    const rankOf = (level: string): number => rs.kualifikasi.levelOrder.findIndex((r) => r.includes(level as never));
    const checkTable = (table: Record<string, number>, path: (string | number)[]): void => {
      for (const [a, pa] of Object.entries(table)) {
        for (const [b, pb] of Object.entries(table)) {
          if (rankOf(a) < rankOf(b) && pa > pb) issue(path, `${a} (${pa}) scores above the higher level ${b} (${pb})`);
        }
      }
    };
    const k = rs.kualifikasi;
    if (k.method === 'highest-level') checkTable(k.points, ['kualifikasi', 'points']);
    else {
      checkTable(k.whenRequiredUnknown, ['kualifikasi', 'whenRequiredUnknown']);
      k.pointsByLevelsBelow.forEach((p, i, all) => {
        if (i > 0 && p > (all[i - 1] ?? p)) issue(['kualifikasi', 'pointsByLevelsBelow', i], 'must not increase');
      });
    }

    const komp = rs.kompetensi;
    checkPermutation(komp.leadership.order, LEADERSHIP_LEVELS, ['kompetensi', 'leadership', 'order'], issue);
    checkPermutation(komp.columns.flatMap((c) => c.jobGroups), JOB_GROUPS, ['kompetensi', 'columns'], issue);
    komp.columns.forEach((col, i) => {
      if (!col.components.some((c) => c.type === 'leadership')) return;
      for (const g of col.jobGroups) {
        if (komp.leadership.required[g] === undefined) {
          issue(['kompetensi', 'leadership', 'required'], `${g} (column ${col.name}, #${i}) needs a leadership level`);
        }
      }
    });

    checkDescending(rs.kinerja.scoreThresholds, ['kinerja', 'scoreThresholds'], issue);
    checkDescending(rs.categories.thresholds, ['categories', 'thresholds'], issue);
    checkPermutation(
      [...rs.categories.thresholds.map((t) => t.category), rs.categories.below],
      CATEGORIES,
      ['categories'],
      issue,
    );
    for (const [level, p] of Object.entries(rs.disiplin.points)) {
      if (p > rs.disiplin.none) issue(['disiplin', 'points', level], `a ${level} penalty scores above no penalty`);
    }
  });

function checkPermutation(
  got: readonly string[],
  all: readonly string[],
  path: (string | number)[],
  issue: (path: (string | number)[], message: string) => void,
): void {
  const missing = all.filter((v) => !got.includes(v));
  const repeated = got.filter((v, i) => got.indexOf(v) !== i);
  if (missing.length > 0) issue(path, `missing: ${missing.join(', ')}`);
  if (repeated.length > 0) issue(path, `listed more than once: ${repeated.join(', ')}`);
}

function checkDescending(
  thresholds: readonly { min: number }[],
  path: (string | number)[],
  issue: (path: (string | number)[], message: string) => void,
): void {
  thresholds.forEach((t, i) => {
    const prev = thresholds[i - 1];
    if (prev !== undefined && t.min >= prev.min) issue([...path, i], 'thresholds must be strictly descending');
  });
}

/** A validated rule set of any id: what the scoring functions take. */
export type AnyRuleSet = z.infer<typeof RuleSetSchema>;

/** A validated rule set (any id: rule sets are open data). */
export type RuleSet = AnyRuleSet;
export type KompetensiComponent = z.infer<typeof ComponentSchema>;

/** Validates a rule-set document (e.g. an operator's file); throws a ZodError naming bad paths. */
export function parseRuleSet(json: unknown): AnyRuleSet {
  return deepFreeze(RuleSetSchema.parse(json));
}

// Rule sets are shared by every score call; freezing makes an accidental edit throw.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
