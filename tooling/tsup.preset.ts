// The build every @genmod package shares: ESM + CJS + .d.ts, tfjs-core left to the app (peer), the
// internal helpers bundled in so that a published package depends on tfjs-core alone; plus a script-tag
// build (IIFE, dist/index.global.js, the `unpkg`/`jsdelivr` file) that reads tfjs from the `tf` global and a
// sibling @genmod package from its global, as the @tensorflow-models packages do (`cocoSsd`, `bodyPix`).
// (Plain object, no import of tsup's types: this file sits outside any package that depends on tsup.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The global a package's script-tag build defines: `@genmod/gumbel` → `genmodGumbel`,
 * `@genmod/some-name` → `genmodSomeName` (tfjs-models' convention, camelCase of the package name, with the
 * scope kept so that `gumbel` or `vae` do not take a generic global name).
 */
export function genmodGlobalName(packageName: string): string {
  return packageName.replace(/^@/, '').split(/[/-]/).map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

/** What the script-tag build reads from globals instead of bundling: tfjs-core is `tf`, a sibling its global. */
function globalFor(specifier: string): string | undefined {
  if (specifier === '@tensorflow/tfjs-core') return 'tf';
  if (/^@genmod\/[a-z0-9-]+$/.test(specifier)) return genmodGlobalName(specifier);
  return undefined;
}

/** An esbuild plugin for the IIFE: `import … from '@tensorflow/tfjs-core'` becomes a read of `globalThis.tf`. */
const fromGlobals = {
  name: 'genmod-globals',
  setup(build: {
    onResolve(o: { filter: RegExp }, cb: (a: { path: string }) => { path: string; namespace: string } | undefined): void;
    onLoad(o: { filter: RegExp; namespace: string }, cb: (a: { path: string }) => { contents: string; loader: 'js' }): void;
  }) {
    build.onResolve({ filter: /^@(tensorflow\/tfjs-core|genmod\/[a-z0-9-]+)$/ }, (a) => {
      const name = globalFor(a.path);
      return name ? { path: a.path, namespace: 'genmod-global' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'genmod-global' }, (a) => {
      const name = globalFor(a.path)!;
      const script = name === 'tf' ? 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs' : `https://cdn.jsdelivr.net/npm/${a.path}`;
      return {
        loader: 'js',
        contents:
          `var g = typeof globalThis !== 'undefined' ? globalThis : self;\n` +
          `if (!g.${name}) throw new Error(${JSON.stringify(`${ownName}: the global \`${name}\` (${a.path}) is missing: load <script src="${script}"></script> before this script`)});\n` +
          `module.exports = g.${name};\n`,
      };
    });
  },
};

function readOwnName(): string {
  try {
    return (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { name: string }).name;
  } catch {
    return '@genmod/unknown';
  }
}
const ownName = readOwnName();

export const genmodTsup = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs', 'iife'] as ('esm' | 'cjs' | 'iife')[],
  // The contract types live in the private core: the .d.ts build reads core from its source (a path outside
  // node_modules), so rollup-plugin-dts inlines them and a published .d.ts names no private package.
  dts: { compilerOptions: { paths: { '@genmod-internal/core': ['../../tooling/core/src/index.ts'] } } },
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'es2020' as const,
  external: ['@tensorflow/tfjs-core'],
  noExternal: ['@genmod-internal/core'],
  // the script-tag build: dist/index.global.js defines `genmodGumbel` (etc.)
  globalName: genmodGlobalName(ownName),
  esbuildPlugins: [fromGlobals],
  esbuildOptions(options: { entryPoints?: unknown; minify?: boolean }, context: { format: string }) {
    if (context.format !== 'iife') return;
    // one global per package: a second entry (a `/testing` subpath) would overwrite it, so it has no IIFE
    options.entryPoints = ['src/index.ts'];
    options.minify = true;
  },
};
