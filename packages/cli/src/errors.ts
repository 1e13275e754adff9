/**
 * The CLI's error hierarchy: each error carries the process exit code it maps to
 * (events.md "Offline scorer contract": 2 for wrong arguments, 1 when the input cannot be read).
 */
export abstract class CliError extends Error {
  abstract readonly exitCode: 1 | 2;
  abstract readonly code: string;
}

/** Wrong arguments: unknown option, bad date, unknown rule set, inconsistent options. */
export class UsageError extends CliError {
  readonly exitCode = 2 as const;
  readonly code = 'USAGE';
}

/** An input or output that cannot be opened or read (missing file, unreadable agency list). */
export class IoError extends CliError {
  readonly exitCode = 1 as const;
  readonly code = 'IO';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A check that ran to the end and found a problem (`ipasn verify`): exit 1 after its report. */
export class CheckFailed extends CliError {
  readonly exitCode = 1 as const;
  readonly code = 'CHECK_FAILED';
}
