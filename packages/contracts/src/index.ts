export * from './domain.js';
export * from './events.js';
export * from './reasons.js';
export * from './agencies.js';
export * from './calendar.js';
export * from './rule-set-id.js';
