/**
 * The Redis epoch marker (docs/reliability.md, "Redis that comes back empty or behind"): one hash,
 * `<prefix>epoch`, that says which generation of derived state the namespace's Redis holds.
 *
 *   id         a random id, new at every `ipasn rebuild` and at the first start on an empty namespace
 *   createdAt  ISO time it was written
 *   by         `rebuild` or `first-start`
 *   events     what the state reflected when it was written: ipasn.events messages replayed (rebuild), 0 (first start)
 *   scores     ipasn.scores.latest messages applied (rebuild), 0 (first start)
 *
 * Redis holds derived state only; the scorer's and projector's Kafka offsets say how much of it
 * should be there. A namespace whose marker is gone while their consumer groups have committed
 * offsets lost its Redis (a restart without its AOF, a flush, an empty replica promoted); a marker
 * that is not the one a running service started with was replaced under it (a rebuild, or a
 * replica of another generation). Either way consuming on would write on top of state that is
 * short: the services stop and wait for `ipasn rebuild` ({@link EpochGuard}).
 */
import { randomUUID } from 'node:crypto';
import { IpasnError } from '@ipasn/errors';
import type { Redis } from 'ioredis';
import { findBehind, type AppliedOffsets, type BehindProblem } from './applied.js';
import { epochKey } from './epoch-key.js';

export interface Epoch {
  id: string;
  /** ISO time; '' when the writer died between the id and the rest. */
  createdAt: string;
  /** `rebuild` or `first-start`. */
  by: string;
  /** Watermark: ipasn.events messages the state reflected when the marker was written. */
  events: number;
  /** Watermark: ipasn.scores.latest messages the aggregates reflected when the marker was written. */
  scores: number;
}

export { epochKey };

function parse(hash: Record<string, string>): Epoch | null {
  const id = hash['id'];
  if (id === undefined || id === '') return null;
  return { id, createdAt: hash['createdAt'] ?? '', by: hash['by'] ?? '', events: Number(hash['events'] ?? 0), scores: Number(hash['scores'] ?? 0) };
}

/** The namespace's marker, or null when there is none. */
export async function readEpoch(redis: Redis, prefix: string): Promise<Epoch | null> {
  return parse(await redis.hgetall(epochKey(prefix)));
}

/** Replaces the marker with a new generation (`ipasn rebuild`, once the state is rebuilt). */
export async function writeEpoch(redis: Redis, prefix: string, watermark: { by: string; events: number; scores: number }, now = new Date()): Promise<Epoch> {
  const epoch: Epoch = { id: randomUUID(), createdAt: now.toISOString(), ...watermark };
  const key = epochKey(prefix);
  await redis.multi().del(key).hset(key, { id: epoch.id, createdAt: epoch.createdAt, by: epoch.by, events: epoch.events, scores: epoch.scores }).exec();
  return epoch;
}

/**
 * The first start on an empty namespace: writes a marker unless one exists (HSETNX on `id`, so the
 * scorer and the projector starting together agree on one), and returns the one in force.
 */
export async function createEpochIfAbsent(redis: Redis, prefix: string, now = new Date()): Promise<Epoch> {
  const key = epochKey(prefix);
  const id = randomUUID();
  if ((await redis.hsetnx(key, 'id', id)) === 1) {
    await redis.hset(key, { createdAt: now.toISOString(), by: 'first-start', events: 0, scores: 0 });
  }
  const epoch = await readEpoch(redis, prefix);
  // Deleted between the two commands: someone is flushing the namespace right now.
  return epoch ?? { id, createdAt: now.toISOString(), by: 'first-start', events: 0, scores: 0 };
}

/** Why a service stopped: its marker is gone, or another generation's is there, or Redis is behind its group's committed offsets (applied.ts). */
export type EpochProblem = { kind: 'missing'; expected: string | null } | { kind: 'changed'; expected: string; found: Epoch } | BehindProblem;

export interface EpochGuardOptions {
  redis: Redis;
  prefix: string;
  /** Whether the service's consumer group has committed offsets (Kafka says state should exist). */
  groupHasOffsets: () => Promise<boolean>;
  /** Called once, at the first problem: stop consuming (the guard stays failed until a restart). */
  onProblem: (problem: EpochProblem) => void | Promise<void>;
  /** Period of the check, ms; default 10 s. Also checked at every reconnection. */
  intervalMs?: number;
  /** A failed check (Redis down, Kafka down): logged by the caller, retried at the next period. */
  onCheckError?: (err: unknown) => void;
  /**
   * The group's committed offsets of its input partitions (offset -1: none). With it, each check
   * also compares them with the applied offsets Redis holds (applied.ts `findBehind`): Redis that
   * came back behind in the same generation.
   */
  committedOffsets?: () => Promise<readonly { topic: string; partition: number; offset: string }[]>;
  /** The service's applied-offset writer, used by {@link EpochGuard.beforeCommit}. */
  applied?: AppliedOffsets;
}

/**
 * Checks the marker at start ({@link start}: adopts the one in force, or writes the first one when
 * the namespace is new), then every `intervalMs` and whenever the connection is ready again. Its
 * `problem` is null while the marker is the one it started with.
 */
export class EpochGuard {
  readonly #o: EpochGuardOptions;
  #epoch: Epoch | null = null;
  #problem: EpochProblem | null = null;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<void> | undefined;
  readonly #onReady = (): void => void this.check();

  constructor(options: EpochGuardOptions) {
    this.#o = options;
  }

  /** The marker the service started with (null before start, or when it started with none). */
  get epoch(): Epoch | null {
    return this.#epoch;
  }

  get problem(): EpochProblem | null {
    return this.#problem;
  }

  get ok(): boolean {
    return this.#problem === null;
  }

  /** Readiness `redis-epoch`: the marker is the one the service started with. */
  get epochOk(): boolean {
    return this.#problem === null || this.#problem.kind === 'behind';
  }

  /** Readiness `redis-behind`: Redis was not found behind the group's committed offsets. */
  get behindOk(): boolean {
    return this.#problem?.kind !== 'behind';
  }

  /**
   * The service's hook before every Kafka commit of an input offset (a chunk's transaction, the
   * consumer's commit, a commit past transaction markers): records the applied offset in Redis
   * first. Throws a retriable `REDIS_BEHIND` (nothing is committed) when the guard has found Redis
   * behind, or when this very record finds it (the guard then fails: the service stops consuming).
   */
  beforeCommit = async (topic: string, partition: number, nextOffset: string): Promise<void> => {
    if (!this.#o.applied) return;
    let problem: EpochProblem | null = this.#problem;
    if (!problem) {
      const found = await this.#o.applied.record(topic, partition, nextOffset, this.#epoch?.id ?? '');
      // The marker gone or replaced under this chunk: classified as the periodic check would.
      if (found?.kind === 'epoch-lost') {
        const now = await readEpoch(this.#o.redis, this.#o.prefix);
        problem = now ? { kind: 'changed', expected: this.#epoch?.id ?? '', found: now } : { kind: 'missing', expected: this.#epoch?.id ?? null };
      } else problem = found;
    }
    if (!problem) return;
    // Not awaited: the failure stops the consumer, which waits for the chunk calling this hook.
    void this.#fail(problem);
    if (problem.kind === 'behind') throw new IpasnError('REDIS_BEHIND', `Redis is behind on ${topic} partition ${partition} (applied ${problem.applied}, expected at least ${problem.committed}): not committing`, { retriable: true });
    throw new IpasnError('REDIS_BEHIND', `Redis lost its epoch marker (${problem.kind}) under a chunk of ${topic} partition ${partition}: not committing`, { retriable: true });
  };

  /**
   * The start check: a marker in force is adopted; none on a namespace whose group never committed
   * is a first start (a marker is written); none while the group has committed offsets is a
   * problem. Then the periodic and on-reconnect checks begin.
   */
  async start(): Promise<EpochProblem | null> {
    const found = await readEpoch(this.#o.redis, this.#o.prefix);
    if (found) this.#epoch = found;
    else if (await this.#o.groupHasOffsets()) await this.#fail({ kind: 'missing', expected: null });
    else this.#epoch = await createEpochIfAbsent(this.#o.redis, this.#o.prefix);
    if (!this.#problem) {
      const behind = await this.#behind();
      if (behind) await this.#fail(behind);
    }
    this.#timer = setInterval(() => void this.check(), this.#o.intervalMs ?? 10_000);
    this.#timer.unref();
    this.#o.redis.on('ready', this.#onReady);
    return this.#problem;
  }

  /** One check now (periodic, on reconnect, or a test); concurrent calls share one. */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(): Promise<void> {
    if (this.#problem || !this.#epoch) return;
    try {
      const found = await readEpoch(this.#o.redis, this.#o.prefix);
      if (!found) await this.#fail({ kind: 'missing', expected: this.#epoch.id });
      else if (found.id !== this.#epoch.id) await this.#fail({ kind: 'changed', expected: this.#epoch.id, found });
      else {
        const behind = await this.#behind();
        if (behind) await this.#fail(behind);
      }
    } catch (err) {
      this.#o.onCheckError?.(err);
    }
  }

  /** Kafka's committed offsets first, then Redis's applied ones (findBehind says why). */
  async #behind(): Promise<BehindProblem | null> {
    if (!this.#o.committedOffsets) return null;
    const committed = await this.#o.committedOffsets();
    return findBehind(this.#o.redis, this.#o.prefix, committed);
  }

  async #fail(problem: EpochProblem): Promise<void> {
    if (this.#problem) return;
    this.#problem = problem;
    this.stop();
    await this.#o.onProblem(problem);
  }

  /** Ends the periodic and on-reconnect checks. */
  stop(): void {
    clearInterval(this.#timer);
    this.#o.redis.off('ready', this.#onReady);
  }
}
