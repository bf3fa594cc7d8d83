import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectClose, expectFinite, expectThrowsClean } from '@genmod-internal/testing';
import { discretizedLogisticLikelihood, gaussianLikelihood } from './index.js';

const logN = (x: number, m: number, v: number) => -0.5 * ((x - m) ** 2 / v + Math.log(v) + Math.log(2 * Math.PI));

describe('gaussianLikelihood', () => {
  const x = [[0.2, -1, 0.5], [1, 1, 0]];
  const mean = [[0, -0.5, 0.5], [2, 0, 0.1]];
  const expectRow = (v: (j: number, i: number) => number) => x.map((row, i) => row.reduce((a, xv, j) => a + logN(xv, mean[i]![j]!, v(j, i)), 0));

  it('fixed, learned and per-pixel decoded variances', () => {
    tf.tidy(() => {
      expectClose(gaussianLikelihood()(tf.tensor2d(x), tf.tensor2d(mean)), expectRow(() => 1), { rtol: 1e-6 });
      expectClose(gaussianLikelihood({ variance: 0.3 })(tf.tensor2d(x), tf.tensor2d(mean)), expectRow(() => 0.3), { rtol: 1e-6 });
      const lv = [0.1, -0.5, 1];
      expectClose(gaussianLikelihood({ logVariance: tf.tensor1d(lv) })(tf.tensor2d(x), tf.tensor2d(mean)), expectRow((j) => Math.exp(lv[j]!)), { rtol: 1e-6 });
      const dec = tf.concat([tf.tensor2d(mean), tf.tensor2d([lv, lv.map((v) => -v)])], 1);
      expectClose(gaussianLikelihood({ split: true })(tf.tensor2d(x), dec), expectRow((j, i) => Math.exp(i === 0 ? lv[j]! : -lv[j]!)), { rtol: 1e-6 });
    });
  });

  it('a learned log-variance gets the gradient ½·Σ((x − μ)²/σ² − 1)', () => {
    tf.tidy(() => {
      const g = tf.grad((lv: tf.Tensor) => tf.sum(gaussianLikelihood({ logVariance: lv })(tf.tensor2d(x), tf.tensor2d(mean))))(tf.scalar(0));
      const expected = 0.5 * x.flat().reduce((a, xv, k) => a + (xv - mean.flat()[k]!) ** 2 - 1, 0);
      expectClose(g, expected, { rtol: 1e-5 });
    });
  });

  it('fails clearly', () => {
    expectThrowsClean(() => gaussianLikelihood({ variance: 0 }), /^gaussianLikelihood: options\.variance must be a finite number > 0, got 0$/);
    expectThrowsClean(() => gaussianLikelihood({ variance: 1, split: true }), /at most one of/);
    const like = gaussianLikelihood({ split: true });
    const a = tf.zeros([2, 3]);
    expectThrowsClean(() => like(a, a), /the decoded output must be of shape \[2, 6\]/);
    a.dispose();
  });
});

describe('discretizedLogisticLikelihood', () => {
  const bins = 256;
  const levels = Array.from({ length: bins }, (_, i) => -1 + (2 * i) / (bins - 1));

  it('puts total mass 1 on the 256 levels, for broad, narrow and off-range logistics', () => {
    const like = discretizedLogisticLikelihood({ bins });
    for (const [loc, logS] of [[0, -1], [0.3, -6], [-0.999, -4], [1.7, 0.5], [0.5, -12]] as const) {
      const total = tf.tidy(() => {
        const x = tf.reshape(tf.tensor1d(levels), [bins, 1]);
        const dec = tf.concat([tf.fill([bins, 1], loc), tf.fill([bins, 1], logS)], 1);
        const lp = like(x, dec);
        expectFinite(lp);
        return tf.sum(tf.exp(lp)).dataSync()[0]!;
      });
      expect(total, `loc ${loc}, log s ${logS}`).toBeCloseTo(1, 4);
    }
  });

  it('matches the logistic CDF difference and has finite-difference gradients', () => {
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const like = discretizedLogisticLikelihood({ bins, logScale: -2 });
    const s = Math.exp(-2);
    const x = levels[100]!;
    const expected = Math.log(sig((x + 1 / 255 - 0.1) / s) - sig((x - 1 / 255 - 0.1) / s));
    tf.tidy(() => expectClose(like(tf.tensor2d([[x]]), tf.tensor2d([[0.1]])), [expected], { rtol: 1e-4 }));
    const xs = tf.tensor2d([[-1, levels[40]!, levels[128]!, 1]]);
    checkGradient((p) => tf.sum(discretizedLogisticLikelihood()(xs, p)) as tf.Scalar, tf.tensor2d([[-0.8, -0.6, 0.1, 0.7, -2, -1.5, -2.5, -1]]), { eps: 1e-2, rtol: 3e-2 });
    xs.dispose();
  });
});
