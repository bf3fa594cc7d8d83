// Strict options: every exported function, method and constructor that takes an options bag refuses an
// unknown key by name (suggesting the near valid one), before allocating anything.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, it } from 'vitest';
import { expectThrowsClean } from '@genmod-internal/testing';
import * as api from './index.js';
import { normal } from '../test/distributions.js';

type Bag = Record<string, unknown>;
const p2 = { probs: [0.2, 0.8] };
const q2 = { logits: [0, 1] };
const n01 = { loc: 0, scale: 1 };
const mvnP = { loc: [0, 1], scaleTril: [[1, 0], [0.3, 2]] };
const x = tf.keep(tf.tensor2d([[0, 1], [2, 0.5], [1, 1]]));
const y = tf.keep(tf.tensor2d([[1, 0], [0, 0], [3, 1]]));
const law = normal(0, 1);

// [public name, call with the bag, a misspelled key, the valid key it is near]
const rows: Array<[string, (o: Bag) => unknown, string, string]> = [
  ['klNormalNormal', (o) => api.klNormalNormal(n01, n01, o), 'eventRnak', 'eventRank'],
  ['klStandardNormal', (o) => api.klStandardNormal([0], [0], o), 'eventrank', 'eventRank'],
  ['klStandardNormal', (o) => api.klStandardNormal(law, o), 'validat', 'validate'],
  ['entropyNormal', (o) => api.entropyNormal(n01, o), 'validte', 'validate'],
  ['crossEntropyNormal', (o) => api.crossEntropyNormal(n01, n01, o), 'evenRank', 'eventRank'],
  ['klMultivariateNormal', (o) => api.klMultivariateNormal(mvnP, mvnP, o), 'valdate', 'validate'],
  ['entropyMultivariateNormal', (o) => api.entropyMultivariateNormal(mvnP, o), 'validates', 'validate'],
  ['crossEntropyMultivariateNormal', (o) => api.crossEntropyMultivariateNormal(mvnP, mvnP, o), 'Validate', 'validate'],
  ['klCategorical', (o) => api.klCategorical(p2, q2, o), 'bas', 'base'],
  ['entropyCategorical', (o) => api.entropyCategorical(p2, o), 'bsae', 'base'],
  ['crossEntropyCategorical', (o) => api.crossEntropyCategorical(p2, q2, o), 'base2', 'base'],
  ['klToUniform', (o) => api.klToUniform([0, 1], o), 'bases', 'base'],
  ['klToUniform', (o) => api.klToUniform(p2, o), 'validat', 'validate'],
  ['klBernoulli', (o) => api.klBernoulli(p2, q2, o), 'vaildate', 'validate'],
  ['entropyBernoulli', (o) => api.entropyBernoulli(p2, o), 'Base', 'base'],
  ['crossEntropyBernoulli', (o) => api.crossEntropyBernoulli(p2, q2, o), 'baes', 'base'],
  ['jsDivergence', (o) => api.jsDivergence(p2, q2, o), 'basee', 'base'],
  ['jsDistance', (o) => api.jsDistance(p2, q2, o), 'valdiate', 'validate'],
  ['totalVariation', (o) => api.totalVariation(p2, q2, o), 'validat', 'validate'],
  ['hellinger', (o) => api.hellinger(p2, q2, o), 'validatee', 'validate'],
  ['monteCarloKl', (o) => api.monteCarloKl(law, law, o), 'sample', 'samples'],
  ['jsDivergenceMonteCarlo', (o) => api.jsDivergenceMonteCarlo(law, law, o), 'reparametrize', 'reparameterize'],
  ['wasserstein1d', (o) => api.wasserstein1d([0, 1], [1, 2], o), 'uWeight', 'uWeights'],
  ['wassersteinSorted', (o) => api.wassersteinSorted([0, 1], [1, 2], o), 'P', 'p'],
  ['energyDistance', (o) => api.energyDistance([0, 1], [1, 2], o), 'vweights', 'vWeights'],
  ['slicedWasserstein', (o) => api.slicedWasserstein(x, y, o), 'projection', 'projections'],
  ['mmd', (o) => api.mmd(x, y, o), 'bias', 'biased'],
  ['rbfKernel', (o) => api.rbfKernel(o), 'bandwith', 'bandwidth'],
  ['inverseMultiquadricKernel', (o) => api.inverseMultiquadricKernel(o), 'exponant', 'exponent'],
  ['logDensityRatio', (o) => api.logDensityRatio([0], o), 'priorOds', 'priorOdds'],
  ['densityRatio', (o) => api.densityRatio([0], o), 'priorodds', 'priorOdds'],
  ['densityRatioKl', (o) => api.densityRatioKl([0], o), 'prior_odds', 'priorOdds'],
  ['infoNceLoss', (o) => api.infoNceLoss([[1, 0], [0, 1]], o), 'reduktion', 'reduction'],
  ['infoNce', (o) => api.infoNce(x, y, o), 'temprature', 'temperature'],
  ['tripletLoss', (o) => api.tripletLoss(x, x, y, o), 'margn', 'margin'],
  ['contrastiveObjective', (o) => api.contrastiveObjective(x, x, y, o), 'reductio', 'reduction'],
  ['kernelDistance', (o) => api.kernelDistance(x, y, o), 'subset', 'subsets'],
  ['precisionRecall', (o) => api.precisionRecall(x, y, o), 'K', 'k'],
  ['densityCoverage', (o) => api.densityCoverage(x, y, o), 'kk', 'k'],
];

describe('unknown options are refused by name, leaving nothing allocated', () => {
  afterAll(() => tf.dispose([x, y, law.loc, law.scale]));

  it.each(rows)('%s', (fn, call, key, near) => {
    expectThrowsClean(() => call({ [key]: 1 }), new RegExp(`^${fn}: unknown option '${key}' \\(did you mean '${near}'\\?\\)$`));
    expectThrowsClean(() => call({ zzzzzzzzzzzz: 1 }), new RegExp(`^${fn}: unknown option 'zzzzzzzzzzzz' \\(valid: '`));
  });
});
