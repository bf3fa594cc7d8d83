// On the schedule's own σ (the default grid), Euler is DDIM with η = 0 and Euler ancestral is DDIM with η: the
// same samples and intermediate latents, with the exact denoiser of Gaussian data (test/sigma-oracle.ts).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose } from '@genmod-internal/testing';
import { ddimSample, eulerAncestralSample, eulerSample, finalSample, linearSchedule, respace, trailingTimesteps, type SamplerStep } from './index.js';
import { gaussianOracle, MU, ownSigmas, S } from '../test/sigma-oracle.js';

const base = linearSchedule(1000);
afterAll(() => base.dispose());

describe('on the schedule’s own σ, Euler is DDIM with η = 0 and Euler ancestral is DDIM with η', () => {
  const fast = respace(base, trailingTimesteps(1000, 10));
  const xT = tf.keep(tf.randomNormal([64, 2], 0, 1, 'float32', 31));
  afterAll(() => {
    xT.dispose();
    fast.dispose();
  });

  it.each([
    ['epsilon', {}],
    ['x0', {}],
    ['v', {}],
    ['epsilon', { clipX0: 0.8 }],
    ['v', { dynamicThreshold: { percentile: 0.9 } }],
  ] as const)('Euler, %s prediction %o: the same samples as ddimSample from the same x_T', async (prediction, extra) => {
    const d = gaussianOracle(fast, MU, S, prediction);
    const a = await finalSample(eulerSample(d, [64, 2], fast, { xT, prediction, ...extra }));
    const b = await finalSample(ddimSample(d, [64, 2], fast, { xT, prediction, ...extra }));
    expectClose(a, b, { atol: 2e-5, rtol: 2e-5, label: 'Euler vs DDIM' });
    tf.dispose([a, b]);
  });

  it.each([1, 0.5])('Euler ancestral with η = %d: the same samples as ddimSample with η and the same seed', async (eta) => {
    const d = gaussianOracle(fast, MU, S);
    const a = await finalSample(eulerAncestralSample(d, [64, 2], fast, { eta, seed: 'same' }));
    const b = await finalSample(ddimSample(d, [64, 2], fast, { eta, seed: 'same' }));
    expectClose(a, b, { atol: 2e-5, rtol: 2e-5, label: 'Euler ancestral vs DDIM' });
    tf.dispose([a, b]);
  });

  it('every intermediate latent x_t matches DDIM’s, and the steps report σ, the schedule index and its timestep', async () => {
    const d = gaussianOracle(fast, MU, S);
    const ours: { x: number[]; step: Omit<SamplerStep, 'x' | 'predX0'> }[] = [];
    const theirs: number[][] = [];
    const a = await finalSample(eulerSample(d, [64, 2], fast, { xT }), ({ x, predX0: _p, ...step }) => ours.push({ x: Array.from(x.dataSync()), step }));
    const b = await finalSample(ddimSample(gaussianOracle(fast, MU, S), [64, 2], fast, { xT }), (s) => theirs.push(Array.from(s.x.dataSync())));
    ours.forEach((o, i) => expectClose(o.x, theirs[i]!, { atol: 2e-5, rtol: 2e-5, label: `step ${i + 1}` }));
    const sigmas = ownSigmas(fast);
    expect(ours.map((o) => o.step.index)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(ours.map((o) => o.step.timestep)).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(ours.map((o) => o.step.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    ours.forEach((o, i) => expect(o.step.sigma).toBeCloseTo(sigmas[i + 1]!, 12));
    expect(ours[9]!.step).toMatchObject({ total: 10, progress: 1, final: true, sigma: 0 });
    expect(d.dtypes).toEqual(new Set(['float32']));
    tf.dispose([a, b]);
  });
});
