/**
 * Employee states in Redis: one string per employee, `<prefix>emp:<nip>` = `<w>|<encoded state>`,
 * where `w` counts writes (a string, not a hash: a hash of one large field costs Redis a few hundred
 * bytes more per employee). Loads are one pipelined round trip per chunk; writes are
 * compare-and-set on `w`, because the time-driven rescoring writes the same keys concurrently.
 * The same script keeps the index of held events, `<prefix>held:nips` (NIP → counts per sending
 * agency), in step with the states: what the console shows as waiting per agency.
 */
import type { EmployeeState } from '@ipasn/scoring';
import { decodeState, encodeState } from './codec.js';
import { discarded, EpochChangedError, epochKey, LuaScripts, type Redis } from '@ipasn/redis';

export interface Loaded {
  state: EmployeeState | null;
  /** The write counter read with it ("0" when absent). */
  w: string;
}

export const LUA_DIR = new URL('../lua/', import.meta.url);

/** The held-events index of a namespace (a hash; the console reads it). */
export function heldIndexKey(prefix: string): string {
  return `${prefix}held:nips`;
}

/** The index entry of a state: held events per sending agency as JSON, "" when none. */
function heldCounts(state: EmployeeState): string {
  if (state.held.length === 0) return '';
  const counts: Record<string, number> = {};
  for (const h of state.held) counts[h.event.agencyCode] = (counts[h.event.agencyCode] ?? 0) + 1;
  return JSON.stringify(counts);
}

/** Sums an index (as HGETALL returns it) per agency: events held and employees with any. */
export function heldPerAgency(index: Record<string, string>): Map<string, { events: number; employees: number }> {
  const out = new Map<string, { events: number; employees: number }>();
  for (const raw of Object.values(index)) {
    for (const [agency, count] of Object.entries(JSON.parse(raw) as Record<string, number>)) {
      const a = out.get(agency) ?? { events: 0, employees: 0 };
      a.events += count;
      a.employees += 1;
      out.set(agency, a);
    }
  }
  return out;
}

/** The Redis epoch marker the writer started with, and what to do once Redis no longer holds it. */
export interface StateEpoch {
  /** Its id; undefined: states are written without the check. */
  id: () => string | undefined;
  onChanged: () => void;
}

export class StateStore {
  #epoch: StateEpoch | undefined;

  private constructor(
    private readonly redis: Redis,
    private readonly scripts: LuaScripts,
    private readonly prefix: string,
  ) {}

  static async open(redis: Redis, prefix: string): Promise<StateStore> {
    return new StateStore(redis, await LuaScripts.load(redis, LUA_DIR), prefix);
  }

  key(nip: string): string {
    return `${this.prefix}emp:${nip}`;
  }

  /** The held-events index: NIP → `{"<agency>": count}` for every employee with held events. */
  heldKey(): string {
    return heldIndexKey(this.prefix);
  }

  async load(nips: Iterable<string>): Promise<Map<string, Loaded>> {
    const list = [...new Set(nips)];
    const out = new Map<string, Loaded>();
    if (list.length === 0) return out;
    const pipeline = this.redis.pipeline();
    for (const nip of list) pipeline.get(this.key(nip));
    const results = (await pipeline.exec()) ?? [];
    list.forEach((nip, i) => {
      const [err, value] = results[i] ?? [discarded('employee states'), null];
      if (err) throw err;
      if (value === null) {
        out.set(nip, { state: null, w: '0' });
        return;
      }
      const raw = value as string;
      const bar = raw.indexOf('|');
      out.set(nip, { state: decodeState(raw.slice(bar + 1)), w: raw.slice(0, bar) });
    });
    return out;
  }

  /**
   * From now on, states are written only while Redis holds this epoch marker (the scorer's: a Redis
   * that came back empty lost the states its scores build on); a write under another one, or none,
   * writes nothing and throws {@link EpochChangedError} (retriable: the chunk's transaction aborts).
   */
  guardEpoch(epoch: StateEpoch): void {
    this.#epoch = epoch;
  }

  /** Writes each state if nobody wrote it since it was loaded; returns the NIPs that conflicted. */
  async write(entries: readonly { nip: string; state: EmployeeState; w: string }[]): Promise<string[]> {
    const epoch = this.#epoch?.id();
    const results = await Promise.all(
      entries.map((e) =>
        epoch === undefined
          ? this.scripts.run('state-cas', [this.key(e.nip), this.heldKey()], [e.w, encodeState(e.state), e.nip, heldCounts(e.state)])
          : this.scripts.run('state-cas-epoch', [this.key(e.nip), this.heldKey(), epochKey(this.prefix)], [e.w, encodeState(e.state), e.nip, heldCounts(e.state), epoch]),
      ),
    );
    const changed = results.find((r): r is string => typeof r === 'string' && r.startsWith('!'));
    if (epoch !== undefined && changed !== undefined) {
      this.#epoch?.onChanged();
      throw new EpochChangedError(epoch, changed.slice(1));
    }
    return entries.filter((_, i) => results[i] !== 1).map((e) => e.nip);
  }

  /** Every stored NIP, in batches (for `ipasn rescore`). */
  async *scan(count = 1000): AsyncGenerator<string[]> {
    let cursor = '0';
    const strip = this.key('').length;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', this.key('*'), 'COUNT', count);
      cursor = next;
      if (keys.length > 0) yield keys.map((k) => k.slice(strip));
    } while (cursor !== '0');
  }

  /** Whether any employee is stored (a scan that stops at the first key). */
  async hasAny(): Promise<boolean> {
    for await (const batch of this.scan(1000)) if (batch.length > 0) return true;
    return false;
  }
}
