#!/usr/bin/env node
// The whole test command (run by `npm test` after the install): builds, type-checks, lints and tests every
// workspace package through turbo, runs the house-rules check when ../shared is there, then adds up the
// vitest JSON reports and prints the plain closing line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
const workspaceDirs = ['packages', 'tooling', 'examples']
  .flatMap((d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).map((n) => join(root, d, n)) : []))
  .concat([join(root, 'bench')])
  .filter((d) => existsSync(join(d, 'package.json')));

// Reports from an earlier run must not be counted again (turbo restores them on a cache hit).
const reports = (d) => readdirSync(d).filter((f) => /^test-results.*\.json$/.test(f)).map((f) => join(d, f));
for (const d of workspaceDirs) for (const f of reports(d)) rmSync(f, { force: true });

// The browser tests (examples/browser and the other headless-Chromium checks) need Debian's Chromium. Install it
// when it is missing and this machine can (root with apt-get, as on CI); otherwise the browser tests are skipped,
// and this says so loudly at the start and at the end.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let browserSkipped = '';
if (!existsSync(chromium) && !process.env.CHROMIUM_PATH && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  console.log(`No Chromium at ${chromium}: installing Debian's chromium for the browser tests (apt-get) ...`);
  const apt = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (apt(['update', '-qq']).status === 0) apt(['install', '-y', '-qq', 'chromium']);
}
if (!existsSync(chromium)) {
  browserSkipped = `BROWSER TESTS SKIPPED: no Chromium at ${chromium}, and it could not be installed here (as root: apt-get install -y chromium; or set CHROMIUM_PATH)`;
  env.GENMOD_BROWSER_TESTS = 'skip';
  console.warn(`\n${'!'.repeat(100)}\n${browserSkipped}\n${'!'.repeat(100)}\n`);
}

const turbo = spawnSync('turbo', ['run', 'build', 'typecheck', 'lint', 'test', '--continue', '--concurrency=2', ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
let failedSteps = turbo.status === 0 ? 0 : 1;

const conventions = join(root, '..', 'shared', 'checks', 'conventions.mjs');
let conventionsFailed = 0;
if (existsSync(conventions)) {
  const r = spawnSync(process.execPath, [conventions], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) conventionsFailed = 1;
}

let passed = 0;
let failed = 0;
let skipped = 0;
const perPackage = [];
for (const d of workspaceDirs) for (const f of reports(d)) {
  const r = JSON.parse(readFileSync(f, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  perPackage.push(`  ${f.slice(root.length + 1).padEnd(48)} ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
}
console.log('\nTests by workspace package:');
console.log(perPackage.join('\n'));
if (failedSteps) console.log('turbo: a build, typecheck, lint or test task failed (see above)');
if (conventionsFailed) console.log('conventions: the house-rules check failed (see above)');
// A failed build/typecheck/lint step or house-rules check counts as one failure each.
failed += failedSteps && failed === 0 ? 1 : 0;
failed += conventionsFailed;
if (passed === 0 && failed === 0) failed = 1; // no test ran: that is a failure, not a pass
if (browserSkipped) console.warn(`\n${browserSkipped}\n`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
