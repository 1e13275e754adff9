/**
 * Rule-set files on disk: the edge of the rules package (`@ipasn/rules/files`), kept out of the
 * main entry so that scoring stays free of I/O. Sync, like the rest of configuration loading: it
 * runs once in `main`, before anything is consumed.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RuleSetFileError, RuleSetListError } from './errors.js';
import { RuleSetList } from './rule-set-list.js';
import { parseRuleSet, RuleSetIdSchema, type AnyRuleSet } from './rule-set.js';
import { SHIPPED_BASELINE, SHIPPED_RULE_SET_FILE_NAMES } from './rule-sets.js';

/** Absolute paths of the shipped rule-set files, in list order (the default list in force). */
export const SHIPPED_RULE_SET_FILES: readonly string[] = Object.freeze(
  SHIPPED_RULE_SET_FILE_NAMES.map((name) => fileURLToPath(new URL(`./data/${name}`, import.meta.url))),
);

/** Reads and validates one rule-set file; every failure is a RuleSetFileError (RULE_SET_FILE_INVALID). */
export function loadRuleSetFile(path: string): AnyRuleSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new RuleSetFileError(path, `cannot be read${typeof code === 'string' ? ` (${code})` : ''}`, err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RuleSetFileError(path, `not JSON: ${(err as Error).message}`, err);
  }
  try {
    return parseRuleSet(json);
  } catch (err) {
    if (err instanceof z.ZodError) throw new RuleSetFileError(path, `not a valid rule set:\n${z.prettifyError(err)}`, err);
    throw err;
  }
}

/**
 * The list in force from files (e.g. named in configuration), baseline by id (default: the first
 * file's). A file error is a RuleSetFileError; a repeated id or a missing baseline a RuleSetListError.
 */
export function loadRuleSetList(paths: readonly string[], baselineId?: string): RuleSetList {
  return new RuleSetList(paths.map(loadRuleSetFile), baselineId);
}

/** The shipped list read from disk: what a deployment runs when configuration names no files. */
export function loadShippedRuleSetList(): RuleSetList {
  return loadRuleSetList(SHIPPED_RULE_SET_FILES, SHIPPED_BASELINE);
}

/**
 * A rule-set list file (IPASN_RULE_SETS_FILE), the list in force as data:
 *
 *   { "baseline": "perban-8-2019",
 *     "ruleSets": [{ "shipped": "perban-8-2019" }, { "shipped": "bkn-2023" }, { "file": "kota-bima-2026.json" }] }
 *
 * `shipped` names a rule set shipped with this package; `file` a rule-set file, relative to the
 * list file's folder unless absolute. `baseline` defaults to the first entry's id.
 */
const RuleSetListFileSchema = z.strictObject({
  baseline: RuleSetIdSchema.optional(),
  ruleSets: z.array(z.union([z.strictObject({ shipped: RuleSetIdSchema }), z.strictObject({ file: z.string().min(1) })])).min(1),
});

/** Reads a rule-set list file; a bad list file or entry is a RuleSetListError, a bad rule-set file a RuleSetFileError. */
export function loadRuleSetListFile(path: string): RuleSetList {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RuleSetListError(`rule-set list file ${path} cannot be read as JSON: ${(err as Error).message}`);
  }
  const r = RuleSetListFileSchema.safeParse(json);
  if (!r.success) throw new RuleSetListError(`rule-set list file ${path} is not a rule-set list:\n${z.prettifyError(r.error)}`);
  const folder = dirname(path);
  const files = r.data.ruleSets.map((e) => {
    if ('file' in e) return resolve(folder, e.file);
    const i = SHIPPED_RULE_SET_FILE_NAMES.indexOf(`${e.shipped}.json`);
    const shipped = SHIPPED_RULE_SET_FILES[i];
    if (shipped === undefined) throw new RuleSetListError(`rule-set list file ${path}: no shipped rule set ${e.shipped} (shipped: ${SHIPPED_RULE_SET_FILE_NAMES.map((n) => n.replace(/\.json$/u, '')).join(', ')})`);
    return shipped;
  });
  return loadRuleSetList(files, r.data.baseline);
}

/**
 * The list in force: the rule-set list file named in configuration (IPASN_RULE_SETS_FILE), else
 * the shipped list. What every service and command that scores or shows rule sets starts from.
 */
export function ruleSetsInForce(listFile: string | undefined): RuleSetList {
  return listFile ? loadRuleSetListFile(listFile) : loadShippedRuleSetList();
}
