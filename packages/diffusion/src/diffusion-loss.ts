/**
 * @see Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models", NeurIPS, arXiv:2006.11239, eq. (14) and Algorithm 1.
 * @see Salimans & Ho 2022, "Progressive Distillation for Fast Sampling of Diffusion Models", ICLR, arXiv:2202.00512 (v target).
 * @see Hang et al. 2023, "Efficient Diffusion Training via Min-SNR Weighting Strategy", ICCV, arXiv:2303.09556, eq. (11).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkNumber, checkOptions, checkSeed, normalNoise, toFloat, type Seed } from '@genmod-internal/core';
import type { Denoiser } from './denoiser.js';
import { checkDenoiserOutput, checkSameShape } from './internal/check.js';
import { checkModelArgs, noised, vFromX0Eps } from './internal/predictions.js';
import { checkTimesteps, derivedCoefficient, minSnrWeight, modelTimesteps, uniformTimesteps, type CheckedTimesteps, type Timesteps } from './internal/timesteps.js';
import type { Prediction } from './parameterization.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link diffusionLoss}.
 *
 * @since 0.1.0
 */
export interface DiffusionLossOptions {
  /** what the denoiser predicts, and so the regression target: ε (default), x₀ or v */
  prediction?: Prediction;
  /**
   * Min-SNR-γ weighting (Hang et al. 2023; γ = 5 in the paper): each example's squared error is weighted
   * by min(SNR(t), γ)/SNR(t) for ε, min(SNR(t), γ) for x₀ and min(SNR(t), γ)/(SNR(t) + 1) for v.
   * Default: uniform weights (the "simple" loss of Ho et al.).
   */
  minSnrGamma?: number;
  /**
   * Seed of the timesteps (stream `'t'`) and the noise (stream `'eps'`): a number, 0 included, or a
   * string. Vary it per training step: a fixed seed freezes both.
   */
  seed?: Seed;
  /** the timesteps to use instead of uniform draws: a number, integers `[B]` or an int32 tensor `[B]` */
  t?: Timesteps;
  /** the noise ε of x₀'s shape instead of a fresh draw */
  noise?: Tensor | TensorLike;
}

/**
 * The denoising training loss of DDPM, for ε-, x₀- or v-prediction, with uniform or min-SNR-γ weights:
 *
 *   t ~ U{0, …, T − 1},  ε ~ N(0, I),  x_t = √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε,
 *   L = mean_b [ w(t_b) · mean_d (f_θ(x_t, t)_{b,d} − target_{b,d})² ],
 *   target = ε | x₀ | v = √ᾱ_t·ε − √(1 − ᾱ_t)·x₀
 *
 * With uniform weights and ε-prediction this is Ho et al.'s L_simple, i.e. PyTorch's
 * `F.mse_loss(model(x_t, t), eps)`. Differentiable with respect to the denoiser's variables: pass it to
 * `optimizer.minimize(() => diffusionLoss(...), false, vars)`.
 *
 * @param denoiser `(x_t, t) => prediction`, see {@link Denoiser}
 * @param x0 float32 `[B, ...]` a batch of data
 * @param schedule the noise schedule (the denoiser sees `schedule.timesteps[t]`)
 * @returns a float32 scalar
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (14); Salimans & Ho 2022, arXiv:2202.00512; Hang et al. 2023, arXiv:2303.09556
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);
 * const w = tf.variable(tf.zeros([2, 2]));
 * const denoiser = (xt: tf.Tensor, t: tf.Tensor) => tf.matMul(xt, w); // a (bad) network
 * const x0 = tf.randomNormal([64, 2]);
 * const optimizer = tf.train.adam(1e-2);
 * for (let step = 0; step < 10; step++) {
 *   optimizer.minimize(() => diffusionLoss(denoiser, x0, schedule, { seed: step, minSnrGamma: 5 }), false, [w]);
 * }
 * ```
 * @since 0.1.0
 */
export function diffusionLoss(denoiser: Denoiser, x0: Tensor | TensorLike, schedule: Schedule, options: DiffusionLossOptions = {}): Scalar {
  const fn = 'diffusionLoss';
  checkOptions(fn, options, ['prediction', 'minSnrGamma', 'seed', 't', 'noise']);
  const { shape, prediction } = checkModelArgs(fn, denoiser, x0, schedule, options.prediction);
  const gamma = options.minSnrGamma === undefined ? undefined : checkNumber(fn, 'options.minSnrGamma', options.minSnrGamma, { above: 0 });
  const seed = checkSeed(fn, options.seed);
  const batch = shape[0]!;
  const given: CheckedTimesteps | undefined = options.t === undefined ? undefined : checkTimesteps(fn, options.t, schedule.T, batch, 'options.t');
  if (options.noise !== undefined) checkSameShape(fn, 'options.noise', options.noise, shape, 'x0');
  return tf.tidy(fn, () => {
    const x = toFloat(fn, 'x0', x0);
    const ts: CheckedTimesteps = given ?? { scalar: false, length: batch, tensor: uniformTimesteps(batch, 0, schedule.T, seed, 't') };
    const eps = options.noise !== undefined ? toFloat(fn, 'options.noise', options.noise) : normalNoise(shape, seed, 'eps');
    const rank = shape.length;
    const xt = noised(schedule, ts, rank, x, eps);
    const out = checkDenoiserOutput(fn, denoiser(xt, modelTimesteps(schedule, ts, batch)), shape);
    const target = prediction === 'epsilon' ? eps : prediction === 'x0' ? x : vFromX0Eps(schedule, ts, rank, x, eps);
    const axes = Array.from({ length: rank - 1 }, (_, i) => i + 1);
    const se = tf.squaredDifference(out, target);
    const perExample = axes.length > 0 ? tf.mean(se, axes) : se; // [B]
    if (gamma === undefined) return tf.mean(perExample) as Scalar;
    const w = derivedCoefficient(schedule, ts, 1, (i) => minSnrWeight(schedule.snr[i]!, gamma, prediction));
    return tf.mean(tf.mul(ts.scalar ? w : tf.reshape(w, [batch]), perExample)) as Scalar;
  });
}
