/** Output plumbing: a buffered writer with backpressure, and opening outputs named on the command line. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

const CHUNK = 1 << 16;

/**
 * Collects small writes into ~64 KiB chunks. `write` returns true when the caller should
 * `await drain()` before writing more (the stream's buffer is full).
 */
export class BufferedWriter {
  #buf = '';
  #error: Error | undefined;
  readonly #stream: Writable;

  constructor(stream: Writable) {
    this.#stream = stream;
    stream.on('error', (err: Error) => {
      this.#error ??= err;
    });
  }

  /** The first error of the underlying stream (EPIPE when the reader went away). */
  get error(): Error | undefined {
    return this.#error;
  }

  write(text: string): boolean {
    this.#buf += text;
    if (this.#buf.length < CHUNK) return false;
    return !this.#flushChunk();
  }

  async drain(): Promise<void> {
    if (this.#error || !this.#stream.writableNeedDrain) return;
    await settle(this.#stream, 'drain');
  }

  /** Flushes and ends the stream (stdout and stderr are flushed, never ended). */
  async end(): Promise<void> {
    if (this.#buf.length > 0) this.#flushChunk();
    if (this.#error) return;
    const s = this.#stream;
    if (s === process.stdout || s === process.stderr) {
      if (s.writableNeedDrain) await settle(s, 'drain');
      return;
    }
    s.end();
    await settle(s, 'finish');
  }

  #flushChunk(): boolean {
    const chunk = this.#buf;
    this.#buf = '';
    if (this.#error) return true;
    return this.#stream.write(chunk);
  }
}

/** Resolves on `event` or on an error (kept by the writer), removing both listeners either way. */
function settle(stream: Writable, event: 'drain' | 'finish'): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off(event, done);
      stream.off('error', done);
      resolve();
    };
    stream.on(event, done);
    stream.on('error', done);
  });
}

/** `-` is stdout; anything else a file created (or truncated) now. */
export async function openOutput(target: string): Promise<Writable> {
  if (target === '-') return process.stdout;
  const stream = createWriteStream(target);
  await Promise.race([
    once(stream, 'open'),
    once(stream, 'error').then(([err]) => {
      throw err as Error;
    }),
  ]);
  return stream;
}

export function isBrokenPipe(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EPIPE';
}
