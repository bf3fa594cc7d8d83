#!/usr/bin/env node
// Extracts the ```ts code blocks of a package's README.md into <pkg>/readme-examples/example-N.ts, so that
// `tsc --noEmit` type-checks them and the package's readme test runs them: README examples cannot drift.
// Usage: node scripts/readme-examples.mjs <package-dir>
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = resolve(process.argv[2] ?? '.');
const readme = readFileSync(join(dir, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const out = join(dir, 'readme-examples');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
blocks.forEach((code, i) => {
  const header = `// Generated from README.md by scripts/readme-examples.mjs: edit the README, not this file.\n`;
  writeFileSync(join(out, `example-${i + 1}.ts`), header + code + (code.includes('export ') ? '' : '\nexport {};\n'));
});
console.log(`readme-examples: ${blocks.length} example(s) from ${join(dir, 'README.md')}`);
