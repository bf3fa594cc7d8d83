/**
 * @see Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models", NeurIPS, arXiv:2006.11239, eqs. (6)–(7).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { toFloat } from '@genmod-internal/core';
import { checkPair } from './internal/predictions.js';
import { coefficient, type Timesteps } from './internal/timesteps.js';
import type { Schedule } from './schedule.js';

/**
 * The Gaussian q(x_{t−1} | x_t, x₀).
 *
 * @since 0.1.0
 */
export interface QPosterior {
  /** μ̃_t, float32 of x's shape */
  mean: Tensor;
  /** β̃_t, `[B, 1, …, 1]` (or `[]` for a scalar t): broadcasts against x */
  variance: Tensor;
  /** log β̃_t clipped at t = 1 (log β̃₂ there, where β̃₁ = 0), same shape as `variance` */
  logVariance: Tensor;
}

/**
 * The posterior of the forward process given x₀, a Gaussian in closed form:
 *
 *   q(x_{t−1} | x_t, x₀) = N(μ̃_t, β̃_t·I),
 *   μ̃_t = [β_t·√ᾱ_{t−1}/(1 − ᾱ_t)]·x₀ + [(1 − ᾱ_{t−1})·√α_t/(1 − ᾱ_t)]·x_t,   β̃_t = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)
 *
 * At index 0 (t = 1) the posterior is a point mass at x₀ (β̃₁ = 0, μ̃₁ = x₀).
 *
 * @param x0 float32 `[B, ...]`
 * @param xt float32 of x₀'s shape
 * @param t timestep indices in [0, T): a number, integers `[B]` or an int32 tensor `[B]`
 * @returns `{ mean, variance, logVariance }` (the caller owns all three)
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eqs. (6)–(7)
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);
 * const x0 = tf.tensor2d([[1, -0.5]]);
 * const xt = qSample(x0, 500, schedule, { seed: 3 });
 * const { mean, variance, logVariance } = qPosterior(x0, xt, 500, schedule); // [1, 2], [], []
 * ```
 * @since 0.1.0
 */
export function qPosterior(x0: Tensor | TensorLike, xt: Tensor | TensorLike, t: Timesteps, schedule: Schedule): QPosterior {
  const fn = 'qPosterior';
  const { shape, ts } = checkPair(fn, schedule, x0, 'x0', t, xt, 'xt');
  return tf.tidy(fn, () => {
    const mean = tf.add(
      tf.mul(coefficient(schedule, 'posteriorMeanCoef1', ts, shape.length), toFloat(fn, 'x0', x0)),
      tf.mul(coefficient(schedule, 'posteriorMeanCoef2', ts, shape.length), toFloat(fn, 'xt', xt)),
    );
    return {
      mean,
      variance: coefficient(schedule, 'posteriorVariance', ts, shape.length),
      logVariance: coefficient(schedule, 'posteriorLogVarianceClipped', ts, shape.length),
    };
  });
}
