// "Install only @genmod/gumbel": pack the package as it would be published, install that tarball and
// @tensorflow/tfjs with npm into an empty directory outside the workspace, and run one ESM and one CommonJS
// script against it. Guards `files`, `exports`, the peer dependency and the dual build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pnpm = join(root, 'node_modules', '.bin', 'pnpm');
const dir = mkdtempSync(join(tmpdir(), 'genmod-pack-'));
const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

const script = (kind: 'esm' | 'cjs') => `
${kind === 'esm' ? "import * as tf from '@tensorflow/tfjs';\nimport * as gumbel from '@genmod/gumbel';" : "const tf = require('@tensorflow/tfjs');\nconst gumbel = require('@genmod/gumbel');"}
async function main() {
  await tf.setBackend('cpu');
  const logits = tf.tensor2d([[1, 0.5, -0.3, 2, 0]]);
  const noise = tf.tensor2d([[0.1, -0.2, 0.3, 0.0, 0.5]]);
  const y = gumbel.gumbelSoftmax(logits, { temperature: 0.5, noise });
  const k = gumbel.gumbelMax(logits, { noise });
  const grad = tf.grad((l) => tf.sum(tf.mul(gumbel.gumbelSoftmax(l, { temperature: 0.5, noise, hard: true }), tf.tensor2d([[1, 2, 3, 4, 5]]))))(logits);
  const d = new gumbel.RelaxedOneHotCategorical({ logits: [1, 0.5, -0.3], temperature: 0.5 });
  const lp = d.logProb([[0.2, 0.3, 0.5]]);
  console.log(JSON.stringify({ kind: '${kind}', exports: Object.keys(gumbel).sort(), sum: tf.sum(y).dataSync()[0], argmax: k.dataSync()[0], grad: Array.from(grad.dataSync()), lp: lp.dataSync()[0] }));
}
main();
`;

describe('@genmod/gumbel installed alone from its tarball', () => {
  let tarball = '';
  beforeAll(() => {
    execFileSync(pnpm, ['pack', '--pack-destination', dir], { cwd: join(root, 'packages', 'gumbel'), env, stdio: 'pipe' });
    tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', tarball, '@tensorflow/tfjs@4.22.0'], { cwd: dir, env, stdio: 'pipe' });
    writeFileSync(join(dir, 'esm.mjs'), script('esm'));
    writeFileSync(join(dir, 'cjs.cjs'), script('cjs'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships dist, README and package.json only, with tfjs-core as a peer and no runtime dependency', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(listing).toContain('package/dist/index.js');
    expect(listing).toContain('package/dist/index.cjs');
    expect(listing).toContain('package/dist/index.d.ts');
    expect(listing).toContain('package/dist/index.d.cts');
    expect(listing).toContain('package/README.md');
    expect(listing.filter((f) => /\.test\.|\/src\/|readme-examples|tsconfig/.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', '@genmod', 'gumbel', 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies).toEqual({ '@tensorflow/tfjs-core': '^4.6.0' });
    expect(JSON.stringify(pkg)).not.toContain('workspace:');
    // the only @genmod package installed is the one asked for
    expect(readdirSync(join(dir, 'node_modules', '@genmod'))).toEqual(['gumbel']);
    // one tfjs-core, shared by the app and the package
    expect(existsSync(join(dir, 'node_modules', '@tensorflow', 'tfjs-core'))).toBe(true);
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s imports it and computes', (file) => {
    const out = JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', env }).trim().split('\n').pop()!);
    expect(out.exports).toEqual(expect.arrayContaining(['gumbelSoftmax', 'gumbelMax', 'gumbelTopK', 'sampleGumbel', 'Gumbel', 'RelaxedOneHotCategorical', 'ExpRelaxedOneHotCategorical', 'RelaxedBernoulli', 'exponentialDecay']));
    expect(out.sum).toBeCloseTo(1, 5);
    expect(out.argmax).toBe(3);
    // the straight-through gradient sums to zero over the classes (softmax Jacobian rows)
    expect(out.grad.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(0, 5);
    expect(out.grad.some((g: number) => Math.abs(g) > 1e-3)).toBe(true);
    expect(Number.isFinite(out.lp)).toBe(true);
  });
});
