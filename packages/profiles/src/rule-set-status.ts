/**
 * Which rule sets are fully computed for the stored employees (ipasn-rules.md, "Rule sets are
 * data"; docs/runbooks.md, "Add a rule set"). A scorer scores every rule set of its list on every
 * change, but an employee nobody touched since a rule set (or a new `version` of one) entered the
 * list has no score under it until `ipasn rescore --rules <id>` fills it in. Two Redis hashes:
 *
 * - `<prefix>rulesets:scored`    id → the version every stored employee has been scored under;
 * - `<prefix>rulesets:computing` id → JSON `Computing`: the rule set is being computed (the
 *   console marks it so) until a full rescore run of it completes.
 *
 * A scorer calls `notice` at start; `ipasn rescore` calls `startRun`; the scorer that closes the
 * run calls `runCompleted`.
 */
import type { Redis } from '@ipasn/redis';

export interface Computing {
  version: string;
  /** `new`: never scored for the stored employees; `version`: scored under another version; `rescore`: a run was requested. */
  reason: 'new' | 'version' | 'rescore';
  since: string;
  /** The rescore run filling it in, once one was started. */
  runToken?: string;
}

export interface RuleSetStatusView {
  scored: Record<string, string>;
  computing: Record<string, Computing>;
}

export class RuleSetStatus {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get scoredKey(): string {
    return `${this.prefix}rulesets:scored`;
  }

  get computingKey(): string {
    return `${this.prefix}rulesets:computing`;
  }

  async read(): Promise<RuleSetStatusView> {
    const [scored, computing] = await Promise.all([this.redis.hgetall(this.scoredKey), this.redis.hgetall(this.computingKey)]);
    const parsed: Record<string, Computing> = {};
    for (const [id, raw] of Object.entries(computing)) {
      try {
        parsed[id] = JSON.parse(raw) as Computing;
      } catch {
        parsed[id] = { version: '?', reason: 'rescore', since: '' };
      }
    }
    return { scored, computing: parsed };
  }

  /**
   * A scorer's start with the list in force (`versions`: id → version). With no employee stored
   * there is nothing to fill in: every rule set is scored. Otherwise a rule set whose scored
   * version differs (or is absent) is marked computing (kept if already marked). Returns those.
   */
  async notice(versions: Readonly<Record<string, string>>, o: { hasStoredEmployees: boolean; now: Date }): Promise<{ id: string; version: string; reason: Computing['reason'] }[]> {
    const { scored, computing } = await this.read();
    const out: { id: string; version: string; reason: Computing['reason'] }[] = [];
    for (const [id, version] of Object.entries(versions)) {
      if (scored[id] === version) continue;
      if (!o.hasStoredEmployees) {
        await this.redis.hset(this.scoredKey, id, version);
        continue;
      }
      const reason = scored[id] === undefined ? 'new' : 'version';
      const current = computing[id];
      if (current?.version !== version) {
        const entry: Computing = { version, reason, since: o.now.toISOString() };
        if (current?.runToken !== undefined) entry.runToken = current.runToken;
        await this.redis.hset(this.computingKey, id, JSON.stringify(entry));
      }
      out.push({ id, version, reason });
    }
    return out;
  }

  /** `ipasn rescore` over every employee started: each rule set is being computed by this run. */
  async startRun(ids: readonly string[], runToken: string, now: Date): Promise<void> {
    const { computing } = await this.read();
    for (const id of ids) {
      const current = computing[id];
      const entry: Computing = { version: current?.version ?? '?', reason: current?.reason ?? 'rescore', since: current?.since ?? now.toISOString(), runToken };
      await this.redis.hset(this.computingKey, id, JSON.stringify(entry));
    }
  }

  /**
   * A rescore run over every employee completed under `versions` (id → version the chunks used):
   * each rule set is scored at that version, and no longer computing unless a later run (another
   * token) or a newer version took it over meanwhile.
   */
  async runCompleted(versions: Readonly<Record<string, string>>, runToken: string): Promise<void> {
    const { computing } = await this.read();
    for (const [id, version] of Object.entries(versions)) {
      await this.redis.hset(this.scoredKey, id, version);
      const current = computing[id];
      if (current === undefined) continue;
      const sameRun = current.runToken === undefined || current.runToken === runToken;
      if (sameRun && (current.version === version || current.version === '?')) await this.redis.hdel(this.computingKey, id);
    }
  }
}
