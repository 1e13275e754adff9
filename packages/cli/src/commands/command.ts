import type { Command } from 'commander';

/**
 * One `ipasn` subcommand. A module adds itself to the program (`program.command(name)`, so that it
 * inherits the error handling) and throws a CliError for failures; see commands/index.ts.
 */
export interface CommandModule {
  readonly name: string;
  register(program: Command): void;
}
