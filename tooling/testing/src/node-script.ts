/**
 * A TypeScript script of a package run in a fresh Node process: for what a test process cannot do twice, such
 * as starting a tfjs backend with other settings (tests share one engine per worker). esbuild bundles the
 * script with `@genmod/<self>` taken from src/ (as the README .mjs runs do), every other bare import left to
 * Node's resolution from the package's node_modules.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { nodeBundle } from './readme-mjs.js';

const run = promisify(execFile);

/**
 * Bundles `script` (a path inside the package at `pkgDir`) to node_modules/.cache/node-script/, runs it with
 * `node` and the given arguments, and returns its stdout. Throws with the child's stderr on a non-zero exit.
 */
export async function runScriptInNode(pkgDir: string, script: string, args: readonly string[] = [], timeoutMs = 120_000): Promise<string> {
  const selfName = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string }).name;
  const dir = join(pkgDir, 'node_modules', '.cache', 'node-script');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${basename(script).replace(/\.ts$/, '')}.mjs`);
  await build({ ...nodeBundle(pkgDir, selfName, outfile), entryPoints: [join(pkgDir, script)] });
  try {
    const { stdout } = await run(process.execPath, [outfile, ...args], { cwd: pkgDir, timeout: timeoutMs, maxBuffer: 16 << 20 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${script} ${args.join(' ')} failed under node: ${err.stderr?.trim() || err.message}`);
  }
}
