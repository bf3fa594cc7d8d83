import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectNoLeaks, expectThrowsClean } from '@genmod-internal/testing';
import { infoNce, infoNceLoss } from './info-nce.js';

/** −log softmax(row i)_i per row, float64. */
function ceHost(s: number[][]): number[] {
  return s.map((row, i) => {
    const m = Math.max(...row);
    return Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) + m - row[i]!;
  });
}

const Q = [[1, 0, 0.5], [0.2, 1, -0.3], [-1, 0.4, 0.8]];
const K = [[0.9, 0.1, 0.4], [0, 2, 0], [-0.5, 0.5, 0.5]];

describe('infoNceLoss', () => {
  it('is the row-wise cross-entropy with the positives on the diagonal (mean, sum, none)', () => {
    const s = [[5, 0, 1], [0.3, 2, -1], [1, 1, 1]];
    const none = expectNoLeaks(() => infoNceLoss(s, { reduction: 'none' }));
    const e = ceHost(s);
    expectClose(none, e, { rtol: 1e-5, atol: 1e-6 });
    const mean = infoNceLoss(s);
    expectClose(mean, e.reduce((a, b) => a + b) / 3, { rtol: 1e-5, atol: 1e-6 });
    const sum = infoNceLoss(s, { reduction: 'sum' });
    expectClose(sum, e.reduce((a, b) => a + b), { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([none, mean, sum]);
  });

  it('stays finite at scores ±1e4 and −Infinity masks, gradients included', () => {
    const s = tf.tensor2d([[1e4, -1e4], [-Infinity, 0]]);
    const v = infoNceLoss(s, { reduction: 'none' });
    expectClose(v, [0, 0], { atol: 1e-6, rtol: 0 });
    const g = tf.grad((t: tf.Tensor) => infoNceLoss(t))(s);
    expectFinite(g);
    tf.dispose([s, v, g]);
  });

  it('gradients match finite differences; names mistakes', () => {
    checkGradient((t) => infoNceLoss(t) as tf.Scalar, tf.tensor2d([[0.5, 0, 1], [0.3, 2, -1], [1, 0.2, 1]]));
    expectThrowsClean(() => infoNceLoss([[1, 2, 3]]), /infoNceLoss: scores must be a non-empty square matrix \[B, B\] \(positives on the diagonal\), got shape \[1, 3\]/);
    expectThrowsClean(() => infoNceLoss([[1]], { reduction: 'avg' as never }), /infoNceLoss: options.reduction must be one of 'mean', 'sum', 'none', got avg/);
  });
});

describe('infoNce (NT-Xent over cosine similarities)', () => {
  it('matches float64 cosine similarities / τ through the cross-entropy', () => {
    const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    const qs = Q.map(unit);
    const ks = K.map(unit);
    for (const tau of [0.1, 0.5, 1]) {
      const s = qs.map((q) => ks.map((k) => q.reduce((a, v, i) => a + v * k[i]!, 0) / tau));
      const l = expectNoLeaks(() => infoNce(Q, K, { temperature: tau, reduction: 'none' }));
      expectClose(l, ceHost(s), { rtol: 1e-5, atol: 1e-5, label: `tau ${tau}` });
      l.dispose();
    }
  });

  it('is invariant to the embeddings’ norms, low for matched views and finite for a zero vector', () => {
    const a = infoNce(Q, K);
    const b = infoNce(Q.map((r) => r.map((v) => v * 7)), K);
    expectClose(a, b, { rtol: 1e-5, atol: 1e-6 });
    const z = tf.randomNormal([16, 8], 0, 1, 'float32', 1);
    const matched = infoNce(z, z, { temperature: 0.05 }).dataSync()[0]!;
    const shuffled = tf.tidy(() => infoNce(z, tf.reverse(z, 0), { temperature: 0.05 }).dataSync()[0]!);
    expect(matched).toBeLessThan(0.05); // the positive stands out: cos = 1 vs the rest
    expect(shuffled).toBeGreaterThan(5); // wrong pairs: the "positive" is a random vector
    const x = tf.tensor2d([[0, 0, 0], [1, 2, 3]]);
    const g = tf.grad((t: tf.Tensor) => infoNce(t, [[1, 0, 0], [0, 1, 0]]))(x);
    expectFinite(g);
    tf.dispose([a, b, z, x, g]);
  });

  it('gradients match finite differences; names mistakes', () => {
    checkGradient((t) => infoNce(t, K, { temperature: 0.5 }) as tf.Scalar, tf.tensor2d(Q));
    checkGradient((t) => infoNce(Q, t, { temperature: 0.5 }) as tf.Scalar, tf.tensor2d(K));
    expectThrowsClean(() => infoNce(Q, [[1, 2, 3]]), /infoNce: query and keys must be of the same shape, got \[3, 3\] and \[1, 3\]/);
    expectThrowsClean(() => infoNce(Q, K, { temperature: 0 }), /infoNce: options.temperature must be a finite number > 0, got 0/);
  });
});
