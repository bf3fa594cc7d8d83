// One seed scheme: for every sampler of the package, seeds 0, 1 and 'a' each reproduce bit for bit across
// two calls, and the three give three different results (0 is a seed like any other, strings work).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Seed } from '@genmod-internal/core';
import { ddimSample, ddpmSample, diffusionLoss, finalSample, linearSchedule, qSample, respace, trailingTimesteps, variationalBound } from './index.js';

const schedule = linearSchedule(20);
const fast = respace(schedule, trailingTimesteps(20, 4));
schedule.tensors(); // the stratified bound gathers from the schedule's tensors
const x0 = tf.keep(tf.tensor2d([[0.5, -0.2], [0.1, 0.9], [-1, 1]]));
const xT = tf.keep(tf.tensor2d([[0.3, 0.1], [-0.2, 0.4], [1, -1]]));
const denoiser = (xt: tf.Tensor) => tf.mul(xt, 0.5);
afterAll(() => {
  tf.dispose([x0, xT]);
  schedule.dispose();
  fast.dispose();
});

/** Each sampler, run with a seed, to its values on the host (every tensor it made freed). */
const samplers: [name: string, run: (seed: Seed) => Promise<Float32Array>][] = [
  ['qSample', async (seed) => host(qSample(x0, [0, 7, 19], schedule, { seed }))],
  ['diffusionLoss (t and ε)', async (seed) => host(diffusionLoss(denoiser, x0, schedule, { seed }))],
  ['diffusionLoss (t only, noise given)', async (seed) => host(diffusionLoss(denoiser, x0, schedule, { seed, noise: xT }))],
  ['diffusionLoss (ε only, t given)', async (seed) => host(diffusionLoss(denoiser, x0, schedule, { seed, t: 5 }))],
  ['variationalBound (exact)', async (seed) => hostAll(variationalBound(denoiser, x0, fast, { seed }))],
  ['variationalBound (stratified)', async (seed) => hostAll(variationalBound(denoiser, x0, schedule, { seed, strata: 3, decoder: 'gaussian' }))],
  ['ddpmSample', async (seed) => host(await finalSample(ddpmSample(denoiser, [3, 2], fast, { seed })))],
  ['ddpmSample (xT given: the step noise)', async (seed) => host(await finalSample(ddpmSample(denoiser, [3, 2], fast, { seed, xT })))],
  ['ddimSample (η = 0: x_T)', async (seed) => host(await finalSample(ddimSample(denoiser, [3, 2], fast, { seed })))],
  ['ddimSample (η = 1, xT given: the step noise)', async (seed) => host(await finalSample(ddimSample(denoiser, [3, 2], fast, { seed, xT, eta: 1 })))],
];

function host(t: tf.Tensor): Float32Array {
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

function hostAll(r: object): Float32Array {
  const parts = (Object.values(r) as tf.Tensor[]).map((t) => Array.from(t.dataSync()));
  tf.dispose(Object.values(r) as tf.Tensor[]);
  return Float32Array.from(parts.flat());
}

describe('seeds: 0, 1 and "a" each reproduce bit for bit, and differ from one another', () => {
  it.each(samplers)('%s', async (_name, run) => {
    const before = tf.memory().numTensors;
    const seeds: Seed[] = [0, 1, 'a'];
    const results: Float32Array[] = [];
    for (const seed of seeds) {
      const a = await run(seed);
      const b = await run(seed);
      expect(Array.from(b), `seed ${JSON.stringify(seed)} reproduces`).toEqual(Array.from(a));
      results.push(a);
    }
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) expect(Array.from(results[i]!), `seeds ${JSON.stringify(seeds[i])} and ${JSON.stringify(seeds[j])} differ`).not.toEqual(Array.from(results[j]!));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("1 and '1' are different seeds", () => {
    expect(Array.from(host(qSample(x0, 3, schedule, { seed: 1 })))).not.toEqual(Array.from(host(qSample(x0, 3, schedule, { seed: '1' }))));
  });
});
