/**
 * `ipasn tail scores|dlq [--agency CODE] [--from-beginning] [--json] [--max N]`: the operator's kcat.
 * Follows `ipasn.scores` or `ipasn.dlq` through a throwaway consumer group that commits nothing
 * (deleted on exit), decodes each value with the published schemas (@ipasn/serde) and prints one
 * line per message. Without --from-beginning it starts at the end offsets read before joining, so
 * nothing written after the "following" line on stderr is missed.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { agencyCodeArg, positiveCountArg } from '../options.js';
import type { Stream, TailFlags } from '../tail/run.js';
import type { CommandModule } from './command.js';

const STREAMS = ['scores', 'dlq'] as const;

function streamArg(value: string): Stream {
  if ((STREAMS as readonly string[]).includes(value)) return value as Stream;
  throw new InvalidArgumentError('expected scores or dlq.');
}

export const tailCommand: CommandModule = {
  name: 'tail',
  register(program: Command): void {
    program
      .command('tail')
      .description('print live score events or rejects, decoded, one line each (Ctrl-C to stop)')
      .argument('<stream>', 'scores (ipasn.scores) or dlq (ipasn.dlq)', streamArg)
      .option('--agency <code>', "only this agency's: scores counted there (or moved away from it), rejects counted against it", agencyCodeArg)
      .option('--from-beginning', 'start at the oldest retained message instead of now')
      .option('--json', 'one JSON object per message (NDJSON): topic, partition, offset, key and the decoded value')
      .option('--max <n>', 'exit after printing N messages', positiveCountArg)
      .action(async (stream: Stream, flags: TailFlags) => {
        const { tail } = await import('../tail/run.js');
        await tail(stream, flags);
      });
  },
};
