// One table over the whole public API: every function and method leaves tf.memory().numTensors as it
// found it, apart from what it returns; objects free what they allocated in dispose().
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '@genmod-internal/testing';
import * as api from './index.js';

type Call = [name: string, run: () => unknown];
const theta = tf.keep(tf.tensor1d([0.2, -0.4])); // made once, outside the measured calls
const logitsT = tf.keep(tf.tensor1d([0.5, -1, 0]));
const zerosArray = (shape: number[]): unknown => (shape.length === 0 ? 0 : Array.from({ length: shape[0]! }, () => zerosArray(shape.slice(1))));
const continuous = (d: any): Call[] => [
  ['sample', () => d.sample([3], { seed: 1 })],
  ['rsample', () => d.rsample([3], { seed: 1 })],
  ['rsample with noise', () => d.rsample([], { noise: zerosArray([...d.batchShape, ...d.eventShape]) })],
  ['logProb', () => d.logProb(zerosArray([2, ...d.batchShape, ...d.eventShape]))],
  ['prob', () => d.prob(zerosArray([...d.batchShape, ...d.eventShape]))],
  ...(['entropy', 'mean', 'variance', 'stddev'] as const).map((m): Call => [m, () => d[m]()]),
];

const distributions: [string, () => { dispose(): void } & Record<string, any>, (d: any) => Call[]][] = [
  ['Normal', () => new api.Normal({ loc: [0, 1], scale: 2 }), (d) => [...continuous(d), ['cdf', () => d.cdf([0, 1])], ['mode', () => d.mode()], ['logStddev', () => d.logStddev()]]],
  ['Normal.fromLogVariance', () => api.Normal.fromLogVariance([0, 1], [0, -1]), (d) => [...continuous(d), ['logStddev', () => d.logStddev()]]],
  ['Normal.fromLogScale', () => api.Normal.fromLogScale([0, 1], [0, -1]), (d) => [...continuous(d), ['logStddev', () => d.logStddev()]]],
  [
    'MultivariateNormalTriL',
    () => new api.MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[1, 0], [0.5, 2]] }),
    (d) => [...continuous(d), ['covariance', () => d.covariance()], ['logDetCovariance', () => d.logDetCovariance()]],
  ],
  ['Logistic', () => new api.Logistic({ loc: [0, 1], scale: 2 }), (d) => [...continuous(d), ['cdf', () => d.cdf([0, 1])], ['quantile', () => d.quantile([0.2, 0.7])]]],
  ['Uniform', () => new api.Uniform({ low: [0, 1], high: 2 }), (d) => [...continuous(d), ['cdf', () => d.cdf([0, 1])]]],
  ...(['logits', 'probs'] as const).map((kind): [string, () => any, (d: any) => Call[]] => [
    `Bernoulli (${kind})`,
    () => new api.Bernoulli(kind === 'logits' ? { logits: [0, 2, -1] } : { probs: [0, 0.3, 1] }),
    (d) => [
      ['sample', () => d.sample([3], { seed: 1 })],
      ['logProb', () => d.logProb([1, 0, 1])],
      ['prob', () => d.prob([1, 0, 0.5])],
      ...(['entropy', 'mean', 'variance', 'stddev', 'logitsParameter', 'probsParameter'] as const).map((m): Call => [m, () => d[m]()]),
    ],
  ]),
  ...(['logits', 'probs'] as const).map((kind): [string, () => any, (d: any) => Call[]] => [
    `Categorical (${kind})`,
    () => new api.Categorical(kind === 'logits' ? { logits: [[0, 2, -Infinity]] } : { probs: [[0.2, 0, 0.8]] }),
    (d) => [
      ['sample', () => d.sample([3], { seed: 1 })],
      ['logProb', () => d.logProb([[0], [2], [5]])],
      ['prob', () => d.prob([1])],
      ...(['entropy', 'mode', 'logitsParameter', 'probsParameter'] as const).map((m): Call => [m, () => d[m]()]),
    ],
  ]),
  [
    'independent',
    () => {
      const base = new api.Normal({ loc: [[0, 1]], scale: 2 });
      const d = api.independent(base, 1);
      return Object.assign(d, { dispose: () => base.dispose() });
    },
    (d) => continuous(d),
  ],
];

const normal = ([t]: tf.Tensor[]) => new api.Normal({ loc: t!, scale: 1 });
const categorical = ([l]: tf.Tensor[]) => new api.Categorical({ logits: l! });
const square = (z: tf.Tensor) => tf.square(z);
const fromClass = (k: tf.Tensor) => tf.cast(k, 'float32');
const functions: Call[] = [
  ['reparameterizationGradient', () => api.reparameterizationGradient(square, normal, [theta], { samples: 4, seed: 1 })],
  ['reparameterizationGradient perSample', () => api.reparameterizationGradient(square, normal, [theta], { samples: 3, seed: 1, perSample: true })],
  ['scoreFunctionGradient', () => api.scoreFunctionGradient(square, normal, [theta], { samples: 4, seed: 1, baseline: 0.5 })],
  ['scoreFunctionGradient perSample', () => api.scoreFunctionGradient(fromClass, categorical, [logitsT], { samples: 3, seed: 1, perSample: true })],
  ['leaveOneOutBaseline', () => api.scoreFunctionGradient(fromClass, categorical, [logitsT], { samples: 4, seed: 1, baseline: api.leaveOneOutBaseline() })],
  ['straightThrough', () => tf.grad((x: tf.Tensor) => tf.sum(api.straightThrough(tf.round, (v) => v)(x)))(theta)],
  ['gradientVariance', () => api.gradientVariance(api.reparameterizationGradient, square, normal, [theta], { samples: 2, repeats: 3, seed: 1 })],
];

describe('no public function leaks', () => {
  it.each(functions)('%s', (name, run) => {
    tf.dispose(expectNoLeaks(run, name) as tf.TensorContainer);
  });

  it('movingAverageBaseline: its state (average, initialized), freed by dispose()', () => {
    const before = tf.memory().numTensors;
    const baseline = api.movingAverageBaseline(0.9);
    for (let i = 0; i < 3; i++) {
      const est = api.scoreFunctionGradient(fromClass, categorical, [logitsT], { samples: 4, seed: i, baseline });
      tf.dispose(est as unknown as tf.TensorContainer);
      expect(tf.memory().numTensors).toBe(before + 2);
    }
    baseline.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(distributions.map(([n, make, calls]) => [n, make, calls] as const))('%s: every method, and dispose() frees what it made', (name, make, calls) => {
    const before = tf.memory().numTensors;
    const d = make();
    for (const [m, run] of calls(d)) tf.dispose(expectNoLeaks(run, `${name}.${m}`) as tf.Tensor);
    d.dispose();
    expect(tf.memory().numTensors, `${name} after dispose()`).toBe(before);
  });

  it('covers every exported function and class', () => {
    const covered = new Set([...functions.map(([n]) => n.split(' ')[0]!), ...distributions.map(([n]) => n.split(/[ .]/)[0]!), 'movingAverageBaseline', 'deriveSeed', 'saveState', 'loadState', 'composeState', 'isStateful']); // deriveSeed: host integers, no tensors; the state API: leaks checked in state.test.ts
    expect(Object.keys(api).filter((k) => !covered.has(k))).toEqual([]);
  });
});
