#!/usr/bin/env node
// Regenerates the cross-backend matrix in examples/browser/README.md from a real run: the browser test
// measures cpu and wasm in Node and webgl and webgpu in headless Chromium (golden pass counts, the kernels our
// code dispatches, which of them each backend registers) and, with GENMOD_UPDATE_MATRIX=1, writes the table
// between the markers instead of failing on a difference. Usage: npm run matrix (in examples/browser).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(dir, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', 'test/browser.test.ts'], { cwd: dir, stdio: 'inherit', env: { ...process.env, GENMOD_UPDATE_MATRIX: '1' } });
process.exit(r.status ?? 1);
