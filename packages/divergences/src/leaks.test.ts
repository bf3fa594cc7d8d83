// One table over the whole public API: every function leaves tf.memory().numTensors as it found it, apart
// from what it returns (its gradient too); the last test asserts the table covers every export.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import * as api from './index.js';
import { normal } from '../test/distributions.js';

type Call = [name: string, run: () => unknown];
const p2 = { probs: [0.2, 0.8] };
const q2 = { logits: [0, -Infinity] };
const mvn = { loc: [0, 1], covariance: [[2, 0.5], [0.5, 1]] };
const tril = { loc: [1, 0], scaleTril: [[1, 0], [0.3, 2]] };
const x = tf.keep(tf.tensor2d([[0, 1], [2, 0.5], [1, 1]])); // made once, outside the measured calls
const y = tf.keep(tf.tensor2d([[1, 0], [0, 0], [3, 1]]));
const sq = tf.keep(tf.tensor2d([[0, 1], [1, 0]]));
const v2 = tf.keep(tf.tensor1d([1, 2]));
const gaussian = normal(0, 1);
const shifted = normal(0.5, 2);

const calls: Call[] = [
  ['klNormalNormal', () => api.klNormalNormal({ loc: [0, 1], scale: 2 }, { loc: 0, scale: [1, 3] }, { eventRank: 1 })],
  ['klStandardNormal', () => api.klStandardNormal([[0, 1]], [[0.5, -1]])],
  ['entropyNormal', () => api.entropyNormal({ loc: [0, 1], scale: 2 })],
  ['crossEntropyNormal', () => api.crossEntropyNormal({ loc: 0, scale: 2 }, { loc: 1, scale: 1 })],
  ['klMultivariateNormal', () => api.klMultivariateNormal(mvn, tril)],
  ['entropyMultivariateNormal', () => api.entropyMultivariateNormal(mvn)],
  ['crossEntropyMultivariateNormal', () => api.crossEntropyMultivariateNormal(tril, mvn)],
  ['klCategorical', () => api.klCategorical(q2, p2)],
  ['entropyCategorical', () => api.entropyCategorical(q2, { base: 2 })],
  ['crossEntropyCategorical', () => api.crossEntropyCategorical(p2, q2)],
  ['klToUniform', () => api.klToUniform([[0, 1, -Infinity]])],
  ['klBernoulli', () => api.klBernoulli({ probs: [0.2, 0] }, { logits: [1, 1e4] })],
  ['entropyBernoulli', () => api.entropyBernoulli({ probs: [0.2, 0] })],
  ['crossEntropyBernoulli', () => api.crossEntropyBernoulli({ probs: [1, 0] }, { logits: [3, -3] })],
  ['jsDivergence', () => api.jsDivergence(p2, q2)],
  ['jsDistance', () => api.jsDistance(p2, q2)],
  ['totalVariation', () => api.totalVariation(p2, q2)],
  ['hellinger', () => api.hellinger(p2, q2)],
  ['monteCarloKl', () => api.monteCarloKl(gaussian, shifted, { samples: 10, seed: 1 })],
  ['jsDivergenceMonteCarlo', () => api.jsDivergenceMonteCarlo(gaussian, shifted, { samples: 10, seed: 1 })],
  ['wasserstein1d', () => api.wasserstein1d([0, 1, 3], [2, 5], { uWeights: [1, 2, 1] })],
  ['wassersteinSorted', () => api.wassersteinSorted([0, 1, 3], [2, 5, 1], { p: 2 })],
  ['energyDistance', () => api.energyDistance(x, y)],
  ['slicedWasserstein', () => api.slicedWasserstein(x, y, { projections: 5, seed: 1 })],
  ['mmd', () => api.mmd(x, y)],
  ['rbfKernel', () => api.rbfKernel()(sq)],
  ['inverseMultiquadricKernel', () => api.inverseMultiquadricKernel()(sq)],
  ['logDensityRatio', () => api.logDensityRatio([0, 1], { priorOdds: 2 })],
  ['densityRatio', () => api.densityRatio([0, 1])],
  ['densityRatioKl', () => api.densityRatioKl([0, 1])],
  ['densityRatioLoss', () => api.densityRatioLoss([0, 1], [2])],
  ['nwjLoss', () => api.nwjLoss([0, 1], [2])],
  ['infoNce', () => api.infoNce(x, y, { temperature: 0.5 })],
  ['infoNceLoss', () => api.infoNceLoss([[1, 0], [0, 1]])],
  ['tripletLoss', () => api.tripletLoss(x, x, y, { swap: true })],
  ['contrastiveObjective', () => api.contrastiveObjective(x, x, y)],
  ['frechetDistance', () => api.frechetDistance(x, y)],
  ['kernelDistance', () => api.kernelDistance(x, y, { subsets: 2, seed: 1 })],
  ['precisionRecall', () => api.precisionRecall(x, y, { k: 1 })],
  ['densityCoverage', () => api.densityCoverage(x, y, { k: 2 })],
  // gradients, through every custom-gradient path
  ['gradients of the discrete divergences', () => tf.grad((l: tf.Tensor) => tf.add(api.jsDistance({ logits: l }, q2), api.hellinger({ logits: l }, p2)))(v2)],
  ['gradients of the sorting distances', () => tf.grad((t: tf.Tensor) => tf.add(api.slicedWasserstein(t, y, { seed: 1 }), api.energyDistance(t, y)))(x)],
  ['gradients of the losses', () => tf.grad((t: tf.Tensor) => tf.add(api.tripletLoss(t, x, y, { p: 3 }), api.infoNce(t, y)))(x)],
  ['gradients of the normal KLs', () => tf.grad((s: tf.Tensor) => tf.add(tf.sum(api.klNormalNormal({ loc: 0, scale: s }, { loc: 1, scale: 1 })), api.klMultivariateNormal(mvn, { loc: [0, 0], scaleTril: [[1, 0], [0, 1]] })))(v2)],
];

describe('no public function leaks', () => {
  it.each(calls)('%s', (name, run) => {
    tf.dispose(expectNoLeaks(run, name) as tf.TensorContainer);
  });

  it('covers every exported function', () => {
    // deriveSeed: host integers, no tensors; the state API: core's, re-exported (tested there)
    const covered = new Set([...calls.map(([n]) => n), 'deriveSeed', 'saveState', 'loadState', 'composeState', 'isStateful']);
    expect(Object.keys(api).filter((k) => !covered.has(k))).toEqual([]);
  });
});
