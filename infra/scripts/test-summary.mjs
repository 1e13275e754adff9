// Sums the vitest JSON reports of every package into one closing line, "N passed, N failed",
// and fails when a package reported nothing (a test run that ran no test is not a pass).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
// Each failed test with the head of its message: the closing lines are what a CI log keeps.
const failures = [];
// Folders of packages, and single packages (a workspace that is itself the folder).
const SINGLE = new Set(['test', 'infra/observability']);
for (const group of ['packages', 'services', 'examples', 'test', 'infra/observability']) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  const pkgs = SINGLE.has(group) ? [''] : readdirSync(dir);
  for (const pkg of pkgs) {
    const pkgDir = join(dir, pkg);
    if (!existsSync(join(pkgDir, 'package.json'))) continue;
    const file = join(pkgDir, '.vitest', 'results.json');
    if (!existsSync(file)) {
      missing.push(`${group}/${pkg}`);
      continue;
    }
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numFailedTestSuites ?? 0);
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`  ${group}/${pkg}`.padEnd(34) + `${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    for (const file of r.testResults ?? []) {
      const where = `${group}/${pkg}${pkg ? '/' : ''}${file.name.slice(pkgDir.length + 1)}`;
      const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
      for (const a of failed) failures.push({ where, name: a.fullName ?? a.title, message: (a.failureMessages ?? []).join('\n') });
      // A file that failed before any test ran (an import error, a hook timeout) has only a message.
      if (failed.length === 0 && file.status === 'failed') failures.push({ where, name: '(the file itself)', message: file.message ?? '' });
    }
  }
}
for (const f of failures) {
  console.log(`FAILED ${f.where} › ${f.name}`);
  const lines = f.message.split('\n').filter((l) => l.trim() !== '').slice(0, 40);
  for (const l of lines) console.log(`    ${l.slice(0, 300)}`);
}
if (missing.length > 0) console.log(`  no test report from: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
