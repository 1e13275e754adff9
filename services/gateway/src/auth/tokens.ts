/**
 * The agencies' API tokens, as the gateway knows them: SHA-256 hashes only, read from the token
 * database that infra/scripts/gateway-tokens.sh writes (docs/security.md, "Gateway API tokens"):
 *
 *   <code> <id> <sha256 hex of the token> <issued ISO> <revoked ISO or ->
 *
 * A token is `ipasn_<code>_<id>_<48 hex>`: the code and id find the line, the hash is compared in
 * constant time. The file is re-read when its modification time changes (looked at most every
 * `reloadMs`), so issuing and revoking need no restart; a file that cannot be read or parsed keeps
 * the last good set (and is logged), never opens the door.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Logger } from '@ipasn/logger';

const TOKEN = /^ipasn_([0-9A-Z]{4})_([0-9a-f]{8})_[0-9a-f]{48}$/u;
const LINE = /^([0-9A-Z]{4}) ([0-9a-f]{8}) ([0-9a-f]{64}) (\S+) (\S+)$/u;

export interface TokenEntry {
  agency: string;
  id: string;
  sha256: Buffer;
  revoked: boolean;
}

/** Pure: the database's lines → entries by `<code>_<id>`. Throws on a malformed line (with its number). */
export function parseTokenFile(text: string): Map<string, TokenEntry> {
  const out = new Map<string, TokenEntry>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = LINE.exec(line);
    if (!m) throw new Error(`line ${i + 1} is not "<code> <id> <sha256> <issued> <revoked|->"`);
    const [, agency, id, hash, , revoked] = m as unknown as [string, string, string, string, string, string];
    out.set(`${agency}_${id}`, { agency, id, sha256: Buffer.from(hash, 'hex'), revoked: revoked !== '-' });
  });
  return out;
}

export function sha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Pure: the agency a presented token authenticates, or null. */
export function verifyToken(entries: ReadonlyMap<string, TokenEntry>, token: string): string | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const entry = entries.get(`${m[1]}_${m[2]}`);
  if (!entry || entry.revoked) return null;
  return timingSafeEqual(entry.sha256, sha256(token)) ? entry.agency : null;
}

export class TokenStore {
  #entries = new Map<string, TokenEntry>();
  #mtimeMs = -1;
  #checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly file: string,
    private readonly reloadMs: number,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Reads the file at start: a missing or malformed database is a start failure, not an empty door. */
  load(): this {
    this.#entries = parseTokenFile(readFileSync(this.file, 'utf8'));
    this.#mtimeMs = statSync(this.file).mtimeMs;
    this.#checkedAt = this.clock();
    return this;
  }

  get size(): number {
    return [...this.#entries.values()].filter((e) => !e.revoked).length;
  }

  /** The agency of a bearer token, or null (unknown, revoked, malformed). */
  agencyOf(token: string): string | null {
    this.#maybeReload();
    return verifyToken(this.#entries, token);
  }

  #maybeReload(): void {
    const now = this.clock();
    if (now - this.#checkedAt < this.reloadMs) return;
    this.#checkedAt = now;
    try {
      const mtime = statSync(this.file).mtimeMs;
      if (mtime === this.#mtimeMs) return;
      this.#entries = parseTokenFile(readFileSync(this.file, 'utf8'));
      this.#mtimeMs = mtime;
      this.logger.info({ active: this.size }, 'token database reloaded');
    } catch (err) {
      this.logger.error({ err, file: this.file }, 'token database unreadable: keeping the last good one');
    }
  }
}
