/**
 * `ipasn publish [--agency CODE] FILE|-`: what an agency runs to send an NDJSON or CSV export. Each
 * event is checked locally with the normalizer's own code (checks 1–7), routed to its agency's
 * ingress topic keyed by the NIP digits, and sent in batches — over Kafka, or with `--http URL`
 * through the HTTP gateway; a summary ends the run. See
 * publish/planner.ts for routing and what is sent, README "ipasn publish" for the CSV columns.
 */
import type { Command } from 'commander';
import { agencyCodeArg, positiveCountArg } from '../options.js';
import { delimiterArg, formatArg } from '../publish/options.js';
import type { PublishFlags } from '../publish/run.js';
import type { CommandModule } from './command.js';

export const publishCommand: CommandModule = {
  name: 'publish',
  register(program: Command): void {
    program
      .command('publish')
      .description("validate NDJSON or CSV ingress events locally and send them to their agency's ingress topic")
      .argument('<file>', 'NDJSON or CSV input; - for stdin')
      .option('--agency <code>', "send everything to this agency's ingress topic (others' events are AGENCY_MISMATCH); the agency of CSV rows without one", agencyCodeArg)
      .option('--format <format>', 'ndjson or csv (default: .csv/.tsv files are csv, anything else ndjson)', formatArg)
      .option('--type <type>', 'CSV: the event type of rows without a type cell, e.g. ipasn.training.recorded')
      .option('--delimiter <char>', 'CSV: the field delimiter (default: , ; or tab, whichever the header line uses)', delimiterArg)
      .option('--dry-run', 'validate and route only: connect to nothing, send nothing')
      .option('--send-invalid', 'also send events that fail the local checks, for the DLQ (default: hold them back)')
      .option('--batch-size <n>', 'messages per produce request', positiveCountArg, 1000)
      .option('--agencies-file <file>', 'the agency list in force (default: IPASN_AGENCIES_FILE, else the shipped list)')
      .option('--json', 'summary as one JSON object; rejects as NDJSON lines')
      .option('--rejects <file>', 'write the rejects to FILE (NDJSON) instead of stderr')
      .option('--emit <file>', 'also write every event read as NDJSON, exactly as sent (for CSV: the JSON each row maps to), e.g. for ipasn score')
      .option('--credentials <dir>', "send each agency's events as that agency: DIR holds agency-<code>.password files (default: IPASN_AGENCY_CREDENTIALS_DIR; else one connection as KAFKA_SASL_USERNAME); with --http, agency-<code>.token files")
      .option('--http <url>', 'send through the HTTP gateway (docs/gateway.md) instead of Kafka: CloudEvents batches with each agency’s API token (--credentials DIR, or IPASN_GATEWAY_TOKEN(_FILE) for one agency)')
      .option('--ca <file>', 'with --http: a CA certificate (PEM) to trust for https, e.g. .local/secrets/kafka/ca.pem (default: IPASN_GATEWAY_CA_FILE)')
      .option('-q, --quiet', 'no progress output')
      .addHelpText('after', CSV_HELP)
      .action(async (file: string, flags: PublishFlags) => {
        // Loaded on use: the other commands do not pay for Kafka and CSV at startup.
        const { publish } = await import('../publish/run.js');
        const { startTracing } = await import('@ipasn/tracing');
        // Off unless OTEL_EXPORTER_OTLP_ENDPOINT or IPASN_TRACES_FILE is set; on, each event sent starts a trace.
        const tracing = startTracing({ serviceName: 'ipasn-cli' });
        try {
          await publish(file, flags);
        } finally {
          await tracing.shutdown();
        }
      });
  },
};

const CSV_HELP = `
CSV columns (one event per row; header names ignore case, spaces, _ and -):
  id            the event id (default: derived from the row's cells, so a re-run sends the same ids)
  type          ipasn.<…> or without "ipasn."; default --type, else from the columns (graduatedOn →
                education, completedOn → training, year → appraisal, imposedOn → discipline,
                employmentType → upserted, toAgencyCode → transferred, reason → separated,
                recordId alone → retracted)
  agency        the agency code (or a "source" column /agencies/<code>); default --agency
  nip           the NIP (or "subject")
  time          ISO-8601 (default: the start time of the run)
  any data field of events.md by name: name, employmentType, jobGroup, positionName, unitName,
  requiredEducation, recordId, level, graduatedOn, institution, major, kind, hours, completedOn,
  leadershipLevel, year, predicate, score, imposedOn, endsOn, penalty, toAgencyCode, reason.
  An empty cell leaves the field out. Samples: docs/examples/*.csv.`;
