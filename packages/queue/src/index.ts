export { KeyedTimers, type KeyedTimersOptions, type TimerJob } from './timers.js';
export { ChunkedRuns, type RunProgress, type RunsOptions } from './runs.js';
export { PeriodicJob, type PeriodicJobOptions, type PeriodicRun } from './scheduler.js';
