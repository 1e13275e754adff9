/**
 * The CLI's error hierarchy: each error carries the process exit code it maps to
 * (events.md "Offline scorer contract": 2 for wrong arguments, 1 when the input cannot be read).
 */
import { IpasnError } from '@ipasn/errors';

export abstract class CliError extends IpasnError {
  abstract readonly exitCode: 1 | 2;
}

/** Wrong arguments: unknown option, bad date, unknown rule set, inconsistent options. */
export class UsageError extends CliError {
  override name = 'UsageError';
  readonly exitCode = 2 as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('USAGE', message, options);
  }
}

/** An input or output that cannot be opened or read (missing file, unreadable agency list). */
export class IoError extends CliError {
  override name = 'IoError';
  readonly exitCode = 1 as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('IO', message, options);
  }
}

/** A check that ran to the end and found a problem (`ipasn verify`): exit 1 after its report. */
export class CheckFailed extends CliError {
  override name = 'CheckFailed';
  readonly exitCode = 1 as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('CHECK_FAILED', message, options);
  }
}
