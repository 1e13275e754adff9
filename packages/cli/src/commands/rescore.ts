/**
 * `ipasn rescore [--agency CODE] [--rules …]`: rescores every affected employee from the stored
 * profiles (no Kafka replay) after a rule set's data changed version or an agency's primary rule set
 * changed. Starts a BullMQ flow that the running scorers work through, then follows its progress;
 * `--watch RUN` reattaches to a run, `--no-wait` only starts it. Connects with REDIS_URL and
 * REDIS_PREFIX, like the services.
 */
import type { Command } from 'commander';
import { loadConfig, redisConnection } from '@ipasn/config';
import { silentLogger } from '@ipasn/logger';
import { closeRedis, createRedis } from '@ipasn/redis';
import { requestRescore, rescoreRuns, RuleSetStatus, StateStore } from '@ipasn/profiles';
import { IoError } from '../errors.js';
import { agencyCodeArg, positiveCountArg } from '../options.js';
import { ruleSetList, ruleSetOptions, selectRuleSets, type RuleSetFlags } from '../rule-sets.js';
import { progress } from '../progress.js';
import type { CommandModule } from './command.js';

interface RescoreFlags extends RuleSetFlags {
  agency?: string;
  chunkSize: number;
  wait: boolean;
  watch?: string;
  timeout: number;
}

export const rescoreCommand: CommandModule = {
  name: 'rescore',
  register(program: Command): void {
    const cmd = program
      .command('rescore')
      .description('rescore stored employees under the current rule-set data (a resumable BullMQ flow worked by the scorers)')
      .option('--agency <code>', 'only employees counted under this agency', agencyCodeArg)
      .option('--chunk-size <n>', 'employees per job', positiveCountArg, 500)
      .option('--no-wait', 'start the run and print its id without following it')
      .option('--watch <run>', 'follow an earlier run instead of starting one')
      .option('--timeout <seconds>', 'give up following after this long (the run goes on)', positiveCountArg, 3600);
    ruleSetOptions(cmd, 'all').action(async (flags: RescoreFlags) => {
        const config = loadConfig(process.env);
        // The ids must be in the list in force (the scorers' list: same configuration).
        const rules = selectRuleSets(ruleSetList(flags, config.IPASN_RULE_SETS_FILE), flags.rules, 'all').map((rs) => rs.id);
        const logger = silentLogger();
        const redis = createRedis({ ...redisConnection(config), logger, maxRetriesPerRequest: null, connectionName: 'ipasn-cli-rescore' });
        const runs = rescoreRuns(redis, config.REDIS_PREFIX, logger);
        try {
          await redis.ping().catch((err: unknown) => {
            throw new IoError(`cannot reach Redis at ${config.REDIS_URL}: ${err instanceof Error ? err.message : String(err)}`);
          });
          let runId = flags.watch;
          if (runId === undefined) {
            const store = await StateStore.open(redis, config.REDIS_PREFIX);
            const status = new RuleSetStatus(redis, config.REDIS_PREFIX);
            const started = await requestRescore(runs, store, { agency: flags.agency, rules, chunkSize: flags.chunkSize, status });
            runId = started.runId;
            process.stderr.write(`rescore run ${runId}: ${started.employees} stored employees in ${started.chunks} jobs (${rules.join(', ')}${flags.agency ? `, agency ${flags.agency}` : ''})\n`);
            if (!flags.wait) {
              process.stdout.write(`${JSON.stringify({ runId, employees: started.employees, jobs: started.chunks })}\n`);
              return;
            }
          }
          const first = await runs.progress(runId);
          if (!first) throw new IoError(`no rescore run ${runId}`);
          const bar = progress('rescore', first.total, 'jobs');
          const deadline = Date.now() + flags.timeout * 1000;
          let p = first;
          while (p.state !== 'completed' && p.state !== 'failed' && Date.now() < deadline) {
            bar.update(p.done + p.failed, p.total);
            await new Promise((r) => setTimeout(r, 500));
            p = (await runs.progress(runId)) ?? p;
          }
          bar.update(p.done + p.failed, p.total);
          bar.stop();
          process.stdout.write(`${JSON.stringify({ runId, state: p.state, jobs: p.total, done: p.done, failed: p.failed, result: p.result })}\n`);
          if (p.state !== 'completed') {
            throw new IoError(p.state === 'failed' ? `rescore run ${runId} failed` : `rescore run ${runId} still ${p.state}: follow it with --watch ${runId} (are scorers running?)`);
          }
        } finally {
          await runs.close();
          await closeRedis(redis);
        }
      });
  },
};
