/** Option parsers of `ipasn publish` (light: loaded at startup with the command registry). */
import { InvalidArgumentError } from 'commander';

export const INPUT_FORMATS = ['ndjson', 'csv'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export function formatArg(value: string): InputFormat {
  if ((INPUT_FORMATS as readonly string[]).includes(value)) return value as InputFormat;
  throw new InvalidArgumentError('expected ndjson or csv.');
}

/** `--delimiter`: one character; `\t` or `tab` for a tab. */
export function delimiterArg(value: string): string {
  const d = value === '\\t' || value.toLowerCase() === 'tab' ? '\t' : value;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') throw new InvalidArgumentError('expected one character, e.g. ";" (or "tab").');
  return d;
}
