/** `ipasn` as a child process, for the chaos and failover runs. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { cliMain } from '@ipasn/e2e';

/** Runs the CLI; stdout to a file when given. Resolves with the exit code and the output. */
export function cli(argv: string[], env: Record<string, string | undefined>, stdoutFile?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const fd = stdoutFile ? openSync(stdoutFile, 'w') : undefined;
    const child = spawn(process.execPath, [cliMain(), ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
    if (fd !== undefined) closeSync(fd);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}
