// One table over the whole public API: every function and method leaves tf.memory().numTensors as it
// found it, apart from what it returns; objects free what they allocated in dispose().
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import * as api from './index.js';

type Call = [name: string, run: () => unknown];
const x = tf.keep(tf.tensor2d([[1, 0, 1, 0], [0, 1, 1, 0]]));
const w = tf.keep(tf.tensor2d([[0.1, -0.2, 0.3, 0], [0.5, 0.1, -0.1, 0.2]]));
const loc = tf.keep(tf.tensor2d([[0.1, -0.3], [0.5, 1]]));
const logVar = tf.keep(tf.tensor2d([[-1, 0], [0.2, -0.5]]));
const logits3 = tf.keep(tf.tensor3d([[[1, 0, -1], [0, 0, 2]], [[0.5, 0.5, 0], [-1, 2, 0]]]));
const codebook = tf.keep(tf.tensor2d([[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0]]));
const model = {
  x,
  encode: () => ({ loc, logVar }),
  decode: (z: tf.Tensor) => tf.matMul(z, w),
  likelihood: api.bernoulliLogLikelihood,
};
const shift: api.PriorBijector = {
  forward: (u) => ({ y: tf.add(u, 1), logDet: tf.zeros(u.shape.slice(0, -1)) }),
  inverse: (z) => ({ x: tf.sub(z, 1), logDet: tf.zeros(z.shape.slice(0, -1)) }),
};
const grad = (f: (t: tf.Tensor) => tf.Scalar, at: tf.Tensor) => tf.grad(f)(at);
// a causal network over N = 2 codes with K = 3 classes: code 1's logits from code 0 through a table
const table = tf.keep(tf.tensor2d([[0.2, -0.4, 1], [1, 0, -1], [-0.5, 0.5, 0]]));
const markovWith = (t: tf.Tensor) => (c: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(tf.pad(tf.slice(c, [0, 0, 0], [-1, 1, -1]), [[0, 0], [1, 0], [0, 0]]), [-1, 3]), t), [-1, 2, 3]);
const markov = markovWith(table);

const functions: Call[] = [
  ['bernoulliLogLikelihood', () => api.bernoulliLogLikelihood(x, w)],
  ['gaussianLikelihood', () => api.gaussianLikelihood({ variance: 0.5 })(x, w)],
  ['discretizedLogisticLikelihood', () => api.discretizedLogisticLikelihood({ logScale: -1 })(x, w)],
  ['elbo', () => api.elbo({ ...model, seed: 1, samples: 3 })],
  ['elbo Monte Carlo, free bits', () => api.elbo({ ...model, seed: 1, analyticKl: false, freeBits: 0.5 })],
  ['elbo gradient', () => grad((l) => api.elbo({ ...model, encode: () => ({ loc: l, logVar }), seed: 1 }).loss, loc)],
  ['iwaeBound', () => api.iwaeBound({ ...model, k: 5, seed: 1 })],
  ['iwaeBound gradient', () => grad((l) => api.iwaeBound({ ...model, encode: () => ({ loc: l, logVar }), k: 4, seed: 1 }).loss, loc)],
  ['logMeanExp', () => api.logMeanExp([[1, 2], [3, 4]], 1)],
  ['codebookLookup', () => tf.tidy(() => api.codebookLookup(tf.softmax(logits3), codebook))],
  ['categoricalKl', () => api.categoricalKl(logits3, { priorLogits: [0, 1, 0] })],
  ['discreteElbo', () => api.discreteElbo({ x, encode: () => logits3, decode: (y) => tf.sum(api.codebookLookup(y, codebook), 1), likelihood: api.bernoulliLogLikelihood, hard: true, seed: 1 })],
  ['discreteElbo gradient', () => grad((l) => api.discreteElbo({ x, encode: () => l, decode: (y) => tf.sum(api.codebookLookup(y, codebook), 1), likelihood: api.bernoulliLogLikelihood, seed: 1 }).loss, logits3)],
  ['vectorQuantize', () => api.vectorQuantize(w, codebook)],
  ['vectorQuantize gradient', () => grad((z) => api.vectorQuantize(z, codebook).loss, w)],
  ['standardNormalPrior', () => { const p = api.standardNormalPrior([2]); return [p.sample([3], { seed: 1 }), p.rsample([3], { seed: 0 }), p.logProb(loc), p.mean(), p.variance(), p.entropy()]; }],
  ['flowPrior', () => { const p = api.flowPrior(shift, api.standardNormalPrior([2])); return [p.sample([3], { seed: 1 }), p.logProb(loc)]; }],
  ['aggregatePosterior', () => { const p = api.aggregatePosterior(loc, logVar); return [p.sample([3], { seed: 1 }), p.logProb(loc), p.mean(), p.variance()]; }],
  ['aggregatePosterior from arrays, disposed', () => { const p = api.aggregatePosterior([[0, 1]], [[0, 0]]); const r = [p.sample([2], { seed: 'a' }), p.logProb(loc)]; p.dispose(); return r; }],
  ['elboSurgery', () => api.elboSurgery(loc, logVar, { samples: 3, seed: 1 })],
  ['causalMask', () => api.causalMask(4)],
  ['autoregressiveSample', () => api.autoregressiveSample((p) => tf.add(tf.zeros([2, 3]), tf.cast(tf.sum(p), 'float32')), { length: 4, batch: 2, temperature: 0.5, topK: 2, seed: 1 })],
  ['autoregressivePrior', () => {
    const p = api.autoregressivePrior(markov, { length: 2, classes: 3 });
    const c = p.sample([3], { seed: 1, topK: 2 });
    return [c, p.logProb(c), p.conditionalLogProbs(c)];
  }],
  ['autoregressivePrior gradient', () => grad((t) => tf.mean(api.autoregressivePrior(markovWith(t), { length: 2, classes: 3 }).logProb(tf.softmax(logits3))) as tf.Scalar, table)],
  ['discreteElbo with a prior', () => api.discreteElbo({ x, encode: () => logits3, decode: (y) => tf.sum(api.codebookLookup(y, codebook), 1), likelihood: api.bernoulliLogLikelihood, seed: 1, prior: api.autoregressivePrior(markov, { length: 2, classes: 3 }) })],
];

describe('no public function leaks', () => {
  it.each(functions)('%s', (name, run) => {
    tf.dispose(expectNoLeaks(run, name) as tf.TensorContainer);
  });

  it('VectorQuantizer: every method, and dispose() frees what it made', () => {
    const before = tf.memory().numTensors;
    const vq = new api.VectorQuantizer({ codebookSize: 3, dim: 4, ema: true, kmeansIterations: 2, deadCodeThreshold: 0.5, seed: 1 });
    expectNoLeaks(() => vq.update(w), 'update (k-means, EMA, restarts)');
    expectNoLeaks(() => vq.update(w), 'update');
    tf.dispose(expectNoLeaks(() => vq.quantize(w), 'quantize') as tf.TensorContainer);
    tf.dispose(expectNoLeaks(() => vq.usage(), 'usage'));
    vq.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('covers every exported function and class', () => {
    const covered = new Set([...functions.map(([n]) => n.split(' ')[0]!), 'VectorQuantizer', 'linearWarmup', 'cyclicalAnnealing', 'deriveSeed', 'saveState', 'loadState', 'composeState', 'isStateful']); // deriveSeed: host integers, no tensors; the state API: leaks checked in state.test.ts
    expect(Object.keys(api).filter((k) => !covered.has(k))).toEqual([]);
  });
});
