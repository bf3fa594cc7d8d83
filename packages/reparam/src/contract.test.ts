// Every distribution the package exports implements core's contract: a family tag, batch and event shapes,
// a support, sample / logProb, and rsample exactly on the reparameterizable laws.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks } from '@genmod-internal/testing';
import { hasRsample, isDistribution } from '@genmod-internal/core';
import * as api from './index.js';

const laws: [family: string, support: api.Support, reparameterized: boolean, make: () => api.Distribution & { dispose(): void }][] = [
  ['Normal', 'real', true, () => new api.Normal({ loc: [0, 1], scale: 2 })],
  ['MultivariateNormalTriL', 'real', true, () => new api.MultivariateNormalTriL({ loc: [0, 1], scaleTril: [[1, 0], [0.5, 2]] })],
  ['Logistic', 'real', true, () => new api.Logistic({ loc: 0, scale: 1 })],
  ['Uniform', 'interval', true, () => new api.Uniform({ low: 0, high: 1 })],
  ['Bernoulli', 'binary', false, () => new api.Bernoulli({ probs: [0.2, 0.9] })],
  ['Categorical', 'index', false, () => new api.Categorical({ logits: [0, 1, 2] })],
];

describe('the distribution contract', () => {
  it.each(laws)('%s: family, support, shapes, and rsample only when reparameterizable', (family, support, reparameterized, make) => {
    const d = make();
    expect(isDistribution(d)).toBe(true);
    expect([d.family, d.support, hasRsample(d)]).toEqual([family, support, reparameterized]);
    const view = api.independent(d, d.batchShape.length);
    expect(isDistribution(view)).toBe(true);
    expect([view.family, view.support, hasRsample(view), view.batchShape]).toEqual(['Independent', support, reparameterized, []]);
    d.dispose();
  });
});

describe('Normal.logStddev (NormalLaw)', () => {
  it('is log σ over the batch shape, exact from a log-variance where σ under- or overflows', () => {
    const a = new api.Normal({ loc: [[0], [1]], scale: [1, 2] });
    const b = api.Normal.fromLogVariance([0, 0], [-300, 300]);
    const c = api.Normal.fromLogScale([0], [-120]);
    const [la, lb, lc] = expectNoLeaks(() => [a.logStddev(), b.logStddev(), c.logStddev()]);
    expectClose(la!, [[0, Math.LN2], [0, Math.LN2]], { rtol: 1e-6, atol: 1e-7 });
    expectClose(lb!, [-150, 150], { rtol: 1e-6 });
    expectClose(lc!, [-120], { rtol: 1e-6 });
    tf.dispose([la!, lb!, lc!]);
    [a, b, c].forEach((d) => d.dispose());
  });

  it('logProb multiplies by e^(−log σ) (never divides by σ): finite values and gradients at log σ = ±60', () => {
    const x = tf.tensor1d([1e-20, 3, 1e20]);
    const p = tf.tensor1d([-60, 0, 60]);
    const g = tf.grad((ls: tf.Tensor) => tf.sum(api.Normal.fromLogScale([0, 0, 0], ls).logProb(x)))(p);
    expectFinite(g);
    const d = api.Normal.fromLogScale([0, 0, 0], p);
    const lp = d.logProb(x);
    expectFinite(lp);
    // log p(x) = −½·(x·e^(−log σ))² − log σ − ½·log 2π
    expectClose(lp, [-0.5 * (1e-20 * Math.exp(60)) ** 2 + 60, -4.5, -0.5 * (1e20 * Math.exp(-60)) ** 2 - 60].map((v) => v - 0.5 * Math.log(2 * Math.PI)), { rtol: 1e-5 });
    checkGradient((ls) => tf.sum(api.Normal.fromLogScale([0, 0, 0], ls).logProb([0.5, -1, 2])) as tf.Scalar, tf.tensor1d([-0.5, 0, 0.7]), { eps: 1e-2 });
    tf.dispose([x, p, g, lp]);
    d.dispose();
  });
});
