// One seed scheme for every sampler of the package: seeds 0, 1 and 'a' each reproduce bit for bit across two
// calls, and the three draws differ from one another (0 is a seed like any other; strings are seeds).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Seed } from '@genmod-internal/core';
import * as api from './index.js';

const theta = tf.keep(tf.tensor1d([0.2, -0.4]));
const logitsT = tf.keep(tf.tensor1d([0.5, -1, 0]));
afterAll(() => tf.dispose([theta, logitsT]));

const made: { dispose(): void }[] = [];
const keep = <T extends { dispose(): void }>(d: T): T => (made.push(d), d);
afterAll(() => made.splice(0).forEach((d) => d.dispose()));

const normal = keep(new api.Normal({ loc: [0, 1], scale: [1, 2] }));
const fromLogVar = keep(api.Normal.fromLogVariance([0, 1], [0, -1]));
const mvn = keep(new api.MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[1, 0], [0.5, 2]] }));
const logistic = keep(new api.Logistic({ loc: [0, 1], scale: 2 }));
const uniform = keep(new api.Uniform({ low: [0, 1], high: 2 }));
const bernoulli = keep(new api.Bernoulli({ logits: [0, 2, -1] }));
const categorical = keep(new api.Categorical({ logits: [[0, 1, 0.5, -1]] }));
const normalBatch = keep(new api.Normal({ loc: [[0, 1]], scale: 1 }));
const indNormal = api.independent(normalBatch, 1);
const indBernoulli = api.independent(bernoulli, 1);

const makeNormal = ([t]: tf.Tensor[]) => new api.Normal({ loc: t!, scale: 1 });
const makeCategorical = ([l]: tf.Tensor[]) => new api.Categorical({ logits: l! });
const square = (z: tf.Tensor) => tf.square(z);
const asFloat = (k: tf.Tensor) => tf.cast(k, 'float32');
const estimate = (e: api.GradientEstimate): tf.Tensor[] => [...e.grads, e.value, e.values];
const spread = (r: api.GradientVarianceResult): tf.Tensor[] => [...r.mean, ...r.variance, ...r.standardError, r.totalVariance];

/** A sampler under test: its seeded draw, as the tensors it returns (the caller disposes them). */
const samplers: [name: string, draw: (seed: Seed) => tf.Tensor[]][] = [
  ['Normal.sample', (seed) => [normal.sample([5], { seed })]],
  ['Normal.rsample', (seed) => [normal.rsample([5], { seed })]],
  ['Normal.fromLogVariance rsample', (seed) => [fromLogVar.rsample([5], { seed })]],
  ['MultivariateNormalTriL.sample', (seed) => [mvn.sample([5], { seed })]],
  ['MultivariateNormalTriL.rsample', (seed) => [mvn.rsample([5], { seed })]],
  ['Logistic.sample', (seed) => [logistic.sample([5], { seed })]],
  ['Logistic.rsample', (seed) => [logistic.rsample([5], { seed })]],
  ['Uniform.sample', (seed) => [uniform.sample([5], { seed })]],
  ['Uniform.rsample', (seed) => [uniform.rsample([5], { seed })]],
  ['Bernoulli.sample', (seed) => [bernoulli.sample([16], { seed })]],
  ['Categorical.sample', (seed) => [categorical.sample([16], { seed })]],
  ['independent(Normal).sample', (seed) => [indNormal.sample([5], { seed })]],
  ['independent(Normal).rsample', (seed) => [indNormal.rsample([5], { seed })]],
  ['independent(Bernoulli).sample', (seed) => [indBernoulli.sample([16], { seed })]],
  ['reparameterizationGradient', (seed) => estimate(api.reparameterizationGradient(square, makeNormal, [theta], { samples: 4, seed }))],
  ['scoreFunctionGradient', (seed) => estimate(api.scoreFunctionGradient(asFloat, makeCategorical, [logitsT], { samples: 8, seed }))],
  ['gradientVariance', (seed) => spread(api.gradientVariance(api.reparameterizationGradient, square, makeNormal, [theta], { samples: 2, repeats: 3, seed }))],
];

const read = (ts: tf.Tensor[]): number[][] => {
  const out = ts.map((t) => Array.from(t.dataSync()));
  tf.dispose(ts);
  return out;
};

describe('seeds: 0, 1 and "a" reproduce bit for bit, and differ from one another', () => {
  it.each(samplers)('%s', (_name, draw) => {
    const before = tf.memory().numTensors;
    const runs = ([0, 1, 'a'] as Seed[]).map((seed) => {
      const first = read(draw(seed));
      expect(read(draw(seed)), `seed ${String(seed)} twice`).toEqual(first);
      return JSON.stringify(first);
    });
    expect(new Set(runs).size, 'seeds 0, 1 and "a" give three different draws').toBe(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the estimators draw what the distribution draws for the same seed (one scheme, no re-seeding)', () => {
    for (const seed of [0, 'a'] as Seed[]) {
      const est = api.reparameterizationGradient((z) => z, makeNormal, [theta], { samples: 3, seed });
      const [values] = read(estimate(est)).slice(-1);
      const d = makeNormal([theta]);
      const [direct] = read([tf.tidy(() => tf.sum(d.sample([3], { seed }), 1))]);
      d.dispose();
      expect(values).toEqual(direct);
    }
  });
});
