/**
 * The Gaussian pieces of the variational bound: the KL divergence between two diagonal Gaussians and the
 * decoder likelihoods of L₀.
 *
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, §3.3 and eq. (13) (the discretized decoder).
 * @see Nichol & Dhariwal 2021, arXiv:2102.09672 (improved-diffusion's `normal_kl`, `discretized_gaussian_log_likelihood`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { toFloat } from '@genmod-internal/core';
import { nonDifferentiable } from '@genmod-internal/core';
import { checkFloatInput } from './internal/check.js';
import { fail } from '@genmod-internal/core';

function broadcastShapes(fn: string, named: [string, number[]][]): number[] {
  let shape: number[] = [];
  for (const [name, s] of named) {
    try {
      shape = tf.broadcast_util.assertAndGetBroadcastShape(shape, s);
    } catch {
      fail(fn, name, `a shape that broadcasts with [${shape.join(', ')}]`, `shape [${s.join(', ')}]`);
    }
  }
  return shape;
}

/**
 * The KL divergence between two diagonal Gaussians, elementwise, in nats:
 *
 *   KL(N(μ₁, e^{ℓ₁}) ‖ N(μ₂, e^{ℓ₂})) = ½·(−1 + ℓ₂ − ℓ₁ + e^{ℓ₁ − ℓ₂} + (μ₁ − μ₂)²·e^{−ℓ₂})
 *
 * (log-variances ℓ, so that β̃ and β enter without a square root). Differentiable in all four inputs.
 *
 * @param mean1 float32, broadcast with the others
 * @param logVar1 float32 log-variance of the first Gaussian
 * @param mean2 float32
 * @param logVar2 float32 log-variance of the second Gaussian
 * @returns the broadcast elementwise KL (sum it over the event dimensions)
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (5)
 * @example
 * ```ts
 * normalKl(0, 0, 1, Math.log(2));                   // 0.5·(−1 + ln 2 + 1/2 + 1/2) ≈ 0.3466
 * ```
 * @since 0.1.0
 */
export function normalKl(mean1: Tensor | TensorLike, logVar1: Tensor | TensorLike, mean2: Tensor | TensorLike, logVar2: Tensor | TensorLike): Tensor {
  const fn = 'normalKl';
  broadcastShapes(fn, [
    ['mean1', checkFloatInput(fn, 'mean1', mean1)],
    ['logVar1', checkFloatInput(fn, 'logVar1', logVar1)],
    ['mean2', checkFloatInput(fn, 'mean2', mean2)],
    ['logVar2', checkFloatInput(fn, 'logVar2', logVar2)],
  ]);
  return tf.tidy(fn, () => klTensors(toFloat(fn, 'mean1', mean1), toFloat(fn, 'logVar1', logVar1), toFloat(fn, 'mean2', mean2), toFloat(fn, 'logVar2', logVar2)));
}

/** The KL formula on tensors, inside a tidy. */
export function klTensors(m1: Tensor, lv1: Tensor, m2: Tensor, lv2: Tensor): Tensor {
  const d = tf.sub(lv1, lv2);
  return tf.mul(0.5, tf.add(tf.sub(tf.exp(d), tf.add(d, 1)), tf.mul(tf.squaredDifference(m1, m2), tf.exp(tf.neg(lv2)))));
}

/** Φ(z) = ½·(1 + erf(z/√2)), inside a tidy. */
function standardNormalCdf(z: Tensor): Tensor {
  return tf.mul(0.5, tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
}

/** log N(x; μ, e^{2·logScale}) elementwise, inside a tidy. */
export function gaussianLogDensityTensors(x: Tensor, mean: Tensor, logScale: Tensor): Tensor {
  const z = tf.mul(tf.sub(x, mean), tf.exp(tf.neg(logScale)));
  return tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(logScale, 0.5 * Math.log(2 * Math.PI)));
}

/** The discretized log-likelihood on tensors, inside a tidy. */
export function discretizedTensors(x: Tensor, mean: Tensor, logScale: Tensor): Tensor {
  const centered = tf.sub(x, mean);
  const invStd = tf.exp(tf.neg(logScale));
  const cdfPlus = standardNormalCdf(tf.mul(invStd, tf.add(centered, 1 / 255)));
  const cdfMin = standardNormalCdf(tf.mul(invStd, tf.sub(centered, 1 / 255)));
  const logCdfPlus = tf.log(tf.maximum(cdfPlus, 1e-12));
  const logOneMinusCdfMin = tf.log(tf.maximum(tf.sub(1, cdfMin), 1e-12));
  const logDelta = tf.log(tf.maximum(tf.sub(cdfPlus, cdfMin), 1e-12));
  // which bin formula applies depends on x alone: masks built off the gradient path
  const low = nonDifferentiable((v) => tf.less(v, -0.999), x);
  const high = nonDifferentiable((v) => tf.greater(v, 0.999), x);
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(tf.broadcast_util.assertAndGetBroadcastShape(x.shape, mean.shape), logScale.shape);
  const b = (v: Tensor) => tf.broadcastTo(v, shape);
  return tf.where(b(low), b(logCdfPlus), tf.where(b(high), b(logOneMinusCdfMin), b(logDelta)));
}

/**
 * The log-likelihood of 8-bit data under a Gaussian discretized to its 256 bins, elementwise, in nats:
 * with x ∈ {−1, −1 + 2/255, …, 1} (bytes scaled to [−1, 1]) and Φ the standard normal CDF,
 *
 *   log p(x) = log[Φ((x + 1/255 − μ)/σ) − Φ((x − 1/255 − μ)/σ)],
 *
 * where the first bin extends to −∞ (x = −1: log Φ((x + 1/255 − μ)/σ)) and the last to +∞
 * (x = 1: log(1 − Φ((x − 1/255 − μ)/σ))); probabilities are floored at 1e−12. The decoder term
 * L₀ = −log p_θ(x₀ | x₁) of DDPM.
 *
 * @param x float32 data in [−1, 1] on the 8-bit grid
 * @param mean float32 μ, broadcast with x
 * @param logScale float32 log σ, broadcast with x
 * @returns the broadcast elementwise log-probabilities (≤ 0); differentiable in `mean` and `logScale`
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (13)
 * @example
 * ```ts
 * const logp = discretizedGaussianLogLikelihood([-1, 0, 1], 0, Math.log(0.5)); // [3], each ≤ 0
 * ```
 * @since 0.1.0
 */
export function discretizedGaussianLogLikelihood(x: Tensor | TensorLike, mean: Tensor | TensorLike, logScale: Tensor | TensorLike): Tensor {
  const fn = 'discretizedGaussianLogLikelihood';
  broadcastShapes(fn, [
    ['x', checkFloatInput(fn, 'x', x)],
    ['mean', checkFloatInput(fn, 'mean', mean)],
    ['logScale', checkFloatInput(fn, 'logScale', logScale)],
  ]);
  return tf.tidy(fn, () => discretizedTensors(toFloat(fn, 'x', x), toFloat(fn, 'mean', mean), toFloat(fn, 'logScale', logScale)));
}
