/**
 * Sign-in sessions in Redis, under the console's own prefix (the console's ACL user may write
 * there): `<REDIS_PREFIX>console:session:<sha256(token)>` → `{ name, role, createdAt }` with a TTL.
 * The cookie carries the random token (signed by @fastify/cookie); Redis holds only its hash, so a
 * read of Redis does not yield a usable session. Every console instance sees the same sessions.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from '@ipasn/redis';
import { consoleKey } from '../stale.js';
import type { Role } from './users.js';

export interface Session {
  name: string;
  role: Role;
  createdAt: number;
}

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  key(token: string): string {
    return consoleKey(this.prefix, `session:${createHash('sha256').update(token, 'utf8').digest('hex')}`);
  }

  /** A new session; returns the token to put in the cookie. */
  async create(user: { name: string; role: Role }): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const session: Session = { name: user.name, role: user.role, createdAt: this.clock() };
    await this.redis.set(this.key(token), JSON.stringify(session), 'PX', this.ttlMs);
    return token;
  }

  async get(token: string): Promise<Session | null> {
    const raw = await this.redis.get(this.key(token));
    return raw === null ? null : (JSON.parse(raw) as Session);
  }

  async destroy(token: string): Promise<void> {
    await this.redis.del(this.key(token));
  }
}
