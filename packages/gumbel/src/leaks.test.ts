// One table over the whole public API: every function and method leaves tf.memory().numTensors as it
// found it, apart from what it returns; objects free what they allocated in dispose().
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import * as api from './index.js';

type Call = [name: string, run: () => unknown];
const logits = [[1, 0.5, -0.3, 2, 0], [0, -Infinity, 1, 2, 3]];
const logitsTensor = tf.keep(tf.tensor2d(logits)); // made once, outside the measured calls

const distributions: [string, () => { dispose(): void } & Record<string, any>, Call[]][] = [
  ['Gumbel', () => new api.Gumbel({ loc: [0, 1], scale: 2 }), []],
  ['RelaxedOneHotCategorical', () => new api.RelaxedOneHotCategorical({ logits, temperature: 0.5 }), []],
  ['ExpRelaxedOneHotCategorical', () => new api.ExpRelaxedOneHotCategorical({ probs: [0.2, 0.3, 0.5], temperature: 0.5 }), []],
  ['RelaxedBernoulli', () => new api.RelaxedBernoulli({ probs: [0.2, 0.9], temperature: 0.5 }), []],
];

const methodCalls: Record<string, (d: any) => Call[]> = {
  Gumbel: (d) => [
    ['sample', () => d.sample([3], { seed: 1 })],
    ['rsample', () => d.rsample([3], { seed: 1 })],
    ...(['logProb', 'prob', 'cdf', 'logCdf', 'survivalFunction'] as const).map((m): Call => [m, () => d[m]([0.5, 2])]),
    ['quantile', () => d.quantile([0.1, 0.9])],
    ...(['mean', 'variance', 'stddev', 'mode', 'median', 'entropy'] as const).map((m): Call => [m, () => d[m]()]),
  ],
  RelaxedOneHotCategorical: (d) => [
    ['sample', () => d.sample([2], { seed: 1 })],
    ['rsample', () => d.rsample([2], { seed: 1 })],
    ['logProb', () => d.logProb([0.1, 0, 0.2, 0.3, 0.4])],
    ['prob', () => d.prob([0.1, 0.1, 0.2, 0.2, 0.4])],
    ['logitsParameter', () => d.logitsParameter()],
    ['probsParameter', () => d.probsParameter()],
  ],
  ExpRelaxedOneHotCategorical: (d) => [
    ['sample', () => d.sample([2], { seed: 1 })],
    ['rsample', () => d.rsample([2], { seed: 1 })],
    ['logProb', () => d.logProb([-1, -2, -0.5])],
    ['prob', () => d.prob([-1, -2, -0.5])],
  ],
  RelaxedBernoulli: (d) => [
    ['sample', () => d.sample([2], { seed: 1 })],
    ['rsample', () => d.rsample([2], { seed: 1 })],
    ['logProb', () => d.logProb([0.3, 0.6])],
    ['prob', () => d.prob([0.3, 0.6])],
    ['logitsParameter', () => d.logitsParameter()],
    ['probsParameter', () => d.probsParameter()],
  ],
};

const functions: Call[] = [
  ['sampleGumbel', () => api.sampleGumbel([4, 2], { loc: 1, scale: [1, 2], seed: 3 })],
  ['gumbelMax', () => api.gumbelMax(logits, { seed: 1 })],
  ['gumbelTopK', () => api.gumbelTopK(logits, 3, { seed: 1 })],
  ['sampleCategorical', () => api.sampleCategorical(logits, { temperature: 0.7, topK: 3, seed: 1 })],
  ['gumbelSoftmax', () => api.gumbelSoftmax(logits, { temperature: 0.3, seed: 1 })],
  ['gumbelSoftmax hard, axis 0', () => api.gumbelSoftmax(logits, { temperature: 0.3, seed: 1, hard: true, axis: 0 })],
  ['gumbelSoftmax gradient', () => tf.grad((l: tf.Tensor) => tf.sum(tf.square(api.gumbelSoftmax(l, { seed: 1, hard: true }))))(logitsTensor)],
];

describe('no public function leaks', () => {
  it.each(functions)('%s', (name, run) => {
    tf.dispose(expectNoLeaks(run, name) as tf.Tensor);
  });

  it.each(distributions.map(([n, make]) => [n, make] as const))('%s: every method, and dispose() frees what it made', (name, make) => {
    const before = tf.memory().numTensors;
    const d = make();
    for (const [m, run] of methodCalls[name]!(d)) tf.dispose(expectNoLeaks(run, `${name}.${m}`) as tf.Tensor);
    d.dispose();
    expect(tf.memory().numTensors, `${name} after dispose()`).toBe(before);
  });

  it('covers every exported function and class', () => {
    const covered = new Set([...functions.map(([n]) => n.split(' ')[0]!), ...distributions.map(([n]) => n), 'exponentialDecay', 'EULER_GAMMA', 'deriveSeed',
      'saveState', 'loadState', 'composeState', 'isStateful']); // deriveSeed: host integers, no tensors; the state API: core's, re-exported (tested there)
    expect(Object.keys(api).filter((k) => !covered.has(k))).toEqual([]);
  });
});
