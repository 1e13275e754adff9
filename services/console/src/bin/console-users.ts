#!/usr/bin/env node
// The console-users CLI (src/cli/console-users.ts): manages CONSOLE_USERS_FILE.
import { readStdin, run } from '../cli/console-users.js';

process.exitCode = await run(process.argv.slice(2), {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  stdin: readStdin,
  env: process.env,
});
