/**
 * console-users: manages the console's users file (CONSOLE_USERS_FILE): operators' accounts
 * (scrypt password hashes) and scripts' bearer tokens (SHA-256). A generated password or token is
 * printed once and stored only as a hash. Scriptable: `--json` prints one JSON object.
 *
 *   console-users add ani --role operator            # prints a generated password once
 *   printf %s "$PW" | console-users add ani --role viewer --password-stdin
 *   console-users token demo-script --role viewer    # prints a bearer token once
 *   console-users remove ani
 *   console-users list [--json]
 *
 * Exit codes: 0 done, 1 the file cannot be read or written, 2 wrong usage (unknown name, name taken, …).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { IpasnError } from '@ipasn/errors';
import {
  emptyUsersFile,
  generatePassword,
  generateToken,
  hashPassword,
  isValidName,
  readUsersFile,
  ROLES,
  tokenHash,
  UsersFileError,
  writeUsersFile,
  type Role,
  type UsersFile,
} from '../auth/users.js';

const MIN_PASSWORD = 12;

export interface Io {
  out(line: string): void;
  err(line: string): void;
  stdin(): Promise<string>;
  env: Record<string, string | undefined>;
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const usage = (message: string) => new UsersFileError('CONSOLE_USERS_USAGE', message);

function load(path: string, create: boolean): UsersFile {
  if (!existsSync(path)) {
    if (create) return emptyUsersFile();
    throw new UsersFileError('CONSOLE_USERS_FILE_INVALID', `${path} does not exist (add a user first)`);
  }
  return readUsersFile(path);
}

function save(path: string, file: UsersFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeUsersFile(path, file);
}

function checkName(name: string): void {
  if (!isValidName(name)) throw usage(`name ${JSON.stringify(name)}: 1–64 of A–Z a–z 0–9 . _ @ -, starting with a letter or digit`);
}

export function program(io: Io): Command {
  const roleOption = () => new Option('--role <role>', 'viewer (reads, rejects masked) or operator (also redrives, sees rejects in full)').choices(ROLES).makeOptionMandatory();
  const cmd = new Command('console-users')
    .description("Manage the console's users file: accounts (scrypt hashes) and bearer tokens (SHA-256)")
    .option('--file <path>', 'the users file (default: $CONSOLE_USERS_FILE)')
    .option('--json', 'print one JSON object')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/u, '')), writeErr: (s) => io.err(s.replace(/\n$/u, '')) });
  const globals = () => {
    const o = cmd.opts<{ file?: string; json?: boolean }>();
    const file = o.file ?? io.env['CONSOLE_USERS_FILE'];
    if (!file) throw usage('say which file: --file <path> or CONSOLE_USERS_FILE');
    return { file, json: o.json === true };
  };

  cmd
    .command('add <name>')
    .description('add an account; prints a generated password once unless --password-stdin')
    .addOption(roleOption())
    .option('--password-stdin', `read the password from standard input (at least ${MIN_PASSWORD} characters)`)
    .option('--replace', 'replace an existing account of that name (new password and role)')
    .action(async (name: string, o: { role: Role; passwordStdin?: boolean; replace?: boolean }) => {
      const { file, json } = globals();
      checkName(name);
      const f = load(file, true);
      if (f.users.some((u) => u.name === name) && !o.replace) throw usage(`${name} exists: --replace to reset it`);
      const given = o.passwordStdin ? (await io.stdin()).replace(/\r?\n$/u, '') : undefined;
      if (given !== undefined && given.length < MIN_PASSWORD) throw usage(`the password needs at least ${MIN_PASSWORD} characters`);
      const password = given ?? generatePassword();
      const entry = { name, role: o.role, passwordHash: await hashPassword(password) };
      save(file, { ...f, users: [...f.users.filter((u) => u.name !== name), entry] });
      if (json) io.out(JSON.stringify({ name, role: o.role, file, ...(given === undefined ? { password } : {}) }));
      else {
        io.out(`${o.replace ? 'reset' : 'added'} ${o.role} ${name} in ${file}`);
        if (given === undefined) io.out(`password: ${password}    (shown once; only its hash is stored)`);
      }
    });

  cmd
    .command('token <name>')
    .description('create a bearer token for a script; prints it once')
    .addOption(roleOption())
    .option('--replace', 'replace an existing token of that name')
    .action((name: string, o: { role: Role; replace?: boolean }) => {
      const { file, json } = globals();
      checkName(name);
      const f = load(file, true);
      if (f.tokens.some((t) => t.name === name) && !o.replace) throw usage(`a token ${name} exists: --replace to issue a new one`);
      const token = generateToken();
      save(file, { ...f, tokens: [...f.tokens.filter((t) => t.name !== name), { name, role: o.role, tokenHash: tokenHash(token) }] });
      if (json) io.out(JSON.stringify({ name, role: o.role, file, token }));
      else {
        io.out(`token ${name} (${o.role}) in ${file}`);
        io.out(`token: ${token}    (shown once; send as "Authorization: Bearer <token>")`);
      }
    });

  cmd
    .command('remove <name>')
    .description('remove the account and the token of that name (their sessions end at the next request)')
    .action((name: string) => {
      const { file, json } = globals();
      const f = load(file, false);
      const users = f.users.filter((u) => u.name !== name);
      const tokens = f.tokens.filter((t) => t.name !== name);
      const removed = f.users.length - users.length + (f.tokens.length - tokens.length);
      if (removed === 0) throw usage(`no account or token named ${name} in ${file}`);
      save(file, { ...f, users, tokens });
      io.out(json ? JSON.stringify({ name, removed }) : `removed ${name} (${removed} entr${removed === 1 ? 'y' : 'ies'})`);
    });

  cmd
    .command('list')
    .description('names and roles (never hashes)')
    .action(() => {
      const { file, json } = globals();
      const f = load(file, false);
      const rows = [...f.users.map((u) => ({ name: u.name, role: u.role, kind: 'user' })), ...f.tokens.map((t) => ({ name: t.name, role: t.role, kind: 'token' }))];
      if (json) io.out(JSON.stringify({ file, entries: rows }));
      else for (const r of rows) io.out(`${r.kind.padEnd(5)}  ${r.role.padEnd(8)}  ${r.name}`);
    });

  return cmd;
}

/** Runs the CLI; returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    await program(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof IpasnError) {
      io.err(`console-users: ${err.message}`);
      return err.code === 'CONSOLE_USERS_USAGE' ? 2 : 1;
    }
    io.err(`console-users: ${(err as Error).message}`);
    return 1;
  }
}
