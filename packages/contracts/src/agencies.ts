/**
 * The agency list (events.md, "Agencies"): data shipped in `data/agencies.json`, replaceable by a
 * file named in configuration. Parsing is pure; reading the file is the caller's business.
 */
import { z } from 'zod';
import type { IsoDate, RuleSetId } from './domain.js';
import { RuleSetIdSchema } from './rule-set-id.js';
import defaultList from './data/agencies.json' with { type: 'json' };

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, 'expected YYYY-MM-DD');

export const AgencySchema = z.object({
  code: z.string().regex(/^[0-9A-Z]{4}$/u, 'agency codes are 4 letters or digits'),
  name: z.string().min(1),
  pilot: z.boolean().default(false),
  /**
   * The rule set shown for the agency from `from` on (before it, and for agencies not in the list:
   * the baseline of the rule-set list in force). Any valid id; that it is in the list in force is
   * checked where both lists are loaded (`checkPrimaries` in @ipasn/rules).
   */
  primary: z.object({ ruleSet: RuleSetIdSchema, from: isoDate.nullable().default(null) }),
  /** Expected update cadence: the agency is stale after this many days without an accepted event. */
  cadenceDays: z.number().int().positive().default(7),
});
export type Agency = z.infer<typeof AgencySchema>;

export const AgencyListSchema = z
  .object({ version: z.number().int(), agencies: z.array(AgencySchema).min(1) })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const [i, a] of list.agencies.entries()) {
      if (seen.has(a.code)) {
        ctx.addIssue({ code: 'custom', path: ['agencies', i, 'code'], message: `duplicate agency code ${a.code}` });
      }
      seen.add(a.code);
    }
  });
export type AgencyList = z.infer<typeof AgencyListSchema>;

/** An immutable index over an agency list. */
export class Agencies {
  readonly #byCode: ReadonlyMap<string, Agency>;

  constructor(readonly list: AgencyList) {
    this.#byCode = new Map(list.agencies.map((a) => [a.code, a]));
  }

  static parse(json: unknown): Agencies {
    return new Agencies(AgencyListSchema.parse(json));
  }

  /** The list shipped in the repo (the 11 pilot agencies, BKN and Kota Bima). */
  static default(): Agencies {
    return Agencies.parse(defaultList);
  }

  has(code: string): boolean {
    return this.#byCode.has(code);
  }

  get(code: string): Agency | undefined {
    return this.#byCode.get(code);
  }

  get all(): readonly Agency[] {
    return this.list.agencies;
  }

  /**
   * The rule set shown by default for an agency on an evaluation date; `baseline` (the baseline of
   * the rule-set list in force) for an unknown agency and before the primary's `from` date.
   */
  primaryRuleSet(code: string, asOf: IsoDate, baseline: RuleSetId): RuleSetId {
    const a = this.#byCode.get(code);
    if (!a) return baseline;
    const { ruleSet, from } = a.primary;
    return from === null || asOf >= from ? ruleSet : baseline;
  }

  /** Every rule set some agency names as its primary. */
  get primaryRuleSets(): RuleSetId[] {
    return [...new Set(this.list.agencies.map((a) => a.primary.ruleSet))];
  }
}

/** `/agencies/<code>` → code, or undefined when the source is not of that form. */
export function agencyCodeOfSource(source: string): string | undefined {
  const m = /^\/agencies\/([0-9A-Z]{4})$/u.exec(source);
  return m?.[1];
}

export function sourceOfAgency(code: string): string {
  return `/agencies/${code}`;
}
