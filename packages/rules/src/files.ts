/**
 * Rule-set files on disk: the edge of the rules package (`@ipasn/rules/files`), kept out of the
 * main entry so that scoring stays free of I/O. Sync, like the rest of configuration loading: it
 * runs once in `main`, before anything is consumed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RuleSetFileError } from './errors.js';
import { RuleSetList } from './rule-set-list.js';
import { parseRuleSet, type AnyRuleSet } from './rule-set.js';
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
