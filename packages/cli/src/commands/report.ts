/**
 * `ipasn report --agency CODE [--rules …] [--format csv|json|md] [--employees]`: an agency's current
 * aggregate for reporting teams, from the compacted `ipasn.scores.latest` (the reporting bootstrap
 * topic of design.md): read once to its end through a throwaway consumer group, the highest version
 * per NIP and rule set kept, aggregated with @ipasn/rules (report/latest.ts). Needs only Kafka: the
 * console's API serves the same aggregate from the projector's Redis.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { agencyCodeArg, positiveCountArg } from '../options.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/format.js';
import type { ReportFlags } from '../report/run.js';
import { ruleSetOptions } from '../rule-sets.js';
import type { CommandModule } from './command.js';

function reportFormatArg(value: string): ReportFormat {
  if ((REPORT_FORMATS as readonly string[]).includes(value)) return value as ReportFormat;
  throw new InvalidArgumentError(`expected one of ${REPORT_FORMATS.join(', ')}.`);
}

export const reportCommand: CommandModule = {
  name: 'report',
  register(program: Command): void {
    const cmd = program
      .command('report')
      .description("an agency's current IP ASN aggregate (and its employees' scores) from ipasn.scores.latest")
      .requiredOption('--agency <code>', 'the agency', agencyCodeArg)
      .option('--format <format>', 'csv, json or md', reportFormatArg, 'json' as ReportFormat)
      .option('--employees', "include the employees' current scores (csv: the employee table instead of the summary)")
      .option('--out <file>', 'write the report to FILE', '-')
      .option('--agencies-file <file>', 'the agency list in force (default: IPASN_AGENCIES_FILE, else the shipped list)')
      .option('--timeout <seconds>', 'give up when the read makes no progress for this long', positiveCountArg, 120)
      .option('-q, --quiet', 'no progress output');
    ruleSetOptions(cmd, 'all').action(async (flags: ReportFlags) => {
        const { report } = await import('../report/run.js');
        await report(flags);
      });
  },
};
