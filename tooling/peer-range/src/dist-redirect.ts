// A Vite plugin that points the packages' golden test files at the BUILT dist instead of their sources: a test
// file's `import { x } from './x.js'` resolves to a module that re-exports `x` from packages/<name>/dist/index.js.
// Names the dist does not export (internal helpers a test reaches into) still come from the source file; they
// are listed by `internalImports()` and printed, so what is not tested through dist is visible.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'vitest/config';

const testFile = /[\\/]packages[\\/]([^\\/]+)[\\/]src[\\/].+\.test\.ts$/;
const PREFIX = '\0genmod-dist:';

/**
 * The names a built ESM entry exports: tsup/esbuild write one `export { … };` clause at the end, or
 * `export { … } from './chunk-….js';` when entries share a chunk.
 */
export function distExports(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/^export\s*\{([^}]*)\}(?:\s*from\s*['"][^'"]+['"])?;?\s*$/gm))
    for (const part of m[1]!.split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()!.trim();
      if (name) names.add(name);
    }
  return names;
}

/**
 * A package's published ESM entry files, from its package.json `exports` (the main entry first, then subpaths
 * such as ./testing or ./node), those that are built.
 */
export function distEntries(pkgDir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
  const esm = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v.endsWith('.js') ? v : undefined;
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return esm(o.import) ?? esm(o.default);
    }
    return undefined;
  };
  return Object.entries(pkg.exports ?? { '.': './dist/index.js' })
    .filter(([k]) => k !== './package.json')
    .map(([, v]) => esm(v))
    .filter((f): f is string => !!f)
    .map((f) => join(pkgDir, f))
    .filter((f) => existsSync(f));
}

/** The run-time names a TypeScript source file exports (types and interfaces left out), following `export *`. */
export function sourceExports(file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file) || !existsSync(file)) return names;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^export\s+(?:declare\s+)?(?:async\s+)?(?:const|let|var|function\*?|class|abstract\s+class|enum)\s+([A-Za-z_$][\w$]*)/gm))
    names.add(m[1]!);
  for (const m of text.matchAll(/^export\s*\{([^}]*)\}/gm))
    for (const part of m[1]!.split(',')) {
      const p = part.trim();
      if (!p || p.startsWith('type ')) continue;
      names.add(p.split(/\s+as\s+/).pop()!.trim());
    }
  for (const m of text.matchAll(/^export\s*\*\s*from\s*['"](.+)['"]/gm))
    for (const n of sourceExports(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')), seen)) names.add(n);
  return names;
}

const internal = new Map<string, Set<string>>();
/** `package/src-file → names` imported from source because the dist does not export them. */
export function internalImports(): Map<string, Set<string>> {
  return internal;
}

/** @param packagesDir the repository's packages/ folder */
export function distRedirect(packagesDir: string): Plugin {
  return {
    name: 'genmod-dist-redirect',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('./')) return null;
      const m = testFile.exec(importer);
      if (!m) return null;
      const target = resolve(dirname(importer), source).replace(/\.js$/, '.ts');
      if (!existsSync(target) || target.endsWith('.test.ts')) return null;
      return `${PREFIX}${m[1]}:${target}`;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const rest = id.slice(PREFIX.length);
      const pkg = rest.slice(0, rest.indexOf(':'));
      const src = rest.slice(pkg.length + 1);
      const entries = distEntries(join(packagesDir, pkg));
      if (!entries.length) throw new Error(`peer-range: ${join(packagesDir, pkg, 'dist')} is missing: build the package first`);
      const fromDist = entries.map((f) => [f, distExports(f)] as const);
      const lines: string[] = [];
      const fromSrc: string[] = [];
      for (const name of sourceExports(src)) {
        const hit = fromDist.find(([, names]) => names.has(name));
        if (hit) lines.push(`export { ${name} } from ${JSON.stringify(hit[0])};`);
        else fromSrc.push(name);
      }
      if (fromSrc.length) {
        lines.push(`export { ${fromSrc.join(', ')} } from ${JSON.stringify(src)};`);
        const key = `${pkg}/${src.slice(src.lastIndexOf('src'))}`;
        internal.set(key, new Set(fromSrc));
      }
      return lines.join('\n') || 'export {};';
    },
  };
}
