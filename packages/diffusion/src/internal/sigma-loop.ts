/**
 * The machinery of the σ samplers (Euler, Heun, Euler ancestral): the denoised D(x_σ; σ) from a DDPM-style
 * denoiser, and the async loop over a σ grid. The state is x_σ = x₀ + σ·ε (the EDM variable); what the loop
 * takes (x_T) and yields (`x`) is the DDPM latent x_t = x_σ/√(1 + σ²), so that the σ samplers and DDIM are
 * interchangeable.
 *
 * @see Karras, Aittala, Aila & Laine 2022, arXiv:2206.00364, Table 1 and §C.3.4 (c_in, c_skip, c_out of a VP model).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { normalNoise, toFloat } from '@genmod-internal/core';
import type { Denoiser } from '../denoiser.js';
import type { SamplerOptions, SamplerStep } from '../sampler.js';
import { abortReason, checkDenoiserOutput, nextMacrotask } from './check.js';
import type { CheckedSamplerOptions } from './sampler-loop.js';
import { hostTimestepTensor } from './timesteps.js';

/** 1/√(1 + σ²), without overflow for large σ. */
export function latentScale(sigma: number): number {
  return 1 / Math.hypot(1, sigma);
}

/**
 * The denoised D(x_σ; σ) = x̂₀ (after clipping / thresholding), the denoiser seeing x_t = x_σ/√(1 + σ²) at
 * timestep `t` (float32 `[B]`, or int32 when `integer`):
 *
 *   ε:  x̂₀ = x_σ − σ·ε̂
 *   x₀: x̂₀ = f_θ
 *   v:  x̂₀ = x_σ/(1 + σ²) − σ/√(1 + σ²)·v̂
 *
 * Inside a tidy.
 */
export function denoisedAt(fn: string, denoiser: Denoiser, o: CheckedSamplerOptions, xs: Tensor, sigma: number, t: number, integer: boolean): Tensor {
  const c = latentScale(sigma);
  const xt = tf.mul(xs, c);
  const batch = xs.shape[0]!;
  const out = checkDenoiserOutput(fn, denoiser(xt, hostTimestepTensor(integer ? new Int32Array(batch).fill(t) : new Float32Array(batch).fill(t))), xs.shape);
  let x0: Tensor;
  if (o.prediction === 'epsilon') x0 = tf.sub(xs, tf.mul(sigma, out));
  else if (o.prediction === 'x0') x0 = out;
  else x0 = tf.sub(tf.mul(xs, c * c), tf.mul(sigma * c, out));
  return o.threshold === undefined ? x0 : o.threshold(x0);
}

/** One step's result: the new x_σ, the x̂₀ to report and the timestep the denoiser saw first. */
export type SigmaStepResult = { xs: Tensor; predX0: Tensor; timestep: number };

/**
 * The async loop of the σ samplers: from x_σ₀ = x_T·√(1 + σ₀²) through σ₀ > σ₁ > … > σ_N = 0, one tidy step
 * each (`step(x_σ, i, noise)` goes from σ_i to σ_{i+1}), yielding x_t = x_σ/√(1 + σ_{i+1}²) between steps
 * (after handing the event loop a macrotask), freeing each step's tensors when it moves on (three live
 * between steps: x_σ, the yielded x_t and x̂₀; the final x_t is the caller's). Step i reports
 * index N − 1 − i and draws its noise from the stream ('step', N − 1 − i).
 */
export async function* sigmaLoop(
  fn: string,
  shape: number[],
  sigmas: Float64Array,
  options: SamplerOptions,
  o: CheckedSamplerOptions,
  step: (xs: Tensor, i: number, noise: () => Tensor) => SigmaStepResult,
): AsyncGenerator<SamplerStep, Tensor, void> {
  const N = sigmas.length - 1;
  let xs: Tensor | undefined;
  let shown: Tensor | undefined;
  let predX0: Tensor | undefined;
  let completed = false;
  try {
    if (o.signal?.aborted) throw abortReason(o.signal);
    const scale = Math.hypot(1, sigmas[0]!);
    xs = tf.tidy(fn, () => {
      const xT = options.xT !== undefined ? toFloat(fn, 'options.xT', options.xT) : normalNoise(shape, o.seed, 'xT');
      return tf.mul(xT, scale);
    });
    for (let i = 0; i < N; i++) {
      await nextMacrotask();
      if (o.signal?.aborted) throw abortReason(o.signal);
      const k = N - 1 - i;
      const current: Tensor = xs;
      const next = tf.tidy(fn, () => step(current, i, () => normalNoise(shape, o.seed, 'step', k)));
      const sigma = sigmas[i + 1]!;
      shown?.dispose();
      current.dispose();
      predX0?.dispose();
      xs = next.xs;
      predX0 = next.predX0;
      // at σ = 0 the latent is the state itself: a copy (sharing its data), so the tensor count stays flat
      shown = tf.tidy(fn, () => (sigma === 0 ? tf.clone(next.xs) : tf.mul(next.xs, latentScale(sigma))));
      const final = i === N - 1;
      if (final) completed = true;
      yield { step: i + 1, total: N, progress: (i + 1) / N, index: k, timestep: next.timestep, sigma, x: shown, predX0, final };
    }
    return shown!;
  } finally {
    predX0?.dispose();
    xs?.dispose();
    if (!completed) shown?.dispose();
  }
}
