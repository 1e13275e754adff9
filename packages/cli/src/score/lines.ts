/**
 * Splits a byte stream into lines without holding more than one line (and never more than `maxBytes`
 * of an over-long line). Lines end at LF; a CR before it is dropped (CRLF files). Line numbers are
 * 1-based and count every line, empty ones included.
 */

export type LineHandler = (bytes: Buffer | null, number: number, byteLength: number) => void;

/**
 * Feed chunks with `push`, then call `end`. The handler gets each line's bytes, or null with the
 * full length when the line is longer than `maxBytes` (its content is not kept).
 */
export class LineSplitter {
  #parts: Buffer[] = [];
  #partBytes = 0;
  /** Length of the current line so far, including dropped bytes of an over-long one. */
  #length = 0;
  #number = 0;

  constructor(readonly maxBytes: number) {}

  push(chunk: Buffer, onLine: LineHandler): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      this.#take(chunk.subarray(start, nl));
      this.#emit(onLine);
      start = nl + 1;
    }
    if (start < chunk.length) this.#take(chunk.subarray(start));
  }

  /** Emits the last line when the input does not end with a newline. */
  end(onLine: LineHandler): void {
    if (this.#length > 0) this.#emit(onLine);
  }

  #take(piece: Buffer): void {
    this.#length += piece.length;
    // Keep one byte over the limit so that a line of exactly maxBytes + CR is still whole.
    const room = this.maxBytes + 1 - this.#partBytes;
    if (room <= 0 || piece.length === 0) return;
    const kept = piece.length <= room ? piece : piece.subarray(0, room);
    this.#parts.push(kept);
    this.#partBytes += kept.length;
  }

  #emit(onLine: LineHandler): void {
    this.#number += 1;
    let length = this.#length;
    let bytes: Buffer | null =
      this.#parts.length === 1 ? (this.#parts[0] as Buffer) : this.#parts.length === 0 ? EMPTY : Buffer.concat(this.#parts, this.#partBytes);
    if (length > 0 && length === bytes.length && bytes[bytes.length - 1] === 13) {
      bytes = bytes.subarray(0, bytes.length - 1);
      length -= 1;
    } else if (length > bytes.length) {
      // Over-long: the dropped tail may end with CR too.
      bytes = null;
    }
    if (bytes !== null && bytes.length > this.maxBytes) bytes = null;
    this.#parts = [];
    this.#partBytes = 0;
    this.#length = 0;
    onLine(bytes, this.#number, length);
  }
}

const EMPTY = Buffer.alloc(0);
