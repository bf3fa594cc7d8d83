// Regression found by the differential suite (tooling/differential, issue 14): fails before its fix.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { klMultivariateNormal } from './multivariate-normal.js';

describe('klMultivariateNormal for near-identical laws (differential suite, issue 14)', () => {
  it('is accurate to float32 relative precision, not d·2⁻²³ absolute (d = 64, L_q = L_p·(1 + 2⁻¹²))', () => {
    const d = 64;
    const eps = 2 ** -12;
    const diag = Array.from({ length: d }, (_, i) => Math.fround(Math.exp(0.3 * Math.sin(i))));
    const lp = tf.diag(tf.tensor1d(diag));
    const lq = tf.diag(tf.tensor1d(diag.map((v) => Math.fround(v * (1 + eps)))));
    // float64 closed form: ½·Σ (s² − 1 − 2·log s), s = L_p,ii / L_q,ii
    let want = 0;
    diag.forEach((v) => {
      const s = v / Math.fround(v * (1 + eps));
      want += 0.5 * (s * s - 1 - 2 * Math.log(s));
    });
    const kl = klMultivariateNormal({ loc: tf.zeros([d]), scaleTril: lp }, { loc: tf.zeros([d]), scaleTril: lq });
    expect(Math.abs(kl.dataSync()[0]! - want) / want).toBeLessThan(1e-4); // want ≈ 1.9e−6; it was off by ~1e−5 absolute
    tf.dispose([lp, lq, kl]);
  });
});
