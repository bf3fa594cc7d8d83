// Assembles src/kernels/adam-simd.wat (with wabt's wat2wasm, not a dependency of the package:
// `npx -y -p wabt@1.0.39 node scripts/adam-simd.mjs` fetches it) into src/kernels/adam-simd-binary.ts, two
// variants: the memory of tfjs-backend-wasm's single-thread build, and the shared memory of its threaded build.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(process.env.WABT_FROM ?? import.meta.url);
const wabt = await require('wabt')();
const source = readFileSync(new URL('../src/kernels/adam-simd.wat', import.meta.url), 'utf8');
const assemble = (memory) => {
  const m = wabt.parseWat('adam-simd.wat', source.replace('MEMORY_TYPE', memory), { simd: true, threads: true });
  m.validate({ simd: true, threads: true });
  return Buffer.from(m.toBinary({}).buffer).toString('base64');
};
const out = `// Written by scripts/adam-simd.mjs from adam-simd.wat (wabt ${process.env.WABT_VERSION ?? ''}): do not edit.
/** adam-simd.wat with the memory of tfjs-backend-wasm's single-thread build, base64. */
export const ADAM_SIMD = '${assemble('(memory 1)')}';
/** adam-simd.wat with the threaded build's shared memory (at most 65,536 pages), base64. */
export const ADAM_SIMD_SHARED = '${assemble('(memory 1 65536 shared)')}';
`;
writeFileSync(new URL('../src/kernels/adam-simd-binary.ts', import.meta.url), out);
console.log('wrote src/kernels/adam-simd-binary.ts');
