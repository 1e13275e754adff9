/**
 * The users file (CONSOLE_USERS_FILE): operators' accounts with scrypt password hashes, and the
 * scripts' bearer tokens stored as SHA-256. Nothing in it can be replayed: a hash is not a password
 * and a token hash is not a token. Written with mode 0600, through a temporary file and a rename,
 * so a reader never sees half a file.
 *
 *   { "version": 1,
 *     "users":  [{ "name": "ani", "role": "operator", "passwordHash": "$scrypt$ln=15,r=8,p=1$<salt b64>$<key b64>" }],
 *     "tokens": [{ "name": "demo-script", "role": "viewer", "tokenHash": "sha256:<hex>" }] }
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { IpasnError } from '@ipasn/errors';
import { z } from '@ipasn/config';

export const ROLES = ['viewer', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** What a request is allowed as: a signed-in user or a token's owner. */
export interface Principal {
  name: string;
  role: Role;
  via: 'session' | 'token';
}

/** Users-file and account errors (the console at start, the console-users CLI). */
export class UsersFileError extends IpasnError {
  override name = 'UsersFileError';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/u;
const HASH = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/u;

export const usersFileSchema = z
  .object({
    version: z.literal(1),
    users: z.array(z.object({ name: z.string().regex(NAME), role: z.enum(ROLES), passwordHash: z.string().regex(HASH, 'expected $scrypt$ln=..,r=..,p=..$<salt>$<key>') }).strict()).default([]),
    tokens: z.array(z.object({ name: z.string().regex(NAME), role: z.enum(ROLES), tokenHash: z.string().regex(/^sha256:[0-9a-f]{64}$/u, 'expected sha256:<64 hex>') }).strict()).default([]),
  })
  .strict()
  .superRefine((f, ctx) => {
    for (const list of ['users', 'tokens'] as const) {
      const names = f[list].map((u) => u.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined) ctx.addIssue({ code: 'custom', path: [list], message: `${dup} is listed twice` });
    }
  });
export type UsersFile = z.infer<typeof usersFileSchema>;

export const emptyUsersFile = (): UsersFile => ({ version: 1, users: [], tokens: [] });

export function isValidName(name: string): boolean {
  return NAME.test(name);
}

export function parseUsersFile(text: string, path: string): UsersFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsersFileError('CONSOLE_USERS_FILE_INVALID', `${path} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const r = usersFileSchema.safeParse(json);
  if (!r.success) {
    throw new UsersFileError('CONSOLE_USERS_FILE_INVALID', `${path}: ${r.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`, { cause: r.error });
  }
  return r.data;
}

export function readUsersFile(path: string): UsersFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsersFileError('CONSOLE_USERS_FILE_INVALID', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseUsersFile(text, path);
}

/** Writes the whole file, mode 0600, atomically (temp file + rename in the same folder). */
export function writeUsersFile(path: string, file: UsersFile): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(usersFileSchema.parse(file), null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

// --- passwords: scrypt (node:crypto), RFC 7914 parameters in the hash string ---------------------

/** N = 2^15, r = 8, p = 1: ~32 MiB and ~0.1 s per check, OWASP's scrypt minimum or above. */
export const SCRYPT_DEFAULTS = { ln: 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

function scrypt(password: string, salt: Buffer, keylen: number, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, keylen, o, (err, key) => (err ? reject(err) : resolve(key))));
}

const scryptOptions = (ln: number, r: number, p: number): ScryptOptions => ({ N: 2 ** ln, r, p, maxmem: 256 * 2 ** ln * r + 1024 * 1024 });

export async function hashPassword(password: string, params: { ln: number; r: number; p: number } = SCRYPT_DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_BYTES, scryptOptions(params.ln, params.r, params.p));
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Constant-time comparison of the derived key; false for a malformed hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = HASH.exec(hash);
  if (!m) return false;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Bounds keep a tampered file from making a check cost minutes or gigabytes.
  if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  if (expected.length < 16) return false;
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64'), expected.length, scryptOptions(ln, r, p));
  return timingSafeEqual(key, expected);
}

/** A hash of a random password nobody has: checked when the name is unknown, so both cost the same. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword(randomBytes(18).toString('base64url')));
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

// --- bearer tokens: 256 random bits, stored as SHA-256 ---------------------------------------------

export const TOKEN_PREFIX = 'ipasnc_';

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/**
 * The users file as the console sees it: re-read when its modification time or size changes, so
 * `console-users add/remove` takes effect at the next request. A file that turns invalid keeps the
 * last good version in force (and `onError` says why).
 */
export class UserDirectory {
  #file: UsersFile;
  #stamp: string;

  constructor(
    readonly path: string,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.#stamp = this.#stat();
    this.#file = readUsersFile(path);
  }

  #stat(): string {
    try {
      const s = statSync(this.path);
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch {
      return 'missing';
    }
  }

  /** Permission bits of the file (0600 expected). */
  mode(): number {
    return statSync(this.path).mode & 0o777;
  }

  current(): UsersFile {
    const stamp = this.#stat();
    if (stamp !== this.#stamp) {
      this.#stamp = stamp;
      try {
        this.#file = readUsersFile(this.path);
      } catch (err) {
        this.onError(err);
      }
    }
    return this.#file;
  }

  user(name: string): { name: string; role: Role; passwordHash: string } | undefined {
    return this.current().users.find((u) => u.name === name);
  }

  /** The password's owner, or null; an unknown name costs as much as a wrong password. */
  async authenticate(name: string, password: string): Promise<{ name: string; role: Role } | null> {
    const u = this.user(name);
    const ok = await verifyPassword(password, u?.passwordHash ?? (await decoyHash()));
    return u && ok ? { name: u.name, role: u.role } : null;
  }

  /** The token's owner, or null. Every stored hash is compared in constant time. */
  token(token: string): { name: string; role: Role } | null {
    const got = Buffer.from(tokenHash(token));
    let found: { name: string; role: Role } | null = null;
    for (const t of this.current().tokens) {
      const want = Buffer.from(t.tokenHash);
      if (want.length === got.length && timingSafeEqual(want, got)) found = { name: t.name, role: t.role };
    }
    return found;
  }
}
