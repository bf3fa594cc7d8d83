// Every other package, packed as published and installed from its tarball with npm outside the workspace,
// with @tensorflow/tfjs; @genmod/vae with only the sibling tarballs it depends on. One ESM and one CommonJS
// script use each package's public API (and @genmod/flows/testing) and check a value.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pnpm = join(root, 'node_modules', '.bin', 'pnpm');
const dir = mkdtempSync(join(tmpdir(), 'genmod-pack-all-'));
const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
const packages = ['gumbel', 'reparam', 'divergences', 'flows', 'diffusion', 'vae', 'adversarial'];

const body = `
async function main() {
  await tf.setBackend('cpu');
  const out = {};
  const n = new reparam.Normal({ loc: 0, scale: 2 });
  out.normalLogProb = n.logProb(0).dataSync()[0];
  out.kl = divergences.klNormalNormal({ loc: tf.scalar(0), scale: tf.scalar(1) }, { loc: tf.scalar(1), scale: tf.scalar(1) }).dataSync()[0];
  // one contract across installed tarballs: a reparam Normal goes into divergences' KL as it is
  out.klOfLaws = divergences.klNormalNormal(new reparam.Normal({ loc: 0, scale: 1 }), new reparam.Normal({ loc: 1, scale: 1 })).dataSync()[0];
  out.seed0 = Array.from(n.sample([2], { seed: 0 }).dataSync()).join() === Array.from(n.sample([2], { seed: 0 }).dataSync()).join();
  const f = flows.chain(flows.exp(), flows.shift(tf.scalar(1)));
  const { y, logDet } = f.forward(tf.tensor1d([0, 1]));
  out.flow = Array.from(y.dataSync());
  out.flowLogDet = Array.from(logDet.dataSync());
  flowsTesting.checkBijector(f, tf.tensor1d([0.3, -0.2]));
  out.checked = true;
  const s = diffusion.linearSchedule(1000);
  out.alphaBarLast = s.alphasCumprod[999];
  const ll = vae.bernoulliLogLikelihood(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 0]]));
  out.bernoulli = ll.dataSync()[0];
  out.ganLoss = adversarial.minimaxDiscriminatorLoss(tf.tensor1d([0]), tf.tensor1d([0])).dataSync()[0];
  console.log(JSON.stringify(out));
}
main();
`;
const esm = `import * as tf from '@tensorflow/tfjs';
import * as reparam from '@genmod/reparam';
import * as divergences from '@genmod/divergences';
import * as flows from '@genmod/flows';
import * as flowsTesting from '@genmod/flows/testing';
import * as diffusion from '@genmod/diffusion';
import * as vae from '@genmod/vae';
import * as adversarial from '@genmod/adversarial';
${body}`;
const cjs = `const tf = require('@tensorflow/tfjs');
const reparam = require('@genmod/reparam');
const divergences = require('@genmod/divergences');
const flows = require('@genmod/flows');
const flowsTesting = require('@genmod/flows/testing');
const diffusion = require('@genmod/diffusion');
const vae = require('@genmod/vae');
const adversarial = require('@genmod/adversarial');
${body}`;

describe('every package installed from its tarball', () => {
  beforeAll(() => {
    // @genmod/backend too: adversarial depends on it (its own install-alone test is backend.test.ts)
    for (const p of [...packages, 'backend']) execFileSync(pnpm, ['pack', '--pack-destination', dir], { cwd: join(root, 'packages', p), env, stdio: 'pipe' });
    const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz')).map((f) => join(dir, f));
    expect(tarballs.length).toBe(packages.length + 1);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', ...tarballs, '@tensorflow/tfjs@4.22.0'], { cwd: dir, env, stdio: 'pipe' });
    writeFileSync(join(dir, 'esm.mjs'), esm);
    writeFileSync(join(dir, 'cjs.cjs'), cjs);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each depends at run time on tfjs-core (peer) and, only on the sibling @genmod packages their concepts need', () => {
    for (const p of packages) {
      const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', '@genmod', p, 'package.json'), 'utf8'));
      expect(pkg.peerDependencies, p).toEqual({ '@tensorflow/tfjs-core': '^4.6.0' }); // the oldest 4.x every golden suite passes on (tooling/peer-range)
      expect(JSON.stringify(pkg), p).not.toContain('workspace:');
      expect(Object.keys(pkg.dependencies ?? {}).every((d) => d.startsWith('@genmod/')), p).toBe(true);
      // the sibling dependencies the concepts need: vae builds on reparam's Normal, divergences' KLs and
      // gumbel's relaxations; adversarial's AVB on divergences' density-ratio functions; the rest stand alone
      const siblings: Record<string, string[]> = { vae: ['@genmod/divergences', '@genmod/gumbel', '@genmod/reparam'], adversarial: ['@genmod/backend', '@genmod/divergences'] };
      expect(Object.keys(pkg.dependencies ?? {}), p).toEqual(siblings[p] ?? []);
    }
  });

  it.each(['esm.mjs', 'cjs.cjs'])('%s imports every package and computes', (file) => {
    const out = JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', env }).trim().split('\n').pop()!);
    expect(out.normalLogProb).toBeCloseTo(-Math.log(2) - 0.5 * Math.log(2 * Math.PI), 5);
    expect(out.kl).toBeCloseTo(0.5, 5);
    expect(out.klOfLaws).toBeCloseTo(0.5, 5);
    expect(out.seed0).toBe(true);
    expect(out.flow[0]).toBeCloseTo(Math.E ** 1, 4); // exp(shift(x)) = e^(x + 1) at x = 0
    expect(out.flowLogDet[1]).toBeCloseTo(2, 5); // log|d/dx e^(x+1)| at x = 1
    expect(out.checked).toBe(true);
    expect(out.alphaBarLast).toBeCloseTo(4.035e-5, 7);
    expect(out.bernoulli).toBeCloseTo(2 * -Math.log(2), 5);
    expect(out.ganLoss).toBeCloseTo(2 * Math.log(2), 5); // softplus(0) + softplus(0)
  });
});
