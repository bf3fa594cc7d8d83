/**
 * Regression tests for the defects the differential suite (tooling/differential, issue 14) found; each failed
 * before its fix.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  discretizedGaussianLogLikelihood, dynamicThreshold, predictX0FromEps, rescaleZeroTerminalSnr, scaledLinearSchedule,
  scheduleFromBetas, sinusoidalTimestepEmbedding, trailingTimesteps,
} from './index.js';

describe('differential edges (issue 14)', () => {
  it('schedule: 1 − ᾱ in log form, betas below 2⁻⁵³ keep √(1 − ᾱ), β̃, SNR exact', () => {
    const s = scheduleFromBetas([1e-20, 1e-12, 1e-8, 1e-4]);
    expect(s.sqrtOneMinusAlphasCumprod[0]! / 1e-10 - 1).toBeCloseTo(0, 12);
    expect(s.sqrtRecipm1AlphasCumprod[0]! / 1e-10 - 1).toBeCloseTo(0, 12);
    expect(s.snr[0]! / 1e20 - 1).toBeCloseTo(0, 12);
    // β̃₂ = β₂·(1 − ᾱ₁)/(1 − ᾱ₂) = 1e-12·1e-20/(1e-12 + 1e-20 − 1e-32)
    expect(s.posteriorVariance[1]! / (1e-32 / (1e-12 + 1e-20)) - 1).toBeCloseTo(0, 10);
    expect(Number.isFinite(s.posteriorLogVarianceClipped[0]!)).toBe(true);
  });

  it('predictX0FromEps at ᾱ = 0 is ±Infinity (the sign of x_t − ε), not NaN', () => {
    const s = rescaleZeroTerminalSnr(scaledLinearSchedule(10));
    const x0 = predictX0FromEps([[1, 2, -1]], 9, [[0.5, -3, 2]], s);
    expect(Array.from(x0.dataSync())).toEqual([Infinity, Infinity, -Infinity]);
    tf.dispose(x0);
  });

  it('trailingTimesteps rounds exact halves as numpy.arange(T, 0, −T/n) does (diffusers)', () => {
    // T + i·δ with δ = (904 − 11.3) − 904, as numpy computes it: i = 75 gives 56.5 + an ulp (rounds to 57, − 1)
    expect(Array.from(trailingTimesteps(904, 80)).slice(0, 5)).toEqual([10, 22, 33, 44, 56]);
    expect(Array.from(trailingTimesteps(169, 168))[83]).toBe(84);
  });

  it('sinusoidalTimestepEmbedding of a tensor t with dim 1 is differentiable (0)', () => {
    const g = tf.grad((t: tf.Tensor) => tf.sum(sinusoidalTimestepEmbedding(t, 1)))(tf.tensor1d([3, 7]));
    expect(Array.from(g.dataSync())).toEqual([0, 0]);
  });

  it('dynamicThreshold is differentiable for a batch [B, D] (s broadcast before minimum / maximum)', () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(dynamicThreshold(x)))(tf.tensor2d([[0.5, 0.2], [0.1, -0.3]]));
    expect(Array.from(g.dataSync())).toEqual([1, 1, 1, 1]);
  });

  it('discretizedGaussianLogLikelihood: tails and narrow bins to float32 precision', () => {
    // mpmath at 40 digits: log(Φ(b) − Φ(a)), edges log Φ(b) and log(1 − Φ(a))
    const cases: [number, number, number, number][] = [
      [0, 0.03, -5, -9.82481050191952], // the bin 4–5 σ below the mean (1 + erf lost 3 digits)
      [0, -0.025, -5, -7.046772101971702], // 3–4 σ above
      [1 / 127.5 - 1, 0, 3, -8.768274915276898], // σ = 20: a bin 1/2500 of σ wide (Φ(b) − Φ(a) cancelled)
      [1, 0.99, -6, -4.947789933675739], // the top edge, 4 σ out
      [0, 0, 0.5, -6.267055840720755],
    ];
    for (const [x, m, ls, want] of cases) {
      const v = discretizedGaussianLogLikelihood([x], [m], [ls]);
      expect(Math.abs(v.dataSync()[0]! - want)).toBeLessThan(2e-5 * Math.abs(want));
      v.dispose();
    }
  });
});
