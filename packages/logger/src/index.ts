/**
 * pino with PII redaction: names and NIPs never reach a log line (design.md, Security). Every
 * component gets a child logger with bindings (service, topic, partition); untrusted data goes
 * under its own key (`input`), which is redacted as a whole when it could hold personal data.
 */
import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

export type { Logger };

/** Paths removed from every log line. `*` matches one level. */
export const REDACT_PATHS = [
  'name',
  'nip',
  'subject',
  'key',
  '*.name',
  '*.nip',
  '*.subject',
  '*.key',
  'data.name',
  'event.data.name',
  'event.nip',
  'event.subject',
  'profile',
  'input',
  'raw',
  '*.raw',
  'value',
  '*.value',
  // StateConflictError (and any error naming employees) carries the NIPs it is about.
  'nips',
  '*.nips',
];

export interface LoggerConfig {
  service: string;
  level?: string;
  /** Where lines go (tests pass a stream); stdout by default. */
  destination?: DestinationStream;
}

export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    level: config.level ?? 'info',
    base: { service: config.service, pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return config.destination ? pino(options, config.destination) : pino(options);
}

/** A logger that writes nothing (CLIs and tests that do not care). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Replaces the digits of a NIP-like string (18 digits) in free text with a mask, for messages that
 * quote user input (e.g. error messages from the broker or a parser).
 */
export function maskNips(text: string): string {
  return text.replace(/\b\d{8}[\s.-]?\d{6}[\s.-]?\d[\s.-]?\d{3}\b/gu, '[nip]');
}
