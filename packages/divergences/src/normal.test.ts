import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { crossEntropyNormal, entropyNormal, klNormalNormal, klStandardNormal } from './normal.js';
import { TOL, divergences, vae } from '../test/golden.js';

const diag = divergences().diag_gaussian;

describe('klNormalNormal against SciPy/PyTorch (divergences.json diag_gaussian)', () => {
  it('has 3 golden cases (dim 1, 3, 8)', () => expect(diag.map((c) => c.dim)).toEqual([1, 3, 8]));

  it.each(diag.map((c) => [c.dim, c] as const))('dim %i: elementwise, summed, reversed, entropy', (_d, c) => {
    const p = { loc: c.mu1, scale: c.std1 };
    const q = { loc: c.mu2, scale: c.std2 };
    const el = expectNoLeaks(() => klNormalNormal(p, q));
    expectClose(el, c.kl_elementwise, { ...TOL, label: 'kl_elementwise' });
    const sum = klNormalNormal(p, q, { eventRank: 1 });
    expect(sum.shape).toEqual([]);
    expectClose(sum, c.kl_sum, { ...TOL, label: 'kl_sum' });
    const rev = klNormalNormal(q, p, { eventRank: 1 });
    expectClose(rev, c.kl_reverse_sum, { ...TOL, label: 'kl_reverse_sum' });
    const h = entropyNormal(p, { eventRank: 1 });
    expectClose(h, c.entropy1_sum, { ...TOL, label: 'entropy1_sum' });
    tf.dispose([el, sum, rev, h]);
  });

  it('pins the direction: KL(p‖q) is the expectation under p', () => {
    // KL(N(0,1) ‖ N(0,4)) = ½(1/4 − 1 + log 4) = 0.3181; KL(N(0,4) ‖ N(0,1)) = ½(4 − 1 − log 4) = 0.8069
    const a = klNormalNormal({ loc: 0, scale: 1 }, { loc: 0, scale: 2 });
    const b = klNormalNormal({ loc: 0, scale: 2 }, { loc: 0, scale: 1 });
    expectClose(a, 0.5 * (0.25 - 1 + Math.log(4)), TOL);
    expectClose(b, 0.5 * (4 - 1 - Math.log(4)), TOL);
    tf.dispose([a, b]);
  });

  it('is accurate when σ_p ≈ σ_q (no cancellation): relative error < 1e-3 at KL ~ 1e-10', () => {
    for (const [sp, sq] of [[1, 1 + 1e-5], [3, 3 * (1 - 2e-5)], [0.01, 0.01 * (1 + 1e-4)]] as const) {
      const kl = klNormalNormal({ loc: 0, scale: sp }, { loc: 0, scale: sq });
      const r = Math.log(Math.fround(sp)) - Math.log(Math.fround(sq));
      const exact = 0.5 * (Math.expm1(2 * r) - 2 * r);
      expect(Math.abs(kl.dataSync()[0]! - exact) / exact, `${sp} vs ${sq}`).toBeLessThan(1e-3);
      kl.dispose();
    }
  });

  it('is 0 for equal laws, broadcasts parameters, and sums trailing axes with eventRank', () => {
    const z = klNormalNormal({ loc: [[1, 2]], scale: 0.5 }, { loc: [[1, 2]], scale: [0.5, 0.5] });
    expectClose(z, [[0, 0]], { atol: 0, rtol: 0 });
    const b = klNormalNormal({ loc: [[0], [1]], scale: 1 }, { loc: [0, 0, 0], scale: 1 }, { eventRank: 2 });
    expectClose(b, 3 * 0.5, TOL);
    tf.dispose([z, b]);
  });

  it('gradients in all four parameters match finite differences', () => {
    const x0 = tf.tensor2d([[0.3, -1.2, 0.8], [0.6, 1.4, 0.5]]); // rows: μ_p, σ_p (then μ_q, σ_q fixed below)
    const f = (v: tf.Tensor) => {
      const [mp, sp] = tf.unstack(v);
      return tf.sum(klNormalNormal({ loc: mp!, scale: sp! }, { loc: [0.1, 0.2, -0.3], scale: [1.1, 0.7, 2] }, { validate: false })) as tf.Scalar;
    };
    checkGradient(f, x0, { label: 'd/d(μ_p, σ_p)' });
    const g = (v: tf.Tensor) => {
      const [mq, sq] = tf.unstack(v);
      return tf.sum(klNormalNormal({ loc: [0.1, 0.2, -0.3], scale: [1.1, 0.7, 2] }, { loc: mq!, scale: sq! }, { validate: false })) as tf.Scalar;
    };
    checkGradient(g, x0, { label: 'd/d(μ_q, σ_q)' });
    x0.dispose();
  });

  it('names shape and parameter mistakes, leaving nothing allocated', () => {
    expectThrowsClean(() => klNormalNormal({ loc: 0, scale: [1, -1] }, { loc: 0, scale: 1 }), /klNormalNormal: p.scale must be strictly positive, got a minimum of -1/);
    const s = tf.tensor1d([1, 0]);
    expectThrowsClean(() => klNormalNormal({ loc: 0, scale: 1 }, { loc: 0, scale: s }), /klNormalNormal: q.scale must be strictly positive, got a minimum of 0/);
    s.dispose();
    expectThrowsClean(() => klNormalNormal({ loc: [0, 1], scale: 1 }, { loc: [0, 1, 2], scale: 1 }), /klNormalNormal: p and q must be broadcastable shapes, got \[2\] and \[3\]/);
    expectThrowsClean(() => klNormalNormal({ loc: [0, 1], scale: [1, 1, 1] }, { loc: 0, scale: 1 }), /klNormalNormal: p.loc and p.scale must be broadcastable shapes/);
    expectThrowsClean(() => klNormalNormal({ loc: 0 } as never, { loc: 0, scale: 1 }), /klNormalNormal: p.scale must be present/);
    expectThrowsClean(() => klNormalNormal({ loc: [0], scale: 1 }, { loc: 0, scale: 1 }, { eventRank: 2 }), /klNormalNormal: options.eventRank must be an integer in \[0, 1\]/);
    expectThrowsClean(() => klStandardNormal([[0, 1]], [[0, 1, 2]]), /klStandardNormal: loc and logVar must be broadcastable shapes/);
    expectThrowsClean(() => entropyNormal({ scale: -2 }), /entropyNormal: p.scale must be strictly positive/);
    const i = tf.tensor1d([1], 'int32');
    expectThrowsClean(() => klNormalNormal({ loc: i, scale: 1 }, { loc: 0, scale: 1 }), /klNormalNormal: p.loc must be a float32 tensor, got a int32 tensor/);
    i.dispose();
  });
});

describe('klStandardNormal, the VAE regularizer (vae.json)', () => {
  const v = vae();
  it('elementwise, summed per example and averaged over the batch', () => {
    const el = expectNoLeaks(() => klStandardNormal(v.mu, v.logvar));
    expectClose(el, v.kl_elementwise, { ...TOL, label: 'kl_elementwise' });
    const sum = klStandardNormal(v.mu, v.logvar, { eventRank: 1 });
    expectClose(sum, v.kl_sum, { ...TOL, label: 'kl_sum' });
    const mean = tf.mean(sum);
    expectClose(mean, v.kl_mean_over_batch, { ...TOL, label: 'kl_mean_over_batch' });
    tf.dispose([el, sum, mean]);
  });

  it('equals klNormalNormal to N(0, 1), and its gradient matches finite differences', () => {
    const a = klStandardNormal(v.mu, v.logvar);
    const b = tf.tidy(() => klNormalNormal({ loc: v.mu, scale: tf.exp(tf.mul(tf.tensor2d(v.logvar), 0.5)) }, { loc: 0, scale: 1 }));
    expectClose(a, b, { rtol: 1e-5, atol: 1e-6 });
    const x0 = tf.tensor2d([v.mu[0]!, v.logvar[0]!]);
    checkGradient((t) => {
      const [mu, lv] = tf.unstack(t);
      return tf.sum(klStandardNormal(mu!, lv!)) as tf.Scalar;
    }, x0);
    tf.dispose([a, b, x0]);
  });
});

describe('entropyNormal and crossEntropyNormal', () => {
  it('H(p, q) = H(p) + KL(p‖q), and H(p, p) = H(p)', () => {
    const p = { loc: [0.5, -1], scale: [0.3, 2] };
    const q = { loc: [0, 1], scale: [1, 0.5] };
    const ce = crossEntropyNormal(p, q);
    const sum = tf.tidy(() => tf.add(entropyNormal(p), klNormalNormal(p, q)));
    expectClose(ce, sum, { rtol: 1e-5, atol: 1e-5 });
    const self = crossEntropyNormal(p, p, { eventRank: 1 });
    expectClose(self, 0.5 * Math.log(2 * Math.PI * Math.E) * 2 + Math.log(0.3) + Math.log(2), TOL);
    tf.dispose([ce, sum, self]);
  });

  it('entropy gradients match finite differences', () => {
    const s = tf.tensor1d([0.3, 1.5]);
    checkGradient((t) => tf.sum(entropyNormal({ scale: t }, { validate: false })) as tf.Scalar, s);
    const m = tf.tensor1d([0.2, -0.4]);
    checkGradient((t) => tf.sum(crossEntropyNormal({ loc: t, scale: 0.7 }, { loc: 0, scale: [1, 2] })) as tf.Scalar, m);
    tf.dispose([s, m]);
  });
});
