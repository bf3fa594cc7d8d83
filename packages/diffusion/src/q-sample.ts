/**
 * @see Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models", NeurIPS, arXiv:2006.11239, eq. (4).
 * @see Sohl-Dickstein, Weiss, Maheswaranathan & Ganguli 2015, "Deep Unsupervised Learning using Nonequilibrium Thermodynamics", ICML, arXiv:1503.03585.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkOptions, checkSeed, checkTensorArg, normalNoise, toFloat, type Seed } from '@genmod-internal/core';
import { checkSameShape } from './internal/check.js';
import { noised } from './internal/predictions.js';
import { checkSchedule } from './internal/schedule-check.js';
import { checkTimesteps, type Timesteps } from './internal/timesteps.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link qSample}.
 *
 * @since 0.1.0
 */
export interface QSampleOptions {
  /** the standard normal noise ε of x₀'s shape, instead of a fresh draw (reproducible tests, shared noise) */
  noise?: Tensor | TensorLike;
  /**
   * Seed of the noise (a number, 0 included, or a string; its stream `'eps'`): the same seed gives the
   * same output on every call. A fixed seed gives the same noise on every call: vary it per step in a
   * training loop.
   */
  seed?: Seed;
}

/**
 * Samples the forward process in closed form, q(x_t | x₀) = N(√ᾱ_t·x₀, (1 − ᾱ_t)·I):
 *
 *   x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε,   ε ~ N(0, I)
 *
 * differentiable with respect to x₀ (and to `noise` when given).
 *
 * @param x0 float32 `[B, ...]` clean data
 * @param t timestep indices in [0, T) (index i is paper timestep i + 1): a number, integers `[B]` or an
 *   int32 tensor `[B]` (read once on the host for the range check)
 * @param schedule the noise schedule
 * @returns x_t, float32 of x₀'s shape
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (4)
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);
 * const x0 = tf.randomNormal([8, 2]);
 * const xt = qSample(x0, [0, 100, 200, 300, 400, 500, 600, 999], schedule, { seed: 1 }); // [8, 2]
 * ```
 * @since 0.1.0
 */
export function qSample(x0: Tensor | TensorLike, t: Timesteps, schedule: Schedule, options: QSampleOptions = {}): Tensor {
  const fn = 'qSample';
  checkOptions(fn, options, ['noise', 'seed']);
  const shape = checkTensorArg(fn, 'x0', x0);
  checkSchedule(fn, schedule);
  const ts = checkTimesteps(fn, t, schedule.T, shape[0]);
  if (!ts.scalar && shape.length === 0) checkTensorArg(fn, 'x0', x0, 1);
  if (options.noise !== undefined) checkSameShape(fn, 'options.noise', options.noise, shape, 'x0');
  const seed = checkSeed(fn, options.seed);
  return tf.tidy(fn, () => {
    const eps = options.noise !== undefined ? toFloat(fn, 'options.noise', options.noise) : normalNoise(shape, seed, 'eps');
    return noised(schedule, ts, shape.length, toFloat(fn, 'x0', x0), eps);
  });
}
