/**
 * The three things a denoiser can predict (the noise ε, the clean data x₀, the velocity v) and the exact
 * conversions between them given x_t, all from x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε.
 *
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (11) (ε-parameterization and the reverse mean).
 * @see Salimans & Ho 2022, "Progressive Distillation for Fast Sampling of Diffusion Models", ICLR, arXiv:2202.00512, §4 and App. D (v).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkOptions, toFloat } from '@genmod-internal/core';
import { checkPair, checkPrediction, epsFromV, epsFromX0, vFromX0Eps, x0AndEps, x0FromEps, x0FromV } from './internal/predictions.js';
import { derivedCoefficient, type CheckedTimesteps, type Timesteps } from './internal/timesteps.js';
import type { Schedule } from './schedule.js';

/**
 * What a denoiser predicts: the noise ε, the clean data x₀, or the velocity v = √ᾱ·ε − √(1 − ᾱ)·x₀.
 *
 * @since 0.1.0
 */
export type Prediction = 'epsilon' | 'x0' | 'v';

type Conversion = (schedule: Schedule, ts: CheckedTimesteps, rank: number, a: Tensor, b: Tensor) => Tensor;

/** μ_θ = (x_t − β/√(1 − ᾱ)·ε)/√α, inside a tidy. */
const reverseMean: Conversion = (schedule, ts, rank, xt, eps) => {
  const c = derivedCoefficient(schedule, ts, rank, (i) => schedule.betas[i]! / schedule.sqrtOneMinusAlphasCumprod[i]!);
  const r = derivedCoefficient(schedule, ts, rank, (i) => 1 / Math.sqrt(schedule.alphas[i]!));
  return tf.mul(r, tf.sub(xt, tf.mul(c, eps)));
};

/** Checks (a, t, b), then applies a conversion in a tidy: the one body of the five public conversions. */
function convert(fn: string, f: Conversion, a: Tensor | TensorLike, aName: string, t: Timesteps, b: Tensor | TensorLike, bName: string, schedule: Schedule): Tensor {
  const { shape, ts } = checkPair(fn, schedule, a, aName, t, b, bName);
  return tf.tidy(fn, () => f(schedule, ts, shape.length, toFloat(fn, aName, a), toFloat(fn, bName, b)));
}

/**
 * x₀ from a predicted noise:
 *
 *   x̂₀ = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t = √(1/ᾱ_t)·x_t − √(1/ᾱ_t − 1)·ε̂
 *
 * (±Infinity where ᾱ_t = 0, with the sign of x_t − ε̂, NaN where x_t = ε̂ there: with a zero-terminal-SNR schedule use
 * v-prediction).
 *
 * @param xt float32 `[B, ...]`
 * @param t timestep indices in [0, T): a number, integers `[B]` or an int32 tensor `[B]`
 * @param eps float32 of x_t's shape
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (4) solved for x₀
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);
 * const x0 = tf.ones([2, 3]);
 * const eps = tf.randomNormal([2, 3], 0, 1, 'float32', 1);
 * const xt = qSample(x0, 10, schedule, { noise: eps });
 * predictX0FromEps(xt, 10, eps, schedule);          // ≈ x0
 * ```
 * @since 0.1.0
 */
export function predictX0FromEps(xt: Tensor | TensorLike, t: Timesteps, eps: Tensor | TensorLike, schedule: Schedule): Tensor {
  return convert('predictX0FromEps', x0FromEps, xt, 'xt', t, eps, 'eps', schedule);
}

/**
 * The noise from a predicted x₀:
 *
 *   ε̂ = (x_t − √ᾱ_t·x̂₀)/√(1 − ᾱ_t)
 *
 * @param xt float32 `[B, ...]`
 * @param t timestep indices in [0, T)
 * @param x0 float32 of x_t's shape
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (4) solved for ε
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);
 * const x0 = tf.ones([2, 3]);
 * const eps = tf.randomNormal([2, 3], 0, 1, 'float32', 1);
 * predictEpsFromX0(qSample(x0, 10, schedule, { noise: eps }), 10, x0, schedule); // ≈ eps
 * ```
 * @since 0.1.0
 */
export function predictEpsFromX0(xt: Tensor | TensorLike, t: Timesteps, x0: Tensor | TensorLike, schedule: Schedule): Tensor {
  return convert('predictEpsFromX0', epsFromX0, xt, 'xt', t, x0, 'x0', schedule);
}

/**
 * x₀ from a predicted velocity (finite at every t, including ᾱ_t = 0):
 *
 *   x̂₀ = √ᾱ_t·x_t − √(1 − ᾱ_t)·v̂
 *
 * @param xt float32 `[B, ...]`
 * @param t timestep indices in [0, T)
 * @param v float32 of x_t's shape
 * @see Salimans & Ho 2022, arXiv:2202.00512, §4
 * @example
 * ```ts
 * const schedule = cosineSchedule(1000);
 * const x0 = tf.ones([2, 3]);
 * const eps = tf.randomNormal([2, 3], 0, 1, 'float32', 1);
 * const v = velocity(x0, eps, 700, schedule);
 * predictX0FromV(qSample(x0, 700, schedule, { noise: eps }), 700, v, schedule); // ≈ x0
 * ```
 * @since 0.1.0
 */
export function predictX0FromV(xt: Tensor | TensorLike, t: Timesteps, v: Tensor | TensorLike, schedule: Schedule): Tensor {
  return convert('predictX0FromV', x0FromV, xt, 'xt', t, v, 'v', schedule);
}

/**
 * The noise from a predicted velocity:
 *
 *   ε̂ = √(1 − ᾱ_t)·x_t + √ᾱ_t·v̂
 *
 * @param xt float32 `[B, ...]`
 * @param t timestep indices in [0, T)
 * @param v float32 of x_t's shape
 * @see Salimans & Ho 2022, arXiv:2202.00512, §4
 * @example
 * ```ts
 * const schedule = cosineSchedule(1000);
 * const x0 = tf.ones([2, 3]);
 * const eps = tf.randomNormal([2, 3], 0, 1, 'float32', 1);
 * const v = velocity(x0, eps, 700, schedule);
 * predictEpsFromV(qSample(x0, 700, schedule, { noise: eps }), 700, v, schedule); // ≈ eps
 * ```
 * @since 0.1.0
 */
export function predictEpsFromV(xt: Tensor | TensorLike, t: Timesteps, v: Tensor | TensorLike, schedule: Schedule): Tensor {
  return convert('predictEpsFromV', epsFromV, xt, 'xt', t, v, 'v', schedule);
}

/**
 * The velocity target of v-prediction, the rate of change of x_t along the circle
 * (√ᾱ, √(1 − ᾱ)) = (cos φ, sin φ):
 *
 *   v = √ᾱ_t·ε − √(1 − ᾱ_t)·x₀
 *
 * @param x0 float32 `[B, ...]`
 * @param eps float32 of x₀'s shape
 * @param t timestep indices in [0, T)
 * @see Salimans & Ho 2022, arXiv:2202.00512, §4 and App. D
 * @example
 * ```ts
 * const schedule = cosineSchedule(1000);
 * const v = velocity(tf.ones([4, 2]), tf.randomNormal([4, 2]), [0, 10, 500, 999], schedule); // [4, 2]
 * ```
 * @since 0.1.0
 */
export function velocity(x0: Tensor | TensorLike, eps: Tensor | TensorLike, t: Timesteps, schedule: Schedule): Tensor {
  return convert('velocity', vFromX0Eps, x0, 'x0', t, eps, 'eps', schedule);
}

/**
 * Options of {@link predictX0AndEps}.
 *
 * @since 0.1.0
 */
export interface PredictX0AndEpsOptions {
  /** what the output is: ε (default), x₀ or v */
  prediction?: Prediction;
}

/**
 * Both x̂₀ and ε̂ from a denoiser's output, whichever it predicts (ε, x₀ or v), by the conversions above.
 *
 * @param output float32 `[B, ...]`, the denoiser's output at (x_t, t)
 * @param xt float32 of the output's shape
 * @param t timestep indices in [0, T)
 * @returns `{ x0, eps }`, both of x_t's shape (the caller owns both)
 * @see Salimans & Ho 2022, arXiv:2202.00512, App. D
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);
 * const xt = tf.randomNormal([4, 2]);
 * const out = tf.zerosLike(xt);                    // a denoiser's v-prediction
 * const { x0, eps } = predictX0AndEps(out, xt, 999, schedule, { prediction: 'v' });
 * ```
 * @since 0.1.0
 */
export function predictX0AndEps(output: Tensor | TensorLike, xt: Tensor | TensorLike, t: Timesteps, schedule: Schedule, options: PredictX0AndEpsOptions = {}): { x0: Tensor; eps: Tensor } {
  const fn = 'predictX0AndEps';
  checkOptions(fn, options, ['prediction']);
  const prediction = checkPrediction(fn, options.prediction ?? 'epsilon');
  const { shape, ts } = checkPair(fn, schedule, xt, 'xt', t, output, 'output');
  return tf.tidy(fn, () => {
    const r = x0AndEps(schedule, ts, shape.length, prediction, toFloat(fn, 'xt', xt), toFloat(fn, 'output', output));
    // never hand back the caller's own tensor as a result they would own
    return { x0: r.x0 === output ? tf.clone(r.x0) : r.x0, eps: r.eps === output ? tf.clone(r.eps) : r.eps };
  });
}

/**
 * The mean of the reverse step p_θ(x_{t−1} | x_t) from a predicted noise:
 *
 *   μ_θ(x_t, t) = (x_t − β_t/√(1 − ᾱ_t)·ε̂)/√α_t
 *
 * equal to the posterior mean μ̃_t(x_t, x̂₀) with x̂₀ from ε̂ (and to q's μ̃_t when ε̂ is the true noise).
 *
 * @param xt float32 `[B, ...]`
 * @param t timestep indices in [0, T)
 * @param eps float32 of x_t's shape
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (11)
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);
 * const x0 = tf.ones([2, 3]);
 * const eps = tf.randomNormal([2, 3], 0, 1, 'float32', 1);
 * const xt = qSample(x0, 500, schedule, { noise: eps });
 * reverseMeanFromEps(xt, 500, eps, schedule);       // = qPosterior(x0, xt, 500, schedule).mean
 * ```
 * @since 0.1.0
 */
export function reverseMeanFromEps(xt: Tensor | TensorLike, t: Timesteps, eps: Tensor | TensorLike, schedule: Schedule): Tensor {
  return convert('reverseMeanFromEps', reverseMean, xt, 'xt', t, eps, 'eps', schedule);
}
