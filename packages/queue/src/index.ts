export { KeyedTimers, type KeyedTimersOptions, type TimerJob } from './timers.js';
