/**
 * Progress for long commands: a bar with a rate on a terminal (cli-progress), plain periodic lines
 * on stderr otherwise (CI logs, pipes).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

export function progress(label: string, total: number, unit = 'items'): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | eta {eta_formatted}`, stream: process.stderr, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    const t0 = Date.now();
    bar.start(total, 0, { rate: 0 });
    return {
      update(done, newTotal) {
        if (newTotal !== undefined) bar.setTotal(newTotal);
        bar.update(done, { rate: Math.round(done / Math.max(0.001, (Date.now() - t0) / 1000)) });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  let current = 0;
  let max = total;
  const t0 = Date.now();
  const line = () => {
    const rate = Math.round(current / Math.max(0.001, (Date.now() - t0) / 1000));
    process.stderr.write(`${label}: ${current}/${max} ${unit} (${rate}/s)\n`);
  };
  return {
    update(done, newTotal) {
      current = done;
      if (newTotal !== undefined) max = newTotal;
      if (Date.now() - last >= 2000) {
        last = Date.now();
        line();
      }
    },
    stop: line,
  };
}
