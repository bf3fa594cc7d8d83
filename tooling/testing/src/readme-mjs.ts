/**
 * README examples as plain JavaScript: each ```ts block of a package's README, type-stripped with
 * TypeScript's `transpileModule` (ESM, ES2022) — what a user gets by deleting the annotations — run by
 * `node` in a child process as an `.mjs` file. @tensorflow/tfjs and sibling @genmod packages (their dist)
 * resolve through Node's own ESM resolution from the package's node_modules, so an import that only works
 * under Vite (an extensionless deep import, a private package) fails here as it would for a user.
 *
 * The package itself comes from its source: turbo may run this test while the package's own build is
 * rewriting dist/, so esbuild bundles the stripped example with `@genmod/<self>` (and the private helpers it
 * inlines) taken from src/, leaving every other bare import to Node.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deserialize } from 'node:v8';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import ts from 'typescript';

const run = promisify(execFile);

/** The ```ts blocks of `readme`, in order (the same blocks scripts/readme-examples.mjs writes as example-N.ts). */
export function readmeBlocks(readme: string): string[] {
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** A README block with its types stripped: TypeScript's `transpileModule` to ESM / ES2022. */
export function stripTypes(code: string, fileName = 'example.ts'): string {
  const out = ts.transpileModule(code, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) throw new Error(`${fileName}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`);
  return out.outputText;
}

/** Bare imports the bundle takes from source: the package itself (and its subpaths) and @genmod-internal/*. */
function fromSource(pkgDir: string, selfName: string): Plugin {
  const require = createRequire(join(pkgDir, 'package.json'));
  const self = new RegExp(`^${selfName.replace(/[/.]/g, '\\$&')}(/[a-z0-9-]+)?$`);
  return {
    name: 'genmod-from-source',
    setup(b) {
      b.onResolve({ filter: /^@genmod(-internal)?\// }, (a) => {
        const m = self.exec(a.path);
        if (m) return { path: join(pkgDir, 'src', `${m[1] ? m[1].slice(1) : 'index'}.ts`) };
        if (a.path.startsWith('@genmod-internal/')) return { path: require.resolve(a.path) };
        return { external: true }; // a sibling @genmod package: its built dist, resolved by Node
      });
    },
  };
}

/**
 * esbuild's options for a runnable Node bundle of code in the package at `pkgDir`: ESM for Node 20, the package
 * itself (and @genmod-internal/*) from src/, every other bare import left to Node's resolution.
 */
export function nodeBundle(pkgDir: string, selfName: string, outfile: string): BuildOptions {
  return { bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', plugins: [fromSource(pkgDir, selfName)], outfile, logLevel: 'silent' };
}

/** What the child runs first: record the first `console.log` call's arguments, written at exit (v8 serialize). */
const banner = (out: string) => `import { writeFileSync as __genmodWrite } from 'node:fs';
import { serialize as __genmodSerialize } from 'node:v8';
let __genmodFirst;
const __genmodLog = console.log;
console.log = (...args) => { if (__genmodFirst === undefined) __genmodFirst = args; };
process.on('exit', () => {
  if (__genmodFirst === undefined) return;
  try { __genmodWrite(${JSON.stringify(out)}, __genmodSerialize(__genmodFirst)); }
  catch (e) { __genmodLog('readme-mjs: the logged values are not serializable:', e.message); }
});
`;

/**
 * Strips the types of README block `index` (0-based) of the package at `pkgDir`, writes it as
 * node_modules/.cache/readme-mjs/example-N.mjs, bundles the package's own source into a runnable copy beside
 * it, runs that with `node` and returns the first `console.log` call's arguments (or `undefined` when
 * nothing was logged). Throws with the child's stderr when it exits non-zero.
 */
export async function runReadmeBlockAsMjs(pkgDir: string, index: number, timeoutMs = 120_000): Promise<unknown[] | undefined> {
  const selfName = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string }).name;
  const blocks = readmeBlocks(readFileSync(join(pkgDir, 'README.md'), 'utf8'));
  const name = `example-${index + 1}`;
  const js = stripTypes(blocks[index]!, `${name}.ts`);
  const dir = join(pkgDir, 'node_modules', '.cache', 'readme-mjs');
  mkdirSync(dir, { recursive: true });
  const stripped = join(dir, `${name}.mjs`);
  const runnable = join(dir, `${name}.run.mjs`);
  const logged = join(dir, `${name}.logged.bin`);
  rmSync(logged, { force: true });
  // the stripped example as a user would paste it: parsed as JavaScript (loader 'js'), not TypeScript
  await build({
    ...nodeBundle(pkgDir, selfName, runnable),
    stdin: { contents: js, loader: 'js', resolveDir: dir, sourcefile: `${name}.mjs` },
    banner: { js: banner(logged) },
  });
  writeFileSync(stripped, js);
  try {
    await run(process.execPath, [runnable], { cwd: pkgDir, timeout: timeoutMs, maxBuffer: 16 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${name}.mjs (README block ${index + 1}, types stripped) failed under node: ${err.stderr?.trim() || err.message}`);
  }
  try {
    return deserialize(readFileSync(logged)) as unknown[];
  } catch {
    return undefined;
  }
}
