// One seed scheme: every sampler of the package, seeded with 0, 1 and 'a', reproduces bit for bit across two
// calls, and the three seeds give three different results (0 is a seed like any other, strings work).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Seed } from '@genmod-internal/core';
import { discriminatorStep } from './discriminator-step.js';
import { wassersteinLoss } from './gan-loss.js';
import { gridOfGaussians, ringOfGaussians } from './gaussian-mixtures.js';
import { gradcheck, gradgradcheck } from './gradcheck.js';
import { gradientPenalty } from './gradient-penalty.js';
import { spectralNormalizer } from './spectral-norm.js';
import { trainAdversarial } from './train-adversarial.js';

/** Reads a tensor to the host and frees it. */
function take(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

const critic = (x: tf.Tensor) => tf.sum(tf.tanh(x), 1);
// SGD has no state but its rate, so the runs may share them (tfjs keeps a tensor per optimizer after its first update)
const [optG, optD] = [tf.train.sgd(0.05), tf.train.sgd(0.05)];
afterAll(() => {
  optG.dispose();
  optD.dispose();
});

/** A fresh linear critic and generator, and what a run of `f` with them returns; everything is freed. */
async function withNetworks(f: (w: tf.Variable, a: tf.Variable) => Promise<number[]> | number[]): Promise<number[]> {
  const [w, a] = tf.tidy(() => [tf.variable(tf.tensor2d([[0.5], [-1]])), tf.variable(tf.tensor2d([[1, 0.5], [0, 1]]))]);
  try {
    return await f(w, a);
  } finally {
    tf.dispose([w, a]);
  }
}

const SAMPLERS: [string, (seed: Seed) => number[] | Promise<number[]>][] = [
  ['gradientPenalty', (seed) => {
    const [real, fake] = [tf.tensor2d([[1, 2], [3, -1], [0, 0.5]]), tf.tensor2d([[-1, 0], [2, 2], [1, 1]])];
    const out = take(gradientPenalty(critic, real, fake, { seed }));
    tf.dispose([real, fake]);
    return out;
  }],
  ['spectralNormalizer (its initial u)', (seed) => {
    const sn = spectralNormalizer([3, 4], { seed });
    const out = Array.from(sn.u.dataSync());
    sn.dispose();
    return out;
  }],
  ['ringOfGaussians().sample', (seed) => take(ringOfGaussians().sample(16, { seed }))],
  ['gridOfGaussians().sample', (seed) => take(gridOfGaussians().sample(16, { seed }))],
  ['ringOfGaussians().sample (a sample shape)', (seed) => take(ringOfGaussians({ modes: 3 }).sample([2, 3], { seed }))],
  ['gradcheck (the projection of a non-scalar output)', (seed) => {
    const x = tf.tensor1d([0.3, -1.2, 0.7]);
    const r = gradcheck((v) => tf.tanh(v), [x], { seed });
    x.dispose();
    return Array.from(r.inputs[0]!.analytic);
  }],
  ['gradgradcheck (the projection and the cotangents)', (seed) => {
    const x = tf.tensor1d([0.3, -1.2, 0.7]);
    const r = gradgradcheck((v) => tf.square(tf.sin(v)), [x], { seed });
    x.dispose();
    return Array.from(r.inputs[0]!.analytic);
  }],
  ['discriminatorStep (the penalty seed)', (seed) =>
    withNetworks((w) => {
      const [real, fake] = [tf.tensor2d([[1, 2], [3, -1]]), tf.tensor2d([[-1, 0], [2, 2]])];
      const seen: number[] = [];
      const r = discriminatorStep({
        discriminator: (x) => tf.matMul(x, w), discriminatorVariables: [w], optimizer: optD, loss: wassersteinLoss, real, fake, seed, step: 3,
        penalty: (ctx) => (seen.push(ctx.seed), gradientPenalty(ctx.discriminator, ctx.real, ctx.fake, { seed: ctx.seed })),
      });
      const out = [...seen, ...take(r.loss), ...take(r.penalty!), ...Array.from(w.dataSync())];
      tf.dispose([real, fake]);
      return out;
    })],
  ['trainAdversarial (the samplers\' seeds and the trained weights)', (seed) =>
    withNetworks(async (w, a) => {
      const seen: number[] = [];
      const sample = (mean: number) => ({ seed: s }: { seed: number }) => (seen.push(s), tf.randomNormal([8, 2], mean, 1, 'float32', s));
      const r = await trainAdversarial({
        generator: (z) => tf.matMul(z, a), generatorVariables: [a], discriminator: (x) => tf.matMul(x, w), discriminatorVariables: [w],
        generatorOptimizer: optG, discriminatorOptimizer: optD, loss: wassersteinLoss, steps: 2, criticSteps: 2, seed,
        sampleReal: sample(2), sampleNoise: sample(0),
        penalty: (ctx) => gradientPenalty(ctx.discriminator, ctx.real, ctx.fake, { seed: ctx.seed }),
      });
      return [...seen, ...r.history.flatMap((h) => [h.discriminatorLoss, h.generatorLoss, h.penalty!]), ...Array.from(w.dataSync()), ...Array.from(a.dataSync())];
    })],
];

describe('seeds: 0, 1 and \'a\' reproduce bit for bit and differ from one another', () => {
  it.each(SAMPLERS)('%s', async (_name, run) => {
    const before = tf.memory().numTensors;
    const results: number[][] = [];
    for (const seed of [0, 1, 'a'] as Seed[]) {
      const first = await run(seed);
      const second = await run(seed);
      expect(first.length).toBeGreaterThan(0);
      expect(second).toEqual(first); // toEqual on numbers: bit for bit (NaN-safe, and no tolerance)
      results.push(first);
    }
    expect(results[1]).not.toEqual(results[0]);
    expect(results[2]).not.toEqual(results[0]);
    expect(results[2]).not.toEqual(results[1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
