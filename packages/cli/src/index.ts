/**
 * Programmatic entry points of the CLI (the `ipasn` binary is src/bin/ipasn.ts), and the pieces
 * later commands reuse: errors with exit codes, option parsers, buffered output, the dates of Jakarta.
 */
export { run, buildProgram } from './cli.js';
export { COMMANDS, type CommandModule } from './commands/index.js';
export { CliError, UsageError, IoError } from './errors.js';
export { agencyCodeArg, countArg, isoDateArg, positiveCountArg, rulesArg, shareArg, timestampArg } from './options.js';
export { BufferedWriter, isBrokenPipe, openOutput } from './io.js';
export { jakartaDate, parseIsoDate, parseTimestamp } from './dates.js';
export { Scorer, type RejectLine, type ScorerStats, type EmployeeScoreLine } from './score/scorer.js';
export { LineSplitter } from './score/lines.js';
export { Rng } from './generate/rng.js';
export type { GeneratorSummary } from './generate/summary.js';
export type { Expectation } from './generate/stream.js';
