export * from './state.js';
export * from './core.js';
export * from './limit.js';
export * from './hold.js';
// The console reads today's date through the scorer's vocabulary; the calendar lives in contracts.
export { jakartaDate } from '@ipasn/contracts';
