/** The `ipasn` program: commander wiring and the mapping of failures to exit codes. */
import { Command, CommanderError } from 'commander';
import { COMMANDS, type CommandModule } from './commands/index.js';
import { CliError } from './errors.js';

export function buildProgram(commands: readonly CommandModule[] = COMMANDS): Command {
  const program = new Command('ipasn')
    .description('IP ASN pipeline tools: generate ingress streams, score them offline')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .allowExcessArguments(false);
  for (const c of commands) c.register(program);
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 success, 2 wrong arguments, 1 input that cannot be read.
 * Never calls process.exit, so that buffered output is flushed.
 */
export async function run(argv: readonly string[], commands: readonly CommandModule[] = COMMANDS): Promise<number> {
  const program = buildProgram(commands);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message; help and version are not errors.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`ipasn: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
