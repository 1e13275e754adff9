#!/usr/bin/env node
// The `ipasn` command as npm links it (node_modules/.bin/ipasn, so `npx ipasn` works from the
// repository root). This file is committed, not built, so that `npm ci` can link it before the
// first build. It runs the built CLI on Node.js 24 or newer: when the shell's `node` is older, it
// re-runs itself with the Node.js that `npm test` / `npm run demo` unpacked into the cache
// (version in .nvmrc), so a user's own shell needs no PATH change.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const version = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
  const cache = process.env.IPASN_CACHE_DIR ?? join(homedir(), '.cache', 'ipasn');
  const node = join(cache, `node-v${version}`, 'bin', 'node');
  if (!existsSync(node)) {
    process.stderr.write(`ipasn: needs Node.js 24 or newer (this is ${process.version}); run \`npm test\` or \`npm run demo\` once (they fetch Node.js ${version} into ${cache}), or install Node.js 24\n`);
    process.exit(2);
  }
  const r = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const cli = new URL('../dist/bin/ipasn.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('ipasn: the CLI is not built yet: run `npm run build` (or `npm test` / `npm run demo`) first\n');
  process.exit(2);
}
await import(cli.href);
