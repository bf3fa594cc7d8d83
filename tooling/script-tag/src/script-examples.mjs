// The README examples the page runs, turned into script-tag code: each ```ts block is type-stripped with
// TypeScript's transpileModule (as the Node README test does), then its imports become reads of the globals
// that the <script> tags define (`tf`, `genmodGumbel`, …), and the block becomes an async function.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The examples on the page: [package, 1-based README block]. */
export const PAGE_EXAMPLES = [
  ['gumbel', 1],
  ['divergences', 1],
];

/** `@genmod/some-name` → `genmodSomeName`, as tooling/tsup.preset.ts names the IIFE's global. */
export const globalName = (pkg) =>
  pkg.replace(/^@/, '').split(/[/-]/).map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');

const IMPORT = /^import\s+(?:\*\s+as\s+(\w+)|\{([^}]*)\})\s+from\s+'([^']+)';?\s*$/gm;

/** One README block as script-tag code: imports of tfjs read `tf`, imports of @genmod/x read `genmodX`. */
export function toScript(tsCode, name) {
  const js = ts.transpileModule(tsCode, {
    fileName: `${name}.ts`,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const body = js
    .replace(IMPORT, (line, star, names, from) => {
      const g = from === '@tensorflow/tfjs' ? 'tf' : /^@genmod\/[a-z0-9-]+$/.test(from) ? globalName(from) : undefined;
      if (!g) throw new Error(`${name}: no script-tag global for ${from}`);
      if (star) return g === star ? '' : `const ${star} = ${g};`;
      return `const { ${names.trim().replace(/\s+as\s+/g, ': ')} } = ${g};`;
    })
    .replace(/^export \{\};\s*$/m, '')
    .trim();
  if (/^\s*(import|export)\b/m.test(body)) throw new Error(`${name}: an import or export is left`);
  const indented = body.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
  return `// ${name}\ngenmodExamples.push([${JSON.stringify(name)}, async () => {\n${indented}\n}]);\n`;
}

/** page/examples.js as it must be: the header and every PAGE_EXAMPLES block. */
export function pageExamples() {
  const parts = PAGE_EXAMPLES.map(([pkg, n]) => {
    const readme = readFileSync(`${root}packages/${pkg}/README.md`, 'utf8');
    const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)][n - 1]?.[1];
    if (!block) throw new Error(`packages/${pkg}/README.md has no ts block ${n}`);
    return toScript(block, `@genmod/${pkg} README example ${n}`);
  });
  return (
    '// Generated from the READMEs by `pnpm --filter @genmod-internal/script-tag generate` (src/generate.mjs):\n' +
    '// edit the README, then regenerate. Each example is its README block with types stripped and imports read\n' +
    '// from the globals the <script> tags define.\n' +
    'var genmodExamples = [];\n\n' +
    parts.join('\n')
  );
}
