/** `ipasn report`'s run (commands/report.ts registers it). */
import { readToEnd } from '@ipasn/kafka';
import { SchemaRegistry } from '@ipasn/serde';
import { IoError, UsageError } from '../errors.js';
import { BufferedWriter, openOutput } from '../io.js';
import { agencyList, cliKafka, kafkaEnv, kafkaFailure } from '../kafka-env.js';
import { progress } from '../progress.js';
import { ruleSetList, selectRuleSets, type RuleSetFlags } from '../rule-sets.js';
import { employeeRow, renderCsv, renderJson, renderMarkdown, reportMeta, type ReportFormat } from './format.js';
import { LatestScores } from './latest.js';

export interface ReportFlags extends RuleSetFlags {
  agency: string;
  format: ReportFormat;
  employees?: boolean;
  out: string;
  agenciesFile?: string;
  timeout: number;
  quiet?: boolean;
}

export async function report(flags: ReportFlags): Promise<void> {
  const { config, topics } = kafkaEnv();
  const agencies = await agencyList(flags.agenciesFile ?? config.IPASN_AGENCIES_FILE);
  if (!agencies.has(flags.agency)) throw new UsageError(`--agency ${flags.agency} is not in the agency list`);
  const registry = SchemaRegistry.load();
  const rules = selectRuleSets(ruleSetList(flags, config.IPASN_RULE_SETS_FILE), flags.rules, 'all').map((rs) => rs.id);
  const latest = new LatestScores(flags.agency, rules);
  const kafka = cliKafka(config, 'report');
  let bar: ReturnType<typeof progress> | undefined;
  try {
    await readToEnd(kafka, topics.scoresLatest, {
      groupPrefix: `${topics.prefix}ipasn-cli-report-`,
      stallTimeoutMs: flags.timeout * 1000,
      onStart: (total) => {
        if (!flags.quiet) bar = progress('report', total, 'messages');
      },
      onChunk: (messages) => {
        for (const m of messages) {
          if (m.value === null) continue; // a compaction tombstone
          try {
            latest.add(registry.decodeAs('ScoreEvent', m.value).value);
          } catch {
            latest.skipUndecodable();
          }
        }
        bar?.update(latest.read);
        return Promise.resolve();
      },
    });
  } catch (err) {
    throw kafkaFailure(config, err);
  } finally {
    bar?.stop();
  }

  const scores = latest.employees();
  const summaries = latest.summaries();
  const employees = flags.employees ? scores.map(employeeRow) : undefined;
  const meta = reportMeta(
    {
      agencyCode: flags.agency,
      agencyName: agencies.get(flags.agency)?.name ?? null,
      source: topics.scoresLatest,
      generatedAt: new Date().toISOString(),
      messages: latest.read,
      undecodable: latest.undecodable,
    },
    scores,
  );
  let stream;
  try {
    stream = await openOutput(flags.out);
  } catch (err) {
    throw new IoError(`cannot write ${flags.out}: ${(err as Error).message}`, { cause: err });
  }
  const out = new BufferedWriter(stream);
  const parts = flags.format === 'csv' ? renderCsv(summaries, employees) : flags.format === 'md' ? renderMarkdown(meta, summaries, employees) : [renderJson(meta, summaries, employees)];
  for (const part of parts) if (out.write(part)) await out.drain();
  await out.end();
  if (out.error) throw new IoError(`cannot write the report: ${out.error.message}`);
  if (latest.undecodable > 0) process.stderr.write(`ipasn: warning: ${latest.undecodable} messages of ${topics.scoresLatest} are not score events this version can read\n`);
}
