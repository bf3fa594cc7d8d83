// The exact denoiser for data from a known Gaussian N(μ, s²·I): with x_t = √ᾱ x₀ + √(1 − ᾱ) ε,
//   E[ε | x_t] = √(1 − ᾱ)·(x_t − √ᾱ μ)/(ᾱ s² + 1 − ᾱ),   E[x₀ | x_t] = μ + s²√ᾱ (x_t − √ᾱ μ)/(ᾱ s² + 1 − ᾱ).
import * as tf from '@tensorflow/tfjs-core';
import type { Schedule } from '../src/index.js';

export function oracleDenoiser(schedule: Schedule, mu: number[], s: number): (xt: tf.Tensor, t: tf.Tensor) => tf.Tensor {
  // the denoiser sees original timesteps: index them by the original schedule's ᾱ (a respaced schedule keeps them)
  const abarByTimestep = new Float32Array(Math.max(...schedule.timesteps) + 1);
  schedule.timesteps.forEach((ts, i) => (abarByTimestep[ts] = schedule.alphasCumprod[i]!));
  return (xt, t) =>
    tf.tidy(() => {
      const a = tf.expandDims(tf.gather(tf.tensor1d(abarByTimestep), t), 1);
      const sa = tf.sqrt(a);
      const centered = tf.sub(xt, tf.mul(sa, tf.tensor1d(mu)));
      return tf.div(tf.mul(tf.sqrt(tf.sub(1, a)), centered), tf.add(tf.mul(a, s * s), tf.sub(1, a)));
    });
}

/** E[(x₀ − x̂₀(x_t))² | x₀] for the oracle at index i, per coordinate (float64). */
export function oracleSquaredError(schedule: Schedule, i: number, x0MinusMu: number, s: number): number {
  const a = schedule.alphasCumprod[i]!;
  const k = (s * s * Math.sqrt(a)) / (a * s * s + 1 - a);
  return x0MinusMu ** 2 * (1 - k * Math.sqrt(a)) ** 2 + k * k * (1 - a);
}

/** The optimal per-step variance of the reverse step for this data: β̃_t + c1_t²·Var[x₀ | x_t]. */
export function oracleVariances(schedule: Schedule, s: number): Float64Array {
  return Float64Array.from(schedule.betas, (_, i) => {
    const a = schedule.alphasCumprod[i]!;
    const posteriorVar = (s * s * (1 - a)) / (a * s * s + 1 - a);
    return schedule.posteriorVariance[i]! + schedule.posteriorMeanCoef1[i]! ** 2 * posteriorVar;
  });
}
