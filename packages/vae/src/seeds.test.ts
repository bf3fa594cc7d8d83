// One seed scheme: every sampler of the package, seeded with 0, 1 and 'a', reproduces its draw bit for bit
// across two calls, and the three seeds give three different draws (0 is a seed like any other).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  aggregatePosterior,
  autoregressivePrior,
  autoregressiveSample,
  bernoulliLogLikelihood,
  discreteElbo,
  elbo,
  elboSurgery,
  flowPrior,
  iwaeBound,
  standardNormalPrior,
  VectorQuantizer,
  type PriorBijector,
  type Seed,
} from './index.js';

const x = [[1, 0, 1, 1], [0, 1, 0, 0], [1, 1, 0, 1]];
const encode = (xx: tf.Tensor) => ({ loc: tf.mul(tf.slice(xx, [0, 0], [-1, 2]), 0.5), logVar: tf.fill([xx.shape[0]!, 2], -0.5) });
const decode = (z: tf.Tensor) => tf.concat([z, tf.neg(z)], 1); // logits [M, 4]
const model = { x, encode, decode, likelihood: bernoulliLogLikelihood };
const shift: PriorBijector = {
  forward: (u) => ({ y: tf.add(u, 1), logDet: tf.zeros(u.shape.slice(0, -1)) }),
  inverse: (z) => ({ x: tf.sub(z, 1), logDet: tf.zeros(z.shape.slice(0, -1)) }),
};
/** a causal network over N = 4 codes with K = 5 classes: uniform logits (every draw is pure noise) */
const uniformNetwork = (c: tf.Tensor) => tf.zerosLike(c);

/** Each sampler, as seed ↦ a fresh tensor of its draws (the caller disposes it). */
const samplers: [string, (seed: Seed) => tf.Tensor][] = [
  ['elbo', (seed) => tf.tidy(() => elbo({ ...model, samples: 2, seed }).reconstruction)],
  ['iwaeBound', (seed) => tf.tidy(() => iwaeBound({ ...model, k: 3, seed }).logWeights)],
  ['discreteElbo', (seed) => tf.tidy(() => discreteElbo({ ...model, encode: () => tf.zeros([3, 2, 3]), decode: (y) => tf.reshape(tf.slice(y, [0, 0, 0], [-1, -1, 2]), [-1, 4]), seed }).reconstruction)],
  ['elboSurgery', (seed) => tf.tidy(() => elboSurgery([[0, 1], [2, -1]], [[0, 0], [-1, -1]], { samples: 3, seed }).averageKlMonteCarlo)],
  ['autoregressiveSample', (seed) => autoregressiveSample((p) => tf.zeros([p.shape[0]!, 5]), { length: 6, batch: 3, seed })],
  ['standardNormalPrior.sample', (seed) => standardNormalPrior([3]).sample([4], { seed })],
  ['standardNormalPrior.rsample', (seed) => standardNormalPrior([3]).rsample([4], { seed })],
  ['flowPrior.sample', (seed) => flowPrior(shift, standardNormalPrior([2])).sample([4], { seed })],
  ['flowPrior.rsample', (seed) => flowPrior(shift, standardNormalPrior([2])).rsample!([4], { seed })],
  [
    'aggregatePosterior.sample',
    (seed) => {
      const prior = aggregatePosterior([[0, 1], [2, -1], [5, 5]], [[0, 0], [-1, -1], [0, 1]]);
      const s = prior.sample([6], { seed });
      prior.dispose();
      return s;
    },
  ],
  ['autoregressivePrior.sample', (seed) => autoregressivePrior(uniformNetwork, { length: 4, classes: 5 }).sample([5], { seed, temperature: 0.9 })],
  [
    'VectorQuantizer (codebook init)',
    (seed) => {
      const vq = new VectorQuantizer({ codebookSize: 4, dim: 2, seed });
      const codebook = tf.clone(vq.codebook);
      vq.dispose();
      return codebook;
    },
  ],
  [
    'VectorQuantizer.update (k-means rows and restarts)',
    (seed) => {
      const vqSeeded = new VectorQuantizer({ codebookSize: 4, dim: 2, seed, kmeansIterations: 1, deadCodeThreshold: 100 });
      const z = tf.tensor2d(Array.from({ length: 16 }, (_, i) => [i, (i * 7) % 5]));
      vqSeeded.update(z);
      const codebook = tf.clone(vqSeeded.codebook);
      tf.dispose(z);
      vqSeeded.dispose();
      return codebook;
    },
  ],
];

describe('seeds: 0, 1 and a string each reproduce bit for bit, and differ from one another', () => {
  it.each(samplers)('%s', (_, draw) => {
    const before = tf.memory().numTensors;
    const values = ([0, 1, 'a'] as Seed[]).map((seed) => {
      const [first, second] = [draw(seed), draw(seed)];
      const [a, b] = [Array.from(first.dataSync()), Array.from(second.dataSync())];
      tf.dispose([first, second]);
      expect(b, `seed ${String(seed)} reproduces`).toEqual(a);
      return a;
    });
    expect(values[0]).not.toEqual(values[1]);
    expect(values[0]).not.toEqual(values[2]);
    expect(values[1]).not.toEqual(values[2]);
    expect(tf.memory().numTensors, 'nothing left allocated').toBe(before);
  });
});
