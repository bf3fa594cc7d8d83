// "Install only @genmod/backend": pack it as it would be published, install that tarball with
// @tensorflow/tfjs-core and the wasm backend from the npm registry (no @tensorflow/tfjs umbrella, no other
// backend) into an empty directory outside the workspace, and run one ESM and one CommonJS script that choose
// wasm and cpu, take a matMul gradient through the fast gradient, save and load through `file://`, and read
// the messages for the backends that are not installed. Guards `files`, both subpath exports, the optional
// peers (loaded only when chosen) and the dual build.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pnpm = join(root, 'node_modules', '.bin', 'pnpm');
const dir = mkdtempSync(join(tmpdir(), 'genmod-pack-backend-'));
const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

const script = (kind: 'esm' | 'cjs') => `
${
  kind === 'esm'
    ? "import * as tf from '@tensorflow/tfjs-core';\nimport * as backend from '@genmod/backend';\nimport * as node from '@genmod/backend/node';"
    : "const tf = require('@tensorflow/tfjs-core');\nconst backend = require('@genmod/backend');\nconst node = require('@genmod/backend/node');"
}
async function main() {
  const out = { kind: '${kind}', exports: Object.keys(backend).sort(), nodeExports: Object.keys(node).sort() };
  const wasm = await node.chooseNodeBackend('wasm');
  out.wasm = { active: wasm.active, reasons: wasm.reasons, backend: tf.getBackend() };
  // tfjs-core alone registers no gradients: the fast matMul gradient is the one BatchMatMul gets
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const dw = tf.grad((w) => tf.matMul(x, w))(tf.ones([3, 2]), tf.ones([2, 2]));
  out.dw = Array.from(dw.dataSync());
  const cpu = await backend.chooseBackend('cpu');
  out.cpu = { active: cpu.active, backend: tf.getBackend() };
  out.dwCpu = Array.from(tf.grad((w) => tf.matMul(x, w))(tf.ones([3, 2]), tf.ones([2, 2])).dataSync());
  try { await backend.chooseBackend('cuda'); out.cuda = 'started?'; } catch (e) { out.cuda = e.message; }
  const fallback = await backend.chooseBackend('native', { fallback: true });
  out.native = { active: fallback.active, reasons: fallback.reasons };
  // file:// without tfjs-node (registered by chooseNodeBackend)
  const w = tf.tensor1d([1.5, -2, 3e-30]);
  const { data, specs } = await tf.io.encodeWeights({ w });
  const url = 'file://' + process.cwd() + '/ckpt-${kind}';
  await tf.io.getSaveHandlers(url)[0].save({ modelTopology: { format: 'x' }, format: 'x', weightSpecs: specs, weightData: data });
  const back = await tf.io.getLoadHandlers(url + '/model.json')[0].load();
  out.roundTrip = Array.from(tf.io.decodeWeights(back.weightData, back.weightSpecs).w.dataSync());
  console.log(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
`;

describe('@genmod/backend installed alone from its tarball, with tfjs-core and the wasm backend', () => {
  let tarball = '';
  beforeAll(() => {
    execFileSync(pnpm, ['pack', '--pack-destination', dir], { cwd: join(root, 'packages', 'backend'), env, stdio: 'pipe' });
    tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball, '@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'], { cwd: dir, env, stdio: 'pipe' });
    writeFileSync(join(dir, 'esm.mjs'), script('esm'));
    writeFileSync(join(dir, 'cjs.cjs'), script('cjs'));
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships dist (both entries, ESM + CJS + types), README and LICENSE; tfjs-core the only required peer, every backend optional', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    for (const f of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'node.js', 'node.cjs', 'node.d.ts', 'node.d.cts']) expect(listing).toContain(`package/dist/${f}`);
    expect(listing).toContain('package/README.md');
    expect(listing.filter((f) => /\.test\.|\/src\/|readme-examples|tsconfig/.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', '@genmod', 'backend', 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.peerDependencies['@tensorflow/tfjs-core']).toMatch(/^\^4\.\d+\.\d+$/); // the range the peer-range check settles
    const optional = Object.entries(pkg.peerDependenciesMeta).filter(([, m]) => (m as { optional?: boolean }).optional).map(([n]) => n).sort();
    expect(optional).toEqual([
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-node',
      '@tensorflow/tfjs-node-gpu',
    ]);
    expect(JSON.stringify(pkg)).not.toContain('workspace:');
    expect(readdirSync(join(dir, 'node_modules', '@genmod'))).toEqual(['backend']);
    // npm installed none of the optional backends that were not asked for
    expect(readdirSync(join(dir, 'node_modules', '@tensorflow')).sort()).toEqual(['tfjs-backend-cpu', 'tfjs-backend-wasm', 'tfjs-core']);
  });

  it('the browser entry (dist/index.js and the chunks it imports) reaches no Node built-in', () => {
    const dist = join(dir, 'node_modules', '@genmod', 'backend', 'dist');
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(dist, file), 'utf8');
      expect(code, file).not.toMatch(/from ['"](node:)?(fs|path|fs\/promises|process)['"]/);
      for (const m of code.matchAll(/from ['"]\.\/([^'"]+)['"]/g)) visit(m[1]!);
    };
    visit('index.js');
    expect(readFileSync(join(dist, 'node.js'), 'utf8')).toMatch(/from ['"]fs\/promises['"]|from ['"]node:fs\/promises['"]/);
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s chooses wasm then cpu, trains through the fast matMul gradient, saves with file://, and says what is missing', (file) => {
    const out = JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', env }).trim().split('\n').pop()!);
    expect(out.exports).toEqual(expect.arrayContaining(['chooseBackend', 'backendOrder', 'enableFastMatMulGradient', 'enableHigherOrderGradients', 'disableHigherOrderGradients', 'higherOrderGradientsEnabled', 'higherOrderGradientKernels']));
    expect(out.exports).not.toContain('fileSystem');
    expect(out.nodeExports).toEqual(expect.arrayContaining(['chooseBackend', 'chooseNodeBackend', 'chooseBackendFromArgs', 'backendFromArgs', 'backendListFromArgs', 'fileSystem', 'registerFileRouter']));
    expect(out.wasm).toEqual({ active: 'wasm', reasons: [], backend: 'wasm' });
    expect(out.cpu).toEqual({ active: 'cpu', backend: 'cpu' });
    // ∂(x·w)/∂w with dy = 1: xᵀ·1 = column sums of x, twice
    expect(out.dw).toEqual([5, 5, 7, 7, 9, 9]);
    expect(out.dwCpu).toEqual([5, 5, 7, 7, 9, 9]);
    expect(out.cuda).toBe(
      'backend "cuda" is not available: the package @tensorflow/tfjs-node-gpu is not installed (npm install @tensorflow/tfjs-node-gpu; its install step downloads libtensorflow with CUDA). Pass --fallback to fall back to wasm or cpu.',
    );
    expect(out.native.active).toBe('wasm');
    expect(out.native.reasons).toEqual([expect.stringMatching(/^native: the package @tensorflow\/tfjs-node is not installed/)]);
    expect(out.roundTrip).toEqual([1.5, -2, Math.fround(3e-30)]);
  });
});
