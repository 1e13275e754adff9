/**
 * The inputs of `ipasn publish`: NDJSON (one ingress event per line, sent byte for byte) or CSV
 * (one event per data row, see csv.ts), streamed: memory holds one chunk and one event.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { MAX_EVENT_BYTES } from '@ipasn/normalize';
import { IoError } from '../errors.js';
import { LineSplitter } from '../score/lines.js';
import { CsvMapper, detectDelimiter, type CsvMapperOptions } from './csv.js';
import type { InputFormat } from './options.js';
import type { InputEvent } from './planner.js';


/** `--format`, else the extension (`.csv`/`.tsv` → csv), else ndjson. */
export function inputFormat(file: string, flag: InputFormat | undefined): InputFormat {
  if (flag !== undefined) return flag;
  const ext = extname(file).toLowerCase();
  return ext === '.csv' || ext === '.tsv' ? 'csv' : 'ndjson';
}

export interface OpenedInput {
  chunks: AsyncIterable<Buffer>;
  /** Bytes of the file (for a progress percentage); undefined for stdin. */
  size: number | undefined;
  /** Bytes handed out so far. */
  readonly bytesRead: number;
}

/** Opens the input before anything is sent, so that a missing file is exit code 1 and no output. */
export async function openInput(file: string): Promise<OpenedInput> {
  let source: AsyncIterable<Buffer>;
  let size: number | undefined;
  if (file === '-') {
    source = process.stdin as AsyncIterable<Buffer>;
  } else {
    try {
      const handle = await open(file, 'r');
      const stat = await handle.stat();
      if (stat.isDirectory()) {
        await handle.close();
        throw new Error('is a directory');
      }
      size = stat.size;
      source = handle.createReadStream({ highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
    } catch (err) {
      throw new IoError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  const state = { bytesRead: 0 };
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      state.bytesRead += chunk.length;
      yield chunk;
    }
  }
  return {
    chunks: counted(),
    size,
    get bytesRead() {
      return state.bytesRead;
    },
  };
}

/** NDJSON lines: an InputEvent per non-empty line, `'empty'` for an empty one (counted in line numbers). */
export async function* ndjsonEvents(chunks: AsyncIterable<Buffer>): AsyncGenerator<InputEvent | 'empty'> {
  const splitter = new LineSplitter(MAX_EVENT_BYTES);
  let out: (InputEvent | 'empty')[] = [];
  const onLine = (bytes: Buffer | null, line: number, length: number): void => {
    if (bytes === null) out.push({ line, bytes: null, unreadable: `the event is ${length} bytes, over ${MAX_EVENT_BYTES} (64 KiB)` });
    else if (bytes.length === 0) out.push('empty');
    // The splitter reuses nothing, but a chunk's subarray keeps the whole chunk alive: copy.
    else out.push({ line, bytes: Buffer.from(bytes) });
  };
  for await (const chunk of chunks) {
    splitter.push(chunk, onLine);
    yield* out;
    out = [];
  }
  splitter.end(onLine);
  yield* out;
}

export interface CsvInputOptions extends CsvMapperOptions {
  /** `--delimiter`; default: detected from the header line. */
  delimiter?: string | undefined;
}

/** The first line of the input (for the delimiter) and an iterable of every chunk, that line included. */
async function peekFirstLine(chunks: AsyncIterable<Buffer>): Promise<{ firstLine: string; all: AsyncIterable<Buffer> }> {
  const it = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  for (;;) {
    const next = await it.next();
    if (next.done) break;
    head.push(next.value);
    headBytes += next.value.length;
    if (next.value.includes(10) || headBytes > 1 << 20) break;
  }
  const text = Buffer.concat(head).toString('utf8');
  const nl = text.indexOf('\n');
  async function* all(): AsyncGenerator<Buffer> {
    yield* head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { firstLine: nl === -1 ? text : text.slice(0, nl), all: all() };
}

/**
 * CSV rows as InputEvents (the JSON each row maps to). The header row is read first; a header
 * that does not map is a UsageError before any event is produced. A row that is not valid CSV,
 * or has the wrong number of cells, is an InputEvent without bytes.
 */
export async function* csvEvents(chunks: AsyncIterable<Buffer>, options: CsvInputOptions): AsyncGenerator<InputEvent> {
  const { firstLine, all } = await peekFirstLine(chunks);
  const delimiter = options.delimiter ?? detectDelimiter(firstLine.replace(/^\uFEFF/u, ''));
  const parser = Readable.from(all).pipe(
    // max_record_size: a row is bounded like an NDJSON line (64 KiB, events.md), so one endless
    // quoted cell cannot grow the parser's buffer without limit.
    parse({ delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_empty_values: true, skip_records_with_error: true, info: true, max_record_size: MAX_EVENT_BYTES }),
  );
  const broken: InputEvent[] = [];
  parser.on('skip', (err: CsvError) => {
    const line = typeof err.lines === 'number' ? err.lines : 0;
    if (err.code === 'CSV_MAX_RECORD_SIZE') {
      // csv-parse does not resume after this error (the rest of its buffer is dropped without a
      // word), so the file cannot be read past it: stop loudly rather than lose rows silently.
      parser.destroy(new IoError(`line ${line}: a CSV row over ${MAX_EVENT_BYTES} characters (64 KiB, the event size limit); the file is not read past it`));
      return;
    }
    broken.push({ line, bytes: null, unreadable: `not valid CSV: ${err.message.replace(/ at line \d+/u, '')}` });
  });
  let mapper: CsvMapper | undefined;
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield* broken.splice(0);
    const { record, info } = item;
    // info.lines is where the record ends; a quoted cell can span lines.
    const line = info.lines - record.reduce((n, cell) => n + countNewlines(cell), 0);
    if (mapper === undefined) {
      mapper = new CsvMapper(record, options);
      continue;
    }
    const r = mapper.map(record);
    yield r.ok ? { line, bytes: Buffer.from(r.json, 'utf8') } : { line, bytes: null, unreadable: r.message };
  }
  yield* broken.splice(0);
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
