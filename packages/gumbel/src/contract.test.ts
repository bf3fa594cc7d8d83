// The shared distribution contract, over every law of the package: family tag, support, batch and event
// shapes, the shapes of draws and log-densities, sample without gradient and rsample with one.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { hasRsample, isDistribution, type ReparameterizedDistribution } from '@genmod-internal/core';
import { expectFinite } from '@genmod-internal/testing';
import * as api from './index.js';

type Law = ReparameterizedDistribution & { dispose(): void };
// each row builds its law from a parameter tensor p (so gradients can reach p)
const laws: [family: string, support: string, param: number[][], make: (p: tf.Tensor) => Law, batch: number[], event: number[]][] = [
  ['Gumbel', 'real', [[0, 1, 2], [-1, 0.5, 3]], (p) => new api.Gumbel({ loc: p, scale: 2 }), [2, 3], []],
  ['RelaxedOneHotCategorical', 'simplex', [[1, 0.5, -0.3], [0, 0, 2]], (p) => new api.RelaxedOneHotCategorical({ logits: p, temperature: 0.5 }), [2], [3]],
  ['ExpRelaxedOneHotCategorical', 'log-simplex', [[1, 0.5, -0.3], [0, 0, 2]], (p) => new api.ExpRelaxedOneHotCategorical({ logits: p, temperature: 0.5 }), [2], [3]],
  ['RelaxedBernoulli', 'unit-interval', [[1, 0.5, -0.3], [0, 0, 2]], (p) => new api.RelaxedBernoulli({ logits: p, temperature: 0.5 }), [2, 3], []],
];

describe('every distribution implements the contract', () => {
  it.each(laws)('%s: family, support, batchShape and eventShape', (family, support, param, make, batch, event) => {
    const p = tf.tensor2d(param);
    const d = make(p);
    expect(isDistribution(d)).toBe(true);
    expect(hasRsample(d)).toBe(true);
    expect([d.family, d.support]).toEqual([family, support]);
    expect([d.batchShape, d.eventShape]).toEqual([batch, event]);
    const x = d.sample([4, 5], { seed: 0 });
    expect(x.shape).toEqual([4, 5, ...batch, ...event]);
    const lp = d.logProb(x);
    expect(lp.shape).toEqual([4, 5, ...batch]);
    expectFinite(lp, `${family}.logProb(sample)`);
    tf.dispose([p, x, lp]);
    d.dispose();
  });

  it.each(laws)('%s: sample carries no gradient, rsample does', (family, _s, param, make, batch, event) => {
    const p = tf.tensor2d(param);
    const w = tf.randomNormal([3, ...batch, ...event], 0, 1, 'float32', 5);
    const through = (m: 'sample' | 'rsample') =>
      tf.grad((q: tf.Tensor) => {
        const d = make(q);
        return tf.sum(tf.mul(d[m]([3], { seed: 'a' }), w)) as tf.Scalar;
      })(p);
    const [gs, gr] = [through('sample'), through('rsample')];
    expect(Array.from(gs.dataSync()).every((v) => v === 0), `${family}: the gradient of sample is zero`).toBe(true);
    expectFinite(gr, `${family}: the gradient of rsample`);
    expect(Array.from(gr.dataSync()).some((v) => v !== 0), `${family}: the gradient of rsample is not zero`).toBe(true);
    tf.dispose([p, w, gs, gr]);
  });
});

describe('gumbelSoftmax with one class (core oneHotFloat)', () => {
  it.each([false, true])('K = 1 gives [1] (hard %s), with a finite gradient', (hard) => {
    const logits = tf.tensor2d([[3], [-2]]);
    const y = api.gumbelSoftmax(logits, { hard, seed: 0, temperature: 0.5 });
    expect(y.arraySync()).toEqual([[1], [1]]);
    const g = tf.grad((l: tf.Tensor) => tf.sum(api.gumbelSoftmax(l, { hard, seed: 0 })))(logits);
    expect(Array.from(g.dataSync())).toEqual([0, 0]);
    tf.dispose([logits, y, g]);
  });

  it('hard K = 1 along axis 0', () => {
    const y = api.gumbelSoftmax([[1, 2, 3]], { hard: true, axis: 0, seed: 1 });
    expect(y.arraySync()).toEqual([[1, 1, 1]]);
    y.dispose();
  });
});
