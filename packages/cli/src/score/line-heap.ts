/**
 * A min-heap of items by line number: the offline scorer's rejects that wait for an earlier held
 * line to be decided, so that stderr stays in line order.
 */
export class LineHeap<T> {
  readonly #items: { line: number; item: T }[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(line: number, item: T): void {
    const a = this.#items;
    a.push({ line, item });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.line <= line) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  /** Removes and returns, in line order, every item whose line is below `limit`. */
  popBelow(limit: number): T[] {
    const out: T[] = [];
    const a = this.#items;
    while (a.length > 0 && a[0]!.line < limit) {
      out.push(a[0]!.item);
      const last = a.pop()!;
      if (a.length === 0) break;
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.line < a[m]!.line) m = l;
        if (r < a.length && a[r]!.line < a[m]!.line) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return out;
  }
}
