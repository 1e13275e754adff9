/** Parsers for option values; each throws commander's InvalidArgumentError (→ exit code 2). */
import { InvalidArgumentError } from 'commander';
import { RULE_SET_IDS, type RuleSetId } from '@ipasn/contracts';
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

export const RULE_CHOICES = [...RULE_SET_IDS, 'all'] as const;

export function rulesArg(value: string): RuleSetId[] {
  if (value === 'all') return [...RULE_SET_IDS];
  if ((RULE_SET_IDS as readonly string[]).includes(value)) return [value as RuleSetId];
  throw new InvalidArgumentError(`unknown rule set; expected one of ${RULE_CHOICES.join(', ')}.`);
}

export function agencyCodeArg(value: string): string {
  if (!/^[0-9A-Z]{4}$/u.test(value)) throw new InvalidArgumentError('expected an agency code: 4 letters or digits, e.g. 3004.');
  return value;
}
