#!/usr/bin/env node
/**
 * Benchmark (not a test): generate N events (default 1,000,000) to a temp file, then run
 * `ipasn score --rules all` over it as a child process, and compare with baselines measured in the
 * same run on the same file (`wc -l`, and a plain node line count).
 *
 *   npm run bench -w @ipasn/cli               # 1M events
 *   node bench/score-bench.mjs --events 100000 # shorter, while developing
 *   node bench/score-bench.mjs --keep          # keep the temp files
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '1000000' }, keep: { type: 'boolean', default: false }, seed: { type: 'string', default: 'bench' } },
});
const EVENTS = Number(values.events);
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin', 'ipasn.js');
const GNU_TIME = '/usr/bin/time';
const AS_OF = '2025-06-30';

if (!existsSync(BIN)) {
  console.error(`missing ${BIN}: build first (npm run build -w @ipasn/cli)`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'ipasn-bench-'));
const stream = join(dir, 'events.ndjson');
const summaryFile = join(dir, 'summary.json');

/** Runs a command; returns wall seconds, peak RSS (KiB) and captured stderr/stdout tails. */
function measure(cmd, args, { stdout = 'ignore', stderrFile } = {}) {
  return new Promise((resolve, reject) => {
    const useTime = existsSync(GNU_TIME);
    const report = join(dir, `time-${Date.now()}.txt`);
    const [file, argv] = useTime ? [GNU_TIME, ['-v', '-o', report, cmd, ...args]] : [cmd, args];
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { stdio: ['ignore', stdout === 'pipe' ? 'pipe' : 'ignore', 'pipe'] });
    let peakKb = 0;
    let poll;
    if (!useTime) {
      // No GNU time: poll the kernel's high-water mark of the child's resident set.
      poll = setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/u.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) peakKb = Math.max(peakKb, Number(m[1]));
        } catch {
          /* exited */
        }
      }, 20);
    }
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    const errChunks = [];
    child.stderr.on('data', (d) => errChunks.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (useTime && existsSync(report)) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/u.exec(readFileSync(report, 'utf8'));
        if (m) peakKb = Number(m[1]);
      }
      const stderr = Buffer.concat(errChunks).toString('utf8');
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      resolve({ seconds, peakKb, stdout: out, stderr, stderrFile });
    });
  });
}

async function nodeLineCount(path) {
  const started = process.hrtime.bigint();
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, lines: n };
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const mib = (kb) => `${(kb / 1024).toFixed(0)} MiB`;

console.log(`ipasn bench: ${fmt(EVENTS)} events, node ${process.version}, temp ${dir}`);

const gen = await measure(process.execPath, [BIN, 'generate', '--events', String(EVENTS), '--seed', values.seed, '--as-of', AS_OF, '--out', stream, '--summary', summaryFile, '-q']);
const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
const bytes = statSync(stream).size;
console.log(`generate   ${gen.seconds.toFixed(2)} s   ${fmt(EVENTS / gen.seconds)} events/s   peak RSS ${mib(gen.peakKb)}   file ${(bytes / 2 ** 20).toFixed(0)} MiB`);

const wc = await measure('wc', ['-l', stream], { stdout: 'pipe' });
const counted = await nodeLineCount(stream);
console.log(`baseline   wc -l ${wc.seconds.toFixed(2)} s   node line count ${counted.seconds.toFixed(2)} s (${fmt(counted.lines)} lines)`);

const score = await measure(process.execPath, [BIN, 'score', ...summary.scoreArgs, '--rules', 'all', '--stats', stream]);
const statsLine = score.stderr.trimEnd().split('\n').at(-1) ?? '';
const stats = JSON.parse(statsLine).stats;
console.log(
  `score      ${score.seconds.toFixed(2)} s   ${fmt(EVENTS / score.seconds)} events/s   peak RSS ${mib(score.peakKb)}   ` +
    `${(score.seconds / counted.seconds).toFixed(1)}× node line count, ${(score.seconds / wc.seconds).toFixed(0)}× wc -l`,
);

const same =
  stats.accepted === summary.offline.accepted &&
  stats.duplicates === summary.duplicates &&
  JSON.stringify(stats.rejects) === JSON.stringify(summary.offline.rejects);
console.log(
  `counts     accepted ${fmt(stats.accepted)}   rejects ${fmt(stats.rejects.total)}   duplicates ${fmt(stats.duplicates)}   employees ${fmt(stats.employees)}   ` +
    `active ${fmt(summary.active.total)}   ${same ? '= generator summary' : 'DIFFERENT FROM the generator summary'}`,
);

if (!values.keep) rmSync(dir, { recursive: true, force: true });
if (!same) process.exitCode = 1;
