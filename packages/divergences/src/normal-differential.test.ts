// Regressions found by the differential suite (tooling/differential, issue 14): each fails before its fix.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { crossEntropyNormal, klNormalNormal } from './normal.js';

describe('normal divergences at the edges (differential suite, issue 14)', () => {
  it('klNormalNormal has finite gradients for near-equal plain scales of 1e-30 (no squared σ_p + σ_q)', () => {
    // σ_p = σ_q = 1e−30, μ_p − μ_q = −1e−30: KL = ½, ∂/∂σ_p = σ_p/σ_q² − 1/σ_p = 0, ∂/∂σ_q = 1/σ_q − (σ_p² + Δ²)/σ_q³ = −1e30
    const [gp, gq] = tf.grads((sp: tf.Tensor, sq: tf.Tensor) => klNormalNormal({ loc: 0, scale: sp }, { loc: 1e-30, scale: sq }))([tf.scalar(1e-30), tf.scalar(1e-30)]);
    const kl = klNormalNormal({ loc: 0, scale: 1e-30 }, { loc: 1e-30, scale: 1e-30 }).dataSync()[0]!;
    expect(kl).toBeCloseTo(0.5, 5);
    expect(Math.abs(gp!.dataSync()[0]!)).toBeLessThan(1e25); // 0 up to the float32 rounding of 1e−30 (~1e30·2⁻²³)
    expect(gq!.dataSync()[0]! / -1e30).toBeCloseTo(1, 4);
    tf.dispose([gp!, gq!]);
  });

  it('crossEntropyNormal: ∂/∂σ_p = σ_p/σ_q² without cancellation when σ_p ≪ σ_q', () => {
    // H(p, q) = log σ_q + ½·log 2π + (σ_p² + Δ²)/(2σ_q²): at σ_p = 0.01, σ_q = 10 the gradient is 1e−4; as
    // 1/σ_p + expm1(2r)/σ_p it came out 1e−4 ± 6e−6
    const g = tf.grad((sp: tf.Tensor) => crossEntropyNormal({ loc: 0, scale: sp }, { loc: 0, scale: 10 }))(tf.scalar(0.01));
    const want = Math.fround(0.01) / 100;
    expect(Math.abs(g.dataSync()[0]! - want) / want).toBeLessThan(1e-5);
    g.dispose();
  });
});
