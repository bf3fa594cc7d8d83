import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, chiSquare, chiSquareCritical, countLabels, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { ExpRelaxedOneHotCategorical, RelaxedOneHotCategorical } from './relaxed-one-hot-categorical.js';
import { gumbelSoftmax } from './gumbel-softmax.js';
import { concreteCases, statCase } from '../test/golden.js';

const cases = concreteCases();
const tol = { rtol: 1e-5, atol: 1e-4 }; // golden README: Concrete log_prob, float32
const named = cases.map((c) => [`K=${c.K} tau=${c.temperature} logits=[${c.logits.map((l) => l.toFixed(2))}]`, c] as const);

describe('Concrete log-densities against torch.distributions (concrete.json)', () => {
  it('has 48 cases of 4 points (192 log-densities of each kind)', () => {
    expect(cases.length).toBe(48);
    expect(cases.reduce((n, c) => n + c.points.length, 0)).toBe(192);
  });

  it.each(named)('RelaxedOneHotCategorical.logProb (%s)', (_n, c) => {
    const d = new RelaxedOneHotCategorical({ logits: c.logits, temperature: c.temperature });
    const lp = expectNoLeaks(() => d.logProb(c.points.map((p) => p.x)));
    expectClose(lp, c.points.map((p) => p.log_prob), { ...tol, label: 'log_prob' });
    lp.dispose();
    d.dispose();
  });

  it.each(named)('ExpRelaxedOneHotCategorical.logProb (%s)', (_n, c) => {
    const d = new ExpRelaxedOneHotCategorical({ logits: c.logits, temperature: c.temperature });
    const lp = expectNoLeaks(() => d.logProb(c.points.map((p) => p.y_log_x)));
    expectClose(lp, c.points.map((p) => p.exp_relaxed_log_prob), { ...tol, label: 'exp_relaxed_log_prob' });
    lp.dispose();
    d.dispose();
  });

  it.each(named)('the same from probs = softmax(logits), and from shifted logits (%s)', (_n, c) => {
    const m = Math.max(...c.logits);
    const z = c.logits.reduce((s, l) => s + Math.exp(l - m), 0);
    const probs = c.logits.map((l) => Math.exp(l - m) / z);
    const fromProbs = new RelaxedOneHotCategorical({ probs, temperature: c.temperature });
    const shifted = new ExpRelaxedOneHotCategorical({ logits: c.logits.map((l) => l + 7.5), temperature: c.temperature });
    const a = fromProbs.logProb(c.points.map((p) => p.x));
    const b = shifted.logProb(c.points.map((p) => p.y_log_x));
    expectClose(a, c.points.map((p) => p.log_prob), { ...tol, label: 'log_prob from probs' });
    expectClose(b, c.points.map((p) => p.exp_relaxed_log_prob), { ...tol, label: 'exp_relaxed_log_prob from shifted logits' });
    tf.dispose([a, b]);
    fromProbs.dispose();
    shifted.dispose();
  });
});

describe('RelaxedOneHotCategorical / ExpRelaxedOneHotCategorical', () => {
  it('samples: x on the simplex, logsumexp(y) = 0, the same noise as gumbelSoftmax', () => {
    const logits = tf.randomNormal([3, 6], 0, 2, 'float32', 1);
    const g = tf.randomNormal([5, 3, 6], 0, 1, 'float32', 2);
    const d = new RelaxedOneHotCategorical({ logits, temperature: 0.4 });
    const e = new ExpRelaxedOneHotCategorical({ logits, temperature: 0.4 });
    const x = expectNoLeaks(() => d.sample([5], { noise: g }));
    const y = expectNoLeaks(() => e.rsample([5], { noise: g }));
    expect(x.shape).toEqual([5, 3, 6]);
    expectClose(tf.sum(x, -1), tf.ones([5, 3]), { atol: 1e-5, rtol: 0, label: 'Σx' });
    expectClose(tf.logSumExp(y, -1), tf.zeros([5, 3]), { atol: 1e-5, rtol: 0, label: 'logsumexp(y)' });
    expectClose(x, gumbelSoftmax(tf.tile(tf.expandDims(logits, 0), [5, 1, 1]), { noise: g, temperature: 0.4 }), { atol: 1e-6, rtol: 0, label: 'x vs gumbelSoftmax' });
    // the density of a sample: log p_Exp(y) = log p_Concrete(exp y) + Σ y
    expectClose(e.logProb(y), tf.add(d.logProb(x), tf.sum(y, -1)), { atol: 1e-3, rtol: 1e-5, label: 'change of variables' });
    tf.dispose([logits, g, x, y]);
    d.dispose();
    e.dispose();
  });

  it('argmax of samples is Categorical(π) (chi-square, K=5, N = 10000)', () => {
    const c = statCase('gumbel_max_K5');
    const d = new ExpRelaxedOneHotCategorical({ logits: c.logits, temperature: 2 / 3 });
    const y = d.sample([10000], { seed: 31 });
    const k = tf.argMax(y, -1);
    expect(chiSquare(countLabels(k.dataSync(), 5), c.probs).statistic).toBeLessThan(chiSquareCritical(4));
    tf.dispose([y, k]);
    d.dispose();
  });

  it('the two-class density integrates to 1 over the simplex (trapezoid rule)', () => {
    for (const [tau, l] of [[0.3, 1.2], [1, -0.5], [3, 0]] as const) {
      const d = new RelaxedOneHotCategorical({ logits: [l, 0], temperature: tau });
      // integrate in t = logit(x₀) so that both ends are resolved: dx₀ = x₀(1 − x₀) dt
      const ts = Array.from({ length: 4001 }, (_, i) => -60 + (120 * i) / 4000);
      const x0 = ts.map((t) => 1 / (1 + Math.exp(-t)));
      const lp = d.logProb(x0.map((x) => [x, 1 - x])).dataSync();
      let integral = 0;
      for (let i = 1; i < ts.length; i++) {
        const f = (j: number) => Math.exp(lp[j]!) * x0[j]! * (1 - x0[j]!);
        integral += ((f(i) + f(i - 1)) / 2) * (ts[i]! - ts[i - 1]!);
      }
      expect(integral, `tau ${tau}`).toBeCloseTo(1, 3);
      d.dispose();
    }
  });

  it('logProb gradients with respect to the logits match finite differences', () => {
    const c = cases.find((k) => k.K === 5 && k.temperature === 0.5)!;
    const x = tf.tensor2d(c.points.map((p) => p.x));
    const y = tf.tensor2d(c.points.map((p) => p.y_log_x));
    const l0 = tf.tensor1d(c.logits);
    checkGradient((l) => tf.sum(new RelaxedOneHotCategorical({ logits: l, temperature: c.temperature }).logProb(x)) as tf.Scalar, l0, { eps: 1e-2 });
    checkGradient((l) => tf.sum(new ExpRelaxedOneHotCategorical({ logits: l, temperature: c.temperature }).logProb(y)) as tf.Scalar, l0, { eps: 1e-2 });
    tf.dispose([x, y, l0]);
  });

  it('a masked class (logit −Infinity) is left out: the density is that of the other classes', () => {
    const tau = 0.7;
    const full = new RelaxedOneHotCategorical({ logits: [0.4, -Infinity, 1.1, -0.3], temperature: tau });
    const reduced = new RelaxedOneHotCategorical({ logits: [0.4, 1.1, -0.3], temperature: tau });
    const pts = [[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]];
    const a = full.logProb(pts.map(([p, q, r]) => [p!, 0, q!, r!]));
    const b = reduced.logProb(pts);
    expectClose(a, b, { atol: 1e-5, rtol: 1e-6, label: 'masked vs reduced' });
    // mass on the masked class is outside the support
    const off = full.logProb([[0.2, 0.1, 0.4, 0.3]]);
    expect(off.dataSync()[0]).toBe(-Infinity);
    // samples give it exactly zero mass, their density is finite, and so is its gradient
    const x = full.sample([50], { seed: 3 });
    expect(Math.max(...tf.slice(x, [0, 1], [50, 1]).dataSync())).toBe(0);
    expectFinite(full.logProb(x), 'log-density of masked samples');
    const logits = tf.tensor1d([0.4, -Infinity, 1.1, -0.3]);
    const grad = tf.grad((l: tf.Tensor) => tf.sum(new RelaxedOneHotCategorical({ logits: l, temperature: tau }).logProb(x)))(logits);
    expectFinite(grad, 'gradient with a masked class');
    tf.dispose([a, b, off, x, logits, grad]);
    full.dispose();
    reduced.dispose();
  });

  it.each([1e-3, 0.1, 1, 1e3])('stays finite at logits ±1e4 and τ = %s (samples, log-densities, gradients)', (tau) => {
    const logits = tf.tensor2d([[1e4, -1e4, 0], [-1e4, -1e4, 1e4], [0, 0, 0]]);
    const e = new ExpRelaxedOneHotCategorical({ logits, temperature: tau });
    const y = e.sample([4], { seed: 5 });
    expectFinite(y, 'ExpRelaxed sample');
    expectFinite(e.logProb(y), 'ExpRelaxed logProb');
    const d = new RelaxedOneHotCategorical({ logits, temperature: tau });
    const x = d.sample([4], { seed: 5 });
    expectFinite(x, 'Relaxed sample');
    expectFinite(d.logProb(x), 'Relaxed logProb (underflowed coordinates read as 2⁻¹²⁶)');
    const grad = tf.grad((l: tf.Tensor) => tf.sum(new ExpRelaxedOneHotCategorical({ logits: l, temperature: tau }).logProb(tf.keep(y))))(logits);
    expectFinite(grad, 'gradient of the ExpRelaxed log-density');
    const gradSample = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(new ExpRelaxedOneHotCategorical({ logits: l, temperature: tau }).rsample([2], { seed: 6 }), 0.5)))(logits);
    expectFinite(gradSample, 'pathwise gradient of the sample');
    tf.dispose([logits, y, x, grad, gradSample]);
    e.dispose();
    d.dispose();
  });

  it('exposes its parameters and shapes, and frees only what it created', () => {
    const before = tf.memory().numTensors;
    const d = new RelaxedOneHotCategorical({ probs: [[0.2, 0.8], [0.5, 0.5], [1, 0]], temperature: 1 });
    expect(d.batchShape).toEqual([3]);
    expect(d.eventShape).toEqual([2]);
    expect(d.numCategories).toBe(2);
    const p = expectNoLeaks(() => d.probsParameter());
    expectClose(p, [[0.2, 0.8], [0.5, 0.5], [1, 0]], { atol: 1e-6, label: 'probs' });
    const l = d.logitsParameter();
    expect(l.dataSync()[5]).toBe(-Infinity);
    tf.dispose([p, l]);
    d.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the argument on bad input and leaves nothing behind', () => {
    expectThrowsClean(() => new RelaxedOneHotCategorical({ logits: [1, 2], temperature: 0 }), /RelaxedOneHotCategorical: params\.temperature must be a finite number > 0, got 0/);
    expectThrowsClean(() => new ExpRelaxedOneHotCategorical({ logits: [1, 2], temperature: -1 }), /ExpRelaxedOneHotCategorical: params\.temperature must be a finite number > 0, got -1/);
    expectThrowsClean(() => new RelaxedOneHotCategorical({ logits: [1, 2], probs: [0.5, 0.5], temperature: 1 }), /params must be an object with exactly one of `logits` or `probs`, got both/);
    expectThrowsClean(() => new RelaxedOneHotCategorical({ temperature: 1 }), /exactly one of `logits` or `probs`, got neither/);
    expectThrowsClean(() => new RelaxedOneHotCategorical({ probs: [0.5, 1.5], temperature: 1 }), /params\.probs must be probabilities in \[0, 1\], got values in \[0\.5, 1\.5\]/);
    expectThrowsClean(() => new RelaxedOneHotCategorical({ probs: [-0.1, 1.1], temperature: 1 }), /params\.probs must be probabilities in \[0, 1\]/);
    expectThrowsClean(() => new RelaxedOneHotCategorical({ logits: 3, temperature: 1 }), /params\.logits must be a tensor of rank ≥ 1/);
    const ints = tf.tensor1d([1, 2], 'int32');
    expectThrowsClean(() => new RelaxedOneHotCategorical({ logits: ints, temperature: 1 }), /params\.logits must be a float32 tensor, got a int32 tensor of shape \[2\]/);
    ints.dispose();
    const d = new RelaxedOneHotCategorical({ logits: [1, 2, 3], temperature: 1 });
    expectThrowsClean(() => d.logProb([0.5, 0.5]), /RelaxedOneHotCategorical\.logProb: x must be a float32 tensor of shape \[\.\.\., K\] with K = 3, got shape \[2\]/);
    expectThrowsClean(() => d.sample([2], { noise: [[1, 2, 3]] }), /RelaxedOneHotCategorical\.sample: options\.noise must be of the logits' shape \[2, 3\], got shape \[1, 3\]/);
    d.dispose();
  });
});
