// spectralNorm at float32 scales of W from 1e-30 to 1e30 (issue 14, found by the differential suite): the power
// iteration squared ‖W u‖ out of the float32 range (σ came out 0, W/σ Infinity or NaN), its ε = 1e-12 was
// absolute (σ 0.6 % low at W·1e-10), and the gradient of W / σ squared σ.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { spectralNorm } from './spectral-norm.js';

// σ₁ = 3.42112404… (float64 svd of W)
const W = [[3, 1, 0], [0, 1, 2], [1, 0, 1], [0.5, 0.2, 0.1]];
const SIGMA = 3.4211240410356;
const u0 = [0.3, -1, 0.5];

function at(scale: number) {
  return tf.tidy(() => {
    const w = tf.mul(tf.tensor2d(W), scale);
    const u = tf.tensor1d(u0);
    const r = spectralNorm(w, u, { iterations: 50 });
    const gWeight = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(spectralNorm(x, u, { iterations: 50 }).weight, tf.tensor2d([[1, 2, 3], [-1, 0, 1], [2, 2, -2], [1, -3, 0.5]]))))(w);
    const gSigma = tf.grad((x: tf.Tensor) => spectralNorm(x, u, { iterations: 50 }).sigma)(w);
    return { sigma: r.sigma.dataSync()[0]!, weight: Array.from(r.weight.dataSync()), gWeight: Array.from(gWeight.dataSync()), gSigma: Array.from(gSigma.dataSync()) };
  });
}

const close = (a: number, b: number, rtol: number, atol = 0) => Math.abs(a - b) <= atol + rtol * Math.abs(b);

describe('spectralNorm at scales of W from 1e-30 to 1e30', () => {
  const unit = at(1);
  it('the unit-scale reference is right', () => {
    expect(close(unit.sigma, SIGMA, 1e-5)).toBe(true);
  });
  it('W = 0: σ = 0 and a zero weight (documented), not NaN', () => {
    const r = spectralNorm(tf.zeros([3, 2]), tf.tensor1d([1, 0.5]), { iterations: 3 });
    expect(r.sigma.dataSync()[0]).toBe(0);
    expect(Array.from(r.weight.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose([r.sigma, r.weight, r.u]);
  });
  for (const s of [1e-30, 1e-20, 1e-10, 1e10, 1e20, 1e30]) {
    it(`W·${s}: σ, W/σ and both gradients scale exactly`, () => {
      const r = at(s);
      expect(close(r.sigma, SIGMA * s, 1e-5), `σ ${r.sigma}`).toBe(true);
      r.weight.forEach((w, i) => expect(close(w, unit.weight[i]!, 1e-5, 1e-6), `weight[${i}] ${w}`).toBe(true));
      // W/σ is scale-invariant: its gradient scales like 1/s; σ's gradient v·uᵀ does not scale
      r.gWeight.forEach((g, i) => expect(close(g * s, unit.gWeight[i]!, 1e-4, 1e-5), `∂/∂W[${i}] ${g}`).toBe(true));
      r.gSigma.forEach((g, i) => expect(close(g, unit.gSigma[i]!, 1e-5, 1e-6), `∂σ/∂W[${i}] ${g}`).toBe(true));
    });
  }
});
