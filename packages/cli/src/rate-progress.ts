/**
 * Progress of a streaming command with a rate (`ipasn publish`): on a terminal a cli-progress bar
 * (percentage of the input's bytes when the size is known) with the count and events/s; otherwise a
 * plain line on stderr every 2 s and at the end. `log` prints a line above the bar without
 * garbling it (rejects found on the way).
 */
import cliProgress from 'cli-progress';

export interface RateProgress {
  /** `count` items done; `bytes` of the input read (for the percentage). */
  update(count: number, bytes: number, extra?: string): void;
  log(line: string): void;
  stop(): void;
}

export interface RateProgressOptions {
  label: string;
  unit: string;
  /** Input size in bytes, when known. */
  totalBytes: number | undefined;
  stream?: NodeJS.WriteStream;
  /** Force the plain form (tests, `--no-progress`). */
  plain?: boolean;
  /** No output at all (`--quiet`); `log` still prints. */
  silent?: boolean;
}

export function rateProgress(options: RateProgressOptions): RateProgress {
  const stream = options.stream ?? process.stderr;
  const t0 = Date.now();
  const rate = (count: number): number => Math.round(count / Math.max(0.001, (Date.now() - t0) / 1000));
  if (options.silent) {
    return { update: () => undefined, log: (line) => stream.write(`${line}\n`), stop: () => undefined };
  }
  if (stream.isTTY && !options.plain) {
    const sized = options.totalBytes !== undefined && options.totalBytes > 0;
    const format = sized
      ? `${options.label} [{bar}] {percentage}% | {count} ${options.unit} | {rate} ${options.unit}/s{extra} | eta {eta_formatted}`
      : `${options.label} {count} ${options.unit} | {rate} ${options.unit}/s{extra}`;
    const multi = new cliProgress.MultiBar({ format, stream, etaBuffer: 50, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
    const bar = multi.create(sized ? (options.totalBytes ?? 1) : 1, 0, { count: 0, rate: 0, extra: '' });
    let last = { count: 0, bytes: 0, extra: '' };
    return {
      update(count, bytes, extra = '') {
        last = { count, bytes, extra };
        bar.update(sized ? bytes : 0, { count, rate: rate(count), extra: extra === '' ? '' : ` | ${extra}` });
      },
      log: (line) => multi.log(`${line}\n`),
      stop() {
        bar.update(sized ? last.bytes : 0, { count: last.count, rate: rate(last.count), extra: last.extra === '' ? '' : ` | ${last.extra}` });
        multi.stop();
      },
    };
  }
  let lastPrint = Date.now();
  let current = { count: 0, extra: '' };
  const line = (): void => {
    stream.write(`${options.label}: ${current.count} ${options.unit} (${rate(current.count)} ${options.unit}/s)${current.extra === '' ? '' : `, ${current.extra}`}\n`);
  };
  return {
    update(count, _bytes, extra = '') {
      current = { count, extra };
      if (Date.now() - lastPrint >= 2000) {
        lastPrint = Date.now();
        line();
      }
    },
    log: (l) => stream.write(`${l}\n`),
    stop: line,
  };
}
