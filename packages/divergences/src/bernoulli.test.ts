import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { crossEntropyBernoulli, entropyBernoulli, klBernoulli } from './bernoulli.js';
import { klCategorical } from './categorical.js';
import { TOL, vae } from '../test/golden.js';

const klExact = (p: number, q: number) => (p > 0 ? p * Math.log(p / q) : 0) + (p < 1 ? (1 - p) * Math.log((1 - p) / (1 - q)) : 0);

describe('Bernoulli KL, entropy and cross-entropy', () => {
  it('match the closed form in float64 and the two-class categorical, both directions', () => {
    const ps = [0.5, 0.1, 0.999, 0, 1, 0.3];
    const qs = [0.9, 0.1, 0.001, 0.4, 0.6, 0.7];
    const kl = expectNoLeaks(() => klBernoulli({ probs: ps }, { probs: qs }));
    expectClose(kl, ps.map((p, i) => klExact(p, qs[i]!)), TOL);
    const rev = klBernoulli({ probs: qs }, { probs: ps });
    expectClose(rev, ps.map((p, i) => (p === 0 || p === 1 ? null : klExact(qs[i]!, p))), TOL); // q puts mass where p = 0: +Infinity
    const cat = klCategorical({ probs: ps.map((p) => [1 - p, p]) }, { probs: qs.map((q) => [1 - q, q]) });
    expectClose(kl, cat, TOL);
    const h = entropyBernoulli({ probs: [0.5, 0, 1, 0.1] }, { base: 2 });
    expectClose(h, [1, 0, 0, -(0.1 * Math.log2(0.1) + 0.9 * Math.log2(0.9))], TOL);
    tf.dispose([kl, rev, cat, h]);
  });

  it('from logits equals from probs, and stays exact at logits ±1e4 (values and gradients finite)', () => {
    const l = [-2, 0, 3];
    const sig = l.map((v) => 1 / (1 + Math.exp(-v)));
    const a = klBernoulli({ logits: l }, { logits: [1, 1, 1] });
    expectClose(a, sig.map((p) => klExact(p, 1 / (1 + Math.exp(-1)))), TOL);
    const big = tf.tensor1d([1e4, -1e4, 50]);
    const f = (t: tf.Tensor) => tf.sum(tf.add(klBernoulli({ logits: t }, { logits: [0, 0, 0] }), entropyBernoulli({ logits: t })));
    const v = f(big);
    expectClose(v, 3 * Math.LN2, { rtol: 1e-5, atol: 1e-5 }); // KL(one-hot‖½) = log 2 each; entropies ≈ 0
    const g = tf.grad(f)(big);
    expectFinite(g);
    tf.dispose([a, big, v, g]);
  });

  it('crossEntropyBernoulli is the VAE Bernoulli decoder loss (vae.json, logits up to ±50)', () => {
    const v = vae();
    for (const [x, expected] of [[v.x, v.bernoulli_log_likelihood], [v.x_continuous, v.bernoulli_log_likelihood_x_continuous]] as const) {
      const ll = tf.tidy(() => tf.neg(tf.sum(crossEntropyBernoulli({ probs: x }, { logits: v.x_logits }), -1)));
      expectClose(ll, expected, { ...TOL, label: 'bernoulli_log_likelihood' });
      ll.dispose();
    }
  });

  it('gradients match finite differences', () => {
    const l = tf.tensor1d([-1.5, 0.2, 2]);
    checkGradient((t) => tf.sum(klBernoulli({ logits: t }, { logits: [0.5, -1, 1] })) as tf.Scalar, l, { label: 'wrt p' });
    checkGradient((t) => tf.sum(klBernoulli({ logits: [0.5, -1, 1] }, { logits: t })) as tf.Scalar, l, { label: 'wrt q' });
    checkGradient((t) => tf.sum(crossEntropyBernoulli({ probs: [0.2, 1, 0] }, { logits: t })) as tf.Scalar, l, { label: 'cross-entropy' });
    checkGradient((t) => tf.sum(entropyBernoulli({ logits: t })) as tf.Scalar, l, { label: 'entropy' });
    l.dispose();
  });

  it('names mistakes, leaving nothing allocated', () => {
    expectThrowsClean(() => klBernoulli({ probs: [0.5, 2] }, { probs: 0.5 }), /klBernoulli: p.probs must be probabilities in \[0, 1\], got values in \[0.5, 2\]/);
    expectThrowsClean(() => klBernoulli({ probs: [0.5, 0.2] }, { probs: [0.5, 0.2, 0.1] }), /klBernoulli: p and q must be broadcastable shapes, got \[2\] and \[3\]/);
    expectThrowsClean(() => crossEntropyBernoulli({ probs: 1 }, { logits: 'a' as never }), /crossEntropyBernoulli: q.logits must be a float32 tensor or a \(nested\) array of numbers, got a/);
    expect(true).toBe(true);
  });
});
