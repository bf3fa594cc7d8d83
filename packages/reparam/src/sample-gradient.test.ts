// `sample` never carries gradients (only `rsample` does): for every distribution, the gradient of a function
// of sample() with respect to every parameter is exactly zero, while rsample's (where it exists) is not.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';

type Make = (p: tf.Tensor) => api.Distribution;
/** [name, the distribution built from one parameter tensor, the parameter's value] */
const laws: [string, Make, number[] | number[][]][] = [
  ['Normal (loc)', (p) => new api.Normal({ loc: p, scale: 1 }), [0, 1]],
  ['Normal (scale)', (p) => new api.Normal({ loc: 0, scale: p }), [1, 2]],
  ['Normal.fromLogVariance (logVar)', (p) => api.Normal.fromLogVariance([0, 0], p), [0, -1]],
  ['MultivariateNormalTriL (loc)', (p) => new api.MultivariateNormalTriL({ loc: p, scaleTril: [[1, 0], [0.5, 2]] }), [0, 1]],
  ['MultivariateNormalTriL (scaleTril)', (p) => new api.MultivariateNormalTriL({ loc: [0, 1], scaleTril: p }), [[1, 0], [0.5, 2]]],
  ['Logistic (loc)', (p) => new api.Logistic({ loc: p, scale: 2 }), [0, 1]],
  ['Logistic (scale)', (p) => new api.Logistic({ loc: 0, scale: p }), [1, 2]],
  ['Uniform (low)', (p) => new api.Uniform({ low: p, high: 3 }), [0, 1]],
  ['Uniform (high)', (p) => new api.Uniform({ low: 0, high: p }), [1, 2]],
  ['Bernoulli (logits)', (p) => new api.Bernoulli({ logits: p }), [0, 2]],
  ['Bernoulli (probs)', (p) => new api.Bernoulli({ probs: p }), [0.3, 0.6]],
  ['Categorical (logits)', (p) => new api.Categorical({ logits: p }), [0, 1, -1]],
  ['Categorical (probs)', (p) => new api.Categorical({ probs: p }), [0.2, 0.5, 0.3]],
  ['independent(Normal) (loc)', (p) => api.independent(new api.Normal({ loc: p, scale: 1 }), 1), [0, 1]],
];

describe('sample() carries no gradient; rsample() does', () => {
  it.each(laws)('%s', (_name, make, value) => {
    const p = tf.tensor(value);
    const through = (method: 'sample' | 'rsample') =>
      tf.grad((q: tf.Tensor) => {
        const d = make(q) as api.Distribution & { rsample?: (s: number[], o: object) => tf.Tensor };
        return tf.sum(tf.mul(tf.cast(d[method]!([4], { seed: 0 }), 'float32'), 3));
      })(p);
    const g = through('sample');
    expect(Array.from(g.dataSync()).every((v) => v === 0)).toBe(true);
    let reparameterized = false;
    tf.tidy(() => {
      reparameterized = 'rsample' in make(p); // what the probe allocates is freed by the tidy
    });
    expect(reparameterized).toBe(!/Bernoulli|Categorical/.test(_name));
    if (reparameterized) {
      const r = through('rsample');
      expect(Array.from(r.dataSync()).some((v) => v !== 0)).toBe(true);
      r.dispose();
    }
    tf.dispose([g, p]);
  });
});
