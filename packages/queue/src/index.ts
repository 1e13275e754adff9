export { KeyedTimers, type KeyedTimersOptions, type TimerJob } from './timers.js';
export { ChunkedRuns, type RunProgress, type RunsOptions } from './runs.js';
