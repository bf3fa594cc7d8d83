// The exact denoiser of Gaussian data N(μ, Σ) in 2-D for the DPM-Solver++ tests, in float64 on the host for ε,
// x₀ and v prediction, and a helper that records the states of a sampler run.
import * as tf from '@tensorflow/tfjs-core';
import type { Prediction, SamplerStep, Schedule } from '../src/index.js';

export type Mat2 = [[number, number], [number, number]];
export const MU = [0.7, -0.4];

/**
 * The exact denoiser of N(μ, Σ) in 2-D, in float64 on the host: with a = ᾱ_t,
 *   x̂₀ = M·x + b,  M = √a·Σ·(aΣ + (1 − a)I)⁻¹,  b = (I − √a·M)·μ,
 *   ε̂ = (x − √a·x̂₀)/√(1 − a),  v̂ = √a·ε̂ − √(1 − a)·x̂₀,
 * each an affine map out = P·x + q uploaded once per call (the timestep is read back on the host).
 */
export function gaussianDenoiser(schedule: Schedule, mu: number[], cov: Mat2, prediction: Prediction): (xt: tf.Tensor, t: tf.Tensor) => tf.Tensor {
  const abarOf = new Map<number, number>();
  schedule.timesteps.forEach((ts, i) => abarOf.set(ts, schedule.alphasCumprod[i]!));
  return (xt, t) => {
    const a = abarOf.get(t.dataSync()[0]!)!;
    const [[s11, s12], [, s22]] = cov;
    // (aΣ + (1 − a)I)⁻¹
    const m11 = a * s11 + 1 - a;
    const m12 = a * s12;
    const m22 = a * s22 + 1 - a;
    const det = m11 * m22 - m12 * m12;
    const i11 = m22 / det;
    const i12 = -m12 / det;
    const i22 = m11 / det;
    const sa = Math.sqrt(a);
    const so = Math.sqrt(1 - a);
    const M = [
      [sa * (s11 * i11 + s12 * i12), sa * (s11 * i12 + s12 * i22)],
      [sa * (s12 * i11 + s22 * i12), sa * (s12 * i12 + s22 * i22)],
    ];
    const b = [0, 1].map((r) => mu[r]! - sa * (M[r]![0]! * mu[0]! + M[r]![1]! * mu[1]!));
    const eye = [[1, 0], [0, 1]];
    const Pe = [0, 1].map((r) => [0, 1].map((c) => (eye[r]![c]! - sa * M[r]![c]!) / so));
    const qe = b.map((v) => (-sa * v) / so);
    let P: number[][];
    let q: number[];
    if (prediction === 'x0') [P, q] = [M, b];
    else if (prediction === 'epsilon') [P, q] = [Pe, qe];
    else [P, q] = [[0, 1].map((r) => [0, 1].map((c) => sa * Pe[r]![c]! - so * M[r]![c]!)), [0, 1].map((r) => sa * qe[r]! - so * b[r]!)];
    return tf.tidy(() => tf.add(tf.matMul(xt, tf.tensor2d(P, [2, 2]), false, true), tf.tensor1d(q)));
  };
}

export const iso = (s: number): Mat2 => [[s * s, 0], [0, s * s]];

/** The states x at every index of a run (read back as each step is yielded), the final sample last. */
export async function states(iteration: AsyncGenerator<SamplerStep, tf.Tensor, void>): Promise<Map<number, Float32Array>> {
  const out = new Map<number, Float32Array>();
  for await (const s of iteration) {
    out.set(s.index, s.x.dataSync() as Float32Array);
    if (s.final) s.x.dispose();
  }
  return out;
}
