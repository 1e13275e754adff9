/** Parsers for option values; each throws commander's InvalidArgumentError (→ exit code 2). */
import { InvalidArgumentError } from 'commander';
import { ALL_RULE_SETS, isRuleSetId } from '@ipasn/contracts';
import { parseIsoDate, parseTimestamp } from './dates.js';

export function isoDateArg(value: string): string {
  if (parseIsoDate(value) === undefined) throw new InvalidArgumentError('expected a calendar date YYYY-MM-DD.');
  return value;
}

export function timestampArg(value: string): Date {
  const d = parseTimestamp(value);
  if (d === undefined) throw new InvalidArgumentError('expected an ISO-8601 timestamp, e.g. 2025-06-30T17:00:00+07:00.');
  return d;
}

export function countArg(value: string): number {
  if (!/^\d+$/u.test(value)) throw new InvalidArgumentError('expected a whole number.');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('number too large.');
  return n;
}

export function positiveCountArg(value: string): number {
  const n = countArg(value);
  if (n < 1) throw new InvalidArgumentError('expected at least 1.');
  return n;
}

export function shareArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) {
    throw new InvalidArgumentError('expected a share between 0 and 1, e.g. 0.02.');
  }
  return n;
}

/**
 * `--rules`: `all`, one rule-set id, or a comma-separated list of ids. Only the syntax is checked
 * here; which ids exist is the list in force's business (`selectRuleSets` in ./rule-sets.ts).
 */
export function rulesArg(value: string): string {
  const words = value.split(',').map((w) => w.trim());
  if (words.length === 1 && words[0] === ALL_RULE_SETS) return ALL_RULE_SETS;
  const bad = words.filter((w) => !isRuleSetId(w));
  if (bad.length > 0) {
    throw new InvalidArgumentError(`expected "all", a rule-set id or a comma-separated list of ids (lowercase letters and digits joined by - or .), got ${bad.map((b) => JSON.stringify(b)).join(', ')}.`);
  }
  return words.join(',');
}

export function agencyCodeArg(value: string): string {
  if (!/^[0-9A-Z]{4}$/u.test(value)) throw new InvalidArgumentError('expected an agency code: 4 letters or digits, e.g. 3004.');
  return value;
}
