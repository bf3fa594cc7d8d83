/**
 * @see Sohl-Dickstein, Weiss, Maheswaranathan & Ganguli 2015, "Deep Unsupervised Learning using Nonequilibrium Thermodynamics", ICML, arXiv:1503.03585.
 * @see Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models", NeurIPS, arXiv:2006.11239, eq. (5) and §3.3.
 * @see Nichol & Dhariwal 2021, "Improved Denoising Diffusion Probabilistic Models", ICML, arXiv:2102.09672, §2 and §3.3 (the bound over all steps, bits/dim).
 * @see Kingma, Salimans, Poole & Ho 2021, "Variational Diffusion Models", NeurIPS, arXiv:2107.00630 (the bound in SNR terms).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkInteger, checkOneOfValues, checkOptions, checkSeed, nonDifferentiable, normalKlLogScale, normalLogDensity, normalNoise, toFloat, type Seed } from '@genmod-internal/core';
import type { Denoiser } from './denoiser.js';
import { checkDenoiserOutput } from './internal/check.js';
import { discretizedTensors } from './internal/discretized.js';
import { checkModelArgs, noised, x0AndEps } from './internal/predictions.js';
import { coefficient, derivedCoefficient, modelTimesteps, uniformTimesteps, type CheckedTimesteps } from './internal/timesteps.js';
import { checkClip, modelLogVariances, type ModelVariance } from './internal/variance.js';
import type { Prediction } from './parameterization.js';
import type { Schedule } from './schedule.js';

export type { ModelVariance } from './internal/variance.js';

/**
 * Options of {@link variationalBound}.
 *
 * @since 0.1.0
 */
export interface VariationalBoundOptions {
  /** what the denoiser predicts: ε (default), x₀ or v */
  prediction?: Prediction;
  /** the reverse-step variance σ_t²: `'beta'` (default), `'posterior'`, or T values */
  variance?: ModelVariance;
  /**
   * The decoder p_θ(x₀ | x₁) of L₀: `'discretized'` (default) for 8-bit data scaled to [−1, 1], a
   * probability mass per bin; `'gaussian'` for continuous data, a density N(x₀; μ_θ(x₁, 1), σ₁²).
   */
  decoder?: 'discretized' | 'gaussian';
  /**
   * Evaluate all T terms (default, exact up to the Monte Carlo draw of each x_t) or a stratified estimate
   * from `strata` terms per example: [0, T) cut into `strata` equal ranges, one t drawn uniformly in each,
   * weighted by the range's size, an unbiased estimate of the sum over all t.
   */
  strata?: number;
  /** clip x̂₀ to ±1 (`true`) or ±r before forming μ_θ, as improved-diffusion does for images; default none */
  clipX0?: boolean | number;
  /**
   * Seed of the x_t draws (streams `('eps', t)`, or `('eps', 'stratum', k)` and `('t', k)` with strata): a
   * number, 0 included, or a string.
   */
  seed?: Seed;
}

/**
 * The variational bound, per example. The caller owns every tensor.
 *
 * @since 0.1.0
 */
export interface VariationalBound {
  /** −ELBO = L_T + Σ_t L_{t−1} + L₀ in nats, float32 `[B]` (an upper bound on −log p_θ(x₀)) */
  nats: Tensor;
  /** the same in bits per dimension, nats/(D·ln 2) with D the number of elements per example, `[B]` */
  bitsPerDim: Tensor;
  /** L_T = KL(q(x_T | x₀) ‖ N(0, I)) in nats, `[B]` (no parameters: a check that x_T is pure noise) */
  prior: Tensor;
  /**
   * The per-step terms in nats, `[B, K]`: column k is L₀ (the decoder) when its timestep is 0 and
   * KL(q(x_{t−1} | x_t, x₀) ‖ p_θ(x_{t−1} | x_t)) otherwise, unweighted (K = T when exact, with column i
   * at timestep i; K = strata otherwise)
   */
  terms: Tensor;
  /** the timestep index of each term, int32 `[B, K]` */
  timesteps: Tensor;
}

/**
 * The variational bound on the negative log-likelihood of a diffusion model (its "−ELBO"), in the
 * decomposition of Sohl-Dickstein et al. and Ho et al.:
 *
 *   −log p_θ(x₀) ≤ L = L_T + Σ_{t=2}^{T} L_{t−1} + L₀,
 *   L_T = KL(q(x_T | x₀) ‖ N(0, I)),
 *   L_{t−1} = KL(q(x_{t−1} | x_t, x₀) ‖ p_θ(x_{t−1} | x_t)),   x_t ~ q(x_t | x₀),
 *   L₀ = −log p_θ(x₀ | x₁),
 *
 * each KL between Gaussians in closed form, with p_θ(x_{t−1} | x_t) = N(μ̃_t(x_t, x̂₀), σ_t²·I) where x̂₀
 * comes from the denoiser's output. L₀ is a discretized Gaussian for 8-bit data (default) or a density.
 * Each L_{t−1} is evaluated at one draw of x_t (the per-term expectation is over x_t, as in
 * improved-diffusion's `calc_bpd_loop`); `strata` gives an unbiased stratified estimate from fewer terms.
 * The loop over t is synchronous and tidy per step.
 *
 * @param denoiser `(x_t, t) => prediction`
 * @param x0 float32 `[B, ...]` data (in [−1, 1] on the 8-bit grid for the discretized decoder)
 * @param schedule the noise schedule (a respaced schedule gives the bound of the respaced chain)
 * @returns `{ nats, bitsPerDim, prior, terms, timesteps }` (see {@link VariationalBound})
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (5); Nichol & Dhariwal 2021, arXiv:2102.09672; Sohl-Dickstein et al. 2015, arXiv:1503.03585
 * @example
 * ```ts
 * const schedule = linearSchedule(100);
 * const x0 = tf.randomUniform([4, 8], -1, 1);
 * const denoiser = (xt: tf.Tensor) => tf.zerosLike(xt);    // predicts ε = 0
 * const { nats, bitsPerDim, prior, terms, timesteps } = variationalBound(denoiser, x0, schedule, { decoder: 'gaussian', seed: 1 });
 * ```
 * @since 0.1.0
 */
export function variationalBound(denoiser: Denoiser, x0: Tensor | TensorLike, schedule: Schedule, options: VariationalBoundOptions = {}): VariationalBound {
  const fn = 'variationalBound';
  checkOptions(fn, options, ['prediction', 'variance', 'decoder', 'strata', 'clipX0', 'seed']);
  const { shape, prediction } = checkModelArgs(fn, denoiser, x0, schedule, options.prediction);
  const logVar = modelLogVariances(fn, schedule, options.variance ?? 'beta');
  const decoder = checkOneOfValues(fn, 'options.decoder', options.decoder ?? 'discretized', ['discretized', 'gaussian']);
  const T = schedule.T;
  const strata = options.strata === undefined ? undefined : checkInteger(fn, 'options.strata', options.strata, { min: 1, max: T });
  const clip = checkClip(fn, options.clipX0);
  const seed = checkSeed(fn, options.seed);
  const batch = shape[0]!;
  const rank = shape.length;
  const axes = Array.from({ length: rank - 1 }, (_, i) => i + 1);
  const dims = shape.slice(1).reduce((a, b) => a * b, 1);
  const sumEvent = (v: Tensor) => (axes.length > 0 ? tf.sum(v, axes) : v);

  /** The term at timesteps `ts` (a scalar index or a tensor [B]), [B]. */
  const term = (x: Tensor, ts: CheckedTimesteps, ...streams: Seed[]): Tensor => {
    const xt = noised(schedule, ts, rank, x, normalNoise(shape, seed, 'eps', ...streams));
    const out = checkDenoiserOutput(fn, denoiser(xt, modelTimesteps(schedule, ts, batch)), shape);
    let x0Hat = x0AndEps(schedule, ts, rank, prediction, xt, out).x0;
    if (clip !== undefined) x0Hat = tf.clipByValue(x0Hat, -clip, clip);
    const c1 = coefficient(schedule, 'posteriorMeanCoef1', ts, rank);
    const c2 = coefficient(schedule, 'posteriorMeanCoef2', ts, rank);
    const modelMean = tf.add(tf.mul(c1, x0Hat), tf.mul(c2, xt));
    const modelLogVar = derivedCoefficient(schedule, ts, rank, (i) => logVar[i]!);
    const isDecoder = ts.scalar ? ts.host?.[0] === 0 : undefined;
    const nll = () => {
      const logScale = tf.mul(0.5, modelLogVar);
      const logp = decoder === 'discretized' ? discretizedTensors(x, modelMean, logScale) : normalLogDensity(x, modelMean, logScale);
      return tf.neg(sumEvent(logp));
    };
    const kl = () => {
      const trueMean = tf.add(tf.mul(c1, x), tf.mul(c2, xt));
      const halfLogVar = (v: Tensor) => tf.mul(0.5, v);
      return sumEvent(normalKlLogScale(trueMean, halfLogVar(coefficient(schedule, 'posteriorLogVarianceClipped', ts, rank)), modelMean, halfLogVar(modelLogVar)));
    };
    if (isDecoder === true) return nll();
    if (isDecoder === false) return kl();
    const atZero = nonDifferentiable((t) => tf.equal(t, 0), ts.tensor!);
    return tf.where(atZero, nll(), kl());
  };

  return tf.tidy(fn, () => {
    const x = toFloat(fn, 'x0', x0);
    // L_T
    const last: CheckedTimesteps = { scalar: true, length: 1, host: Int32Array.of(T - 1) };
    const meanT = tf.mul(coefficient(schedule, 'sqrtAlphasCumprod', last, rank), x);
    const prior = sumEvent(normalKlLogScale(meanT, 0.5 * Math.log(1 - schedule.alphasCumprod[T - 1]!), 0, 0));
    const terms: Tensor[] = [];
    let timesteps: Tensor;
    let total: Tensor;
    if (strata === undefined) {
      for (let i = 0; i < T; i++) {
        const ts: CheckedTimesteps = { scalar: true, length: 1, host: Int32Array.of(i) };
        terms.push(tf.tidy(() => term(x, ts, i)));
      }
      timesteps = tf.tile(tf.expandDims(tf.range(0, T, 1, 'int32'), 0), [batch, 1]);
      const stacked = tf.stack(terms, 1);
      total = tf.add(prior, tf.sum(stacked, 1));
      terms.splice(0, terms.length, stacked);
    } else {
      const columns: Tensor[] = [];
      let weighted: Tensor = tf.zerosLike(prior);
      for (let k = 0; k < strata; k++) {
        const lo = Math.floor((k * T) / strata);
        const hi = Math.floor(((k + 1) * T) / strata);
        const n = hi - lo;
        const idx = uniformTimesteps(batch, lo, n, seed, 't', k);
        const value = tf.tidy(() => term(x, { scalar: false, length: batch, tensor: idx }, 'stratum', k));
        columns.push(idx);
        terms.push(value);
        const next = tf.add(weighted, tf.mul(n, value));
        weighted.dispose();
        weighted = next;
      }
      timesteps = tf.stack(columns, 1);
      const stacked = tf.stack(terms, 1);
      total = tf.add(prior, weighted);
      terms.splice(0, terms.length, stacked);
    }
    return { nats: total, bitsPerDim: tf.div(total, dims * Math.LN2), prior, terms: terms[0]!, timesteps };
  });
}
