/**
 * Euler, Heun and Euler-ancestral sampling on a σ grid (EDM), driving a DDPM-style denoiser the way
 * k-diffusion and diffusers' Euler / Heun / Euler-ancestral schedulers do.
 *
 * @see Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of Diffusion-Based Generative Models", NeurIPS, arXiv:2206.00364, eq. (5), Algorithms 1 and 2.
 * @see Song, Sohl-Dickstein, Kingma, Kumar, Ermon & Poole 2021, "Score-Based Generative Modeling through Stochastic Differential Equations", ICLR, arXiv:2011.13456 (the probability-flow ODE; the ancestral step).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkBoolean, checkNumber, fail } from '@genmod-internal/core';
import type { Denoiser } from './denoiser.js';
import { checkSamplerArgs, type CheckedSamplerOptions } from './internal/sampler-loop.js';
import { checkSigmas, SigmaTimesteps } from './internal/sigma-grid.js';
import { denoisedAt, sigmaLoop, type SigmaStepResult } from './internal/sigma-loop.js';
import { scheduleSigmas } from './karras-sigmas.js';
import type { SamplerOptions, SamplerStep } from './sampler.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link eulerSample}, {@link heunSample} and {@link eulerAncestralSample}.
 *
 * @since 0.1.0
 */
export interface SigmaSamplerOptions extends SamplerOptions {
  /**
   * The σ grid: non-increasing, finite, positive and ending in 0 (e.g. {@link karrasSigmas}); default
   * {@link scheduleSigmas} of the schedule (its timesteps, respaced or not)
   */
  sigmas?: ArrayLike<number>;
  /**
   * Round each σ's timestep to the nearest of the schedule's (in log σ) and use that timestep's σ
   * (k-diffusion's `quantize`), passing int32 timesteps; default false: fractional float32 timesteps
   */
  quantize?: boolean;
}

/**
 * Options of {@link eulerSample} and {@link heunSample}: stochastic churn (Karras et al. 2022, Algorithm 2).
 *
 * @since 0.1.0
 */
export interface ChurnSamplerOptions extends SigmaSamplerOptions {
  /** S_churn ≥ 0: γ = min(S_churn/N, √2 − 1) per step; default 0 (deterministic) */
  churn?: number;
  /** S_tmin ≥ 0: churn only where σ_i ≥ S_tmin; default 0 */
  churnSigmaMin?: number;
  /** S_tmax ≥ S_tmin: churn only where σ_i ≤ S_tmax; default Infinity */
  churnSigmaMax?: number;
  /** S_noise ≥ 0, the scale of the added noise; default 1 (EDM used 1.003–1.007) */
  churnNoise?: number;
}

/**
 * Options of {@link eulerAncestralSample}.
 *
 * @since 0.1.0
 */
export interface EulerAncestralSampleOptions extends SigmaSamplerOptions {
  /** η ≥ 0: the share of each step's noise that is fresh; 1 (default) is ancestral sampling, 0 is Euler */
  eta?: number;
}

const SIGMA_KEYS = ['sigmas', 'quantize'];
const CHURN_KEYS = ['churn', 'churnSigmaMin', 'churnSigmaMax', 'churnNoise'];

interface SigmaSetup {
  o: CheckedSamplerOptions;
  grid: SigmaTimesteps;
  sigmas: Float64Array;
  quantize: boolean;
}

/** The common checks, and the grid (snapped to the schedule's σ with `quantize`). */
function setup(fn: string, denoiser: unknown, shape: unknown, schedule: Schedule, options: SigmaSamplerOptions, extraKeys: readonly string[]): SigmaSetup {
  const o = checkSamplerArgs(fn, denoiser, shape, schedule, options, [...SIGMA_KEYS, ...extraKeys]);
  const quantize = checkBoolean(fn, 'options.quantize', options.quantize ?? false);
  const sigmas = options.sigmas === undefined ? scheduleSigmas(schedule) : checkSigmas(fn, options.sigmas);
  const grid = new SigmaTimesteps(schedule);
  if (quantize) for (let i = 0; i < sigmas.length - 1; i++) sigmas[i] = grid.sigmaAt(grid.nearestIndex(sigmas[i]!));
  return { o, grid, sigmas, quantize };
}

interface Churn {
  churn: number;
  tmin: number;
  tmax: number;
  noise: number;
}

function checkChurn(fn: string, options: ChurnSamplerOptions): Churn {
  const churn = checkNumber(fn, 'options.churn', options.churn ?? 0, { min: 0 });
  const tmin = checkNumber(fn, 'options.churnSigmaMin', options.churnSigmaMin ?? 0, { min: 0 });
  const tmax = options.churnSigmaMax ?? Infinity;
  if (typeof tmax !== 'number' || Number.isNaN(tmax) || !(tmax >= tmin)) fail(fn, 'options.churnSigmaMax', `a number ≥ options.churnSigmaMin = ${tmin} (Infinity allowed)`, tmax);
  const noise = checkNumber(fn, 'options.churnNoise', options.churnNoise ?? 1, { min: 0 });
  return { churn, tmin, tmax, noise };
}

/**
 * σ̂_i = σ_i·(1 + γ_i), γ_i = min(S_churn/N, √2 − 1) where S_tmin ≤ σ_i ≤ S_tmax (else 0); with `quantize`
 * σ̂ is the nearest schedule σ, at least σ_i.
 */
function churnSigma(s: SigmaSetup, c: Churn, i: number): number {
  const sigma = s.sigmas[i]!;
  const N = s.sigmas.length - 1;
  const gamma = c.churn > 0 && sigma >= c.tmin && sigma <= c.tmax ? Math.min(c.churn / N, Math.SQRT2 - 1) : 0;
  if (gamma === 0) return sigma;
  const hat = sigma * (1 + gamma);
  return s.quantize ? Math.max(s.grid.sigmaAt(s.grid.nearestIndex(hat)), sigma) : hat;
}

/** D(x; σ) at σ, and the timestep the denoiser saw (float32-rounded when fractional). Inside a tidy. */
function denoise(fn: string, denoiser: Denoiser, s: SigmaSetup, x: Tensor, sigma: number): { x0: Tensor; t: number } {
  const { t } = s.grid.resolve(sigma, s.quantize);
  return { x0: denoisedAt(fn, denoiser, s.o, x, sigma, t, s.quantize), t: s.quantize ? t : Math.fround(t) };
}

/**
 * x + (σ_to − σ)·(x − x̂₀)/σ, written x̂₀ + (σ_to/σ)·(x − x̂₀): exactly x̂₀ at σ_to = 0 (a copy, since x̂₀ is
 * also reported as `predX0` and freed with it). Inside a tidy.
 */
function eulerMove(x: Tensor, x0: Tensor, sigma: number, to: number): Tensor {
  return to === 0 ? tf.clone(x0) : tf.add(x0, tf.mul(to / sigma, tf.sub(x, x0)));
}

/** The churned state x̂ = x + √(σ̂² − σ²)·S_noise·z (EDM Algorithm 2, lines 5–6). Inside a tidy. */
function churned(xs: Tensor, sigma: number, hat: number, c: Churn, noise: () => Tensor): Tensor {
  if (hat === sigma || c.noise === 0) return xs;
  return tf.add(xs, tf.mul(Math.sqrt((hat - sigma) * (hat + sigma)) * c.noise, noise()));
}

/**
 * Euler's method on the probability-flow ODE in σ (Karras et al. 2022, Algorithm 2 with the Heun correction
 * left out), optionally with stochastic churn; an async iteration that yields after every step. With
 * D(x; σ) = x̂₀ the denoised estimate (after clipping / thresholding), at each step i = 0 … N − 1:
 *
 *   σ̂ = σ_i·(1 + γ_i),  x̂ = x_i + √(σ̂² − σ_i²)·S_noise·z   (churn; γ_i = 0 by default),
 *   d = (x̂ − D(x̂; σ̂))/σ̂,   x_{i+1} = x̂ + (σ_{i+1} − σ̂)·d
 *
 * The state is x_σ = x₀ + σ·ε; the denoiser is a DDPM model `(x_t, t) => ε | x₀ | v` on x_t = x_σ/√(1 + σ²),
 * and its prediction becomes x̂₀ = x_σ − σ·ε̂, f_θ, or x_σ/(1 + σ²) − σ/√(1 + σ²)·v̂. **The denoiser receives
 * float32 fractional timesteps `[B]`** (interpolated linearly in log σ between the schedule's timesteps, as
 * k-diffusion's `sigma_to_t`); it must accept them (e.g. through {@link sinusoidalTimestepEmbedding}), or use
 * `quantize: true` for the nearest int32 timestep (σ is then snapped to that timestep's σ). σ outside the
 * schedule's range is given the end timestep.
 *
 * `xT` and each yielded `x` are the DDPM latent x_t = x_σ/√(1 + σ²) (so the start is x_σ = x_T·√(1 + σ₀²) and
 * the final x, at σ = 0, is x₀): interchangeable with {@link ddimSample}. On the default grid
 * ({@link scheduleSigmas}) Euler is DDIM with η = 0. Each step yields `sigma` = σ_{i+1}, `index` = N − 1 − i
 * and the (first) timestep the denoiser saw; the churn noise of step i is the seed's stream ('step', N − 1 − i).
 * Memory and ownership as {@link ddimSample}: the final step's `x` is the caller's.
 *
 * @param denoiser `(x_t [B, ...], t [B] float32, or int32 with quantize) => prediction`
 * @param shape the sample's shape `[B, ...]`
 * @param schedule the schedule the denoiser was trained with (respaced or not)
 * @returns an async generator of {@link SamplerStep}s that returns the sample
 * @see Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of Diffusion-Based Generative Models", arXiv:2206.00364, Algorithms 1 and 2
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);
 * const denoiser = (xt: tf.Tensor) => tf.zerosLike(xt);
 * const sigmas = karrasSigmas(schedule, 10);
 * const x = await finalSample(eulerSample(denoiser, [64, 2], schedule, { sigmas, seed: 1 })); // [64, 2]
 * ```
 * @since 0.1.0
 */
export function eulerSample(denoiser: Denoiser, shape: number[], schedule: Schedule, options: ChurnSamplerOptions = {}): AsyncGenerator<SamplerStep, Tensor, void> {
  const fn = 'eulerSample';
  const s = setup(fn, denoiser, shape, schedule, options, CHURN_KEYS);
  const c = checkChurn(fn, options);
  return sigmaLoop(fn, shape, s.sigmas, options, s.o, (xs, i, noise): SigmaStepResult => {
    const sigma = s.sigmas[i]!;
    const hat = churnSigma(s, c, i);
    const x = churned(xs, sigma, hat, c, noise);
    const { x0, t } = denoise(fn, denoiser, s, x, hat);
    return { xs: eulerMove(x, x0, hat, s.sigmas[i + 1]!), predX0: x0, timestep: t };
  });
}

/**
 * Heun's second-order method on the probability-flow ODE in σ (Karras et al. 2022, Algorithm 1; with churn,
 * Algorithm 2): two denoiser evaluations per step, one on the last step to σ = 0 (an Euler step), so
 * 2N − 1 in all. With the notation of {@link eulerSample}:
 *
 *   x' = x̂ + (σ_{i+1} − σ̂)·d,   d' = (x' − D(x'; σ_{i+1}))/σ_{i+1},
 *   x_{i+1} = x̂ + (σ_{i+1} − σ̂)·(d + d')/2     (x_{i+1} = x' when σ_{i+1} = 0)
 *
 * Everything else (the DDPM denoiser and its float32 fractional timesteps, `quantize`, `xT` and the yielded
 * latent x_t = x_σ/√(1 + σ²), churn, seeds, memory) as {@link eulerSample}; the yielded `predX0` and
 * `timestep` are those of the first evaluation.
 *
 * @param denoiser `(x_t [B, ...], t [B] float32, or int32 with quantize) => prediction`
 * @param shape the sample's shape `[B, ...]`
 * @param schedule the schedule the denoiser was trained with (respaced or not)
 * @returns an async generator of {@link SamplerStep}s that returns the sample
 * @see Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of Diffusion-Based Generative Models", arXiv:2206.00364, Algorithms 1 and 2
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);
 * const denoiser = (xt: tf.Tensor) => tf.zerosLike(xt);
 * const x = await finalSample(heunSample(denoiser, [64, 2], schedule, { sigmas: karrasSigmas(schedule, 10), churn: 5, seed: 1 }));
 * ```
 * @since 0.1.0
 */
export function heunSample(denoiser: Denoiser, shape: number[], schedule: Schedule, options: ChurnSamplerOptions = {}): AsyncGenerator<SamplerStep, Tensor, void> {
  const fn = 'heunSample';
  const s = setup(fn, denoiser, shape, schedule, options, CHURN_KEYS);
  const c = checkChurn(fn, options);
  return sigmaLoop(fn, shape, s.sigmas, options, s.o, (xs, i, noise): SigmaStepResult => {
    const sigma = s.sigmas[i]!;
    const to = s.sigmas[i + 1]!;
    const hat = churnSigma(s, c, i);
    const x = churned(xs, sigma, hat, c, noise);
    const { x0, t } = denoise(fn, denoiser, s, x, hat);
    const euler = eulerMove(x, x0, hat, to);
    if (to === 0) return { xs: euler, predX0: x0, timestep: t };
    const second = denoise(fn, denoiser, s, euler, to).x0;
    // x̂ + (σ' − σ̂)·(d + d')/2 with d = (x̂ − x̂₀)/σ̂, d' = (x' − x̂₀')/σ'
    const d = tf.div(tf.sub(x, x0), hat);
    const d2 = tf.div(tf.sub(euler, second), to);
    return { xs: tf.add(x, tf.mul((to - hat) / 2, tf.add(d, d2))), predX0: x0, timestep: t };
  });
}

/**
 * Euler-ancestral sampling (k-diffusion's `sample_euler_ancestral`): a deterministic Euler step down to
 * σ_down, then fresh noise up to σ_{i+1}:
 *
 *   σ_up = min(σ_{i+1}, η·σ_{i+1}·√(σ_i² − σ_{i+1}²)/σ_i),   σ_down = √(σ_{i+1}² − σ_up²),
 *   x_{i+1} = x_i + (σ_down − σ_i)·(x_i − D(x_i; σ_i))/σ_i + σ_up·z,   z ~ N(0, I)
 *
 * On the default grid ({@link scheduleSigmas}) this is DDIM with the same η (Song et al. 2021, eq. 16), and
 * with the same seed the same draws. Everything else (the DDPM denoiser and its float32 fractional
 * timesteps, `quantize`, `xT` and the yielded latent x_t = x_σ/√(1 + σ²), seeds, memory) as
 * {@link eulerSample}.
 *
 * @param denoiser `(x_t [B, ...], t [B] float32, or int32 with quantize) => prediction`
 * @param shape the sample's shape `[B, ...]`
 * @param schedule the schedule the denoiser was trained with (respaced or not)
 * @returns an async generator of {@link SamplerStep}s that returns the sample
 * @see Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of Diffusion-Based Generative Models", arXiv:2206.00364 (σ grids; k-diffusion)
 * @see Song, Meng & Ermon 2021, "Denoising Diffusion Implicit Models", arXiv:2010.02502, eq. (16)
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);
 * const denoiser = (xt: tf.Tensor) => tf.zerosLike(xt);
 * const x = await finalSample(eulerAncestralSample(denoiser, [64, 2], schedule, { sigmas: karrasSigmas(schedule, 20), seed: 1 }));
 * ```
 * @since 0.1.0
 */
export function eulerAncestralSample(denoiser: Denoiser, shape: number[], schedule: Schedule, options: EulerAncestralSampleOptions = {}): AsyncGenerator<SamplerStep, Tensor, void> {
  const fn = 'eulerAncestralSample';
  const s = setup(fn, denoiser, shape, schedule, options, ['eta']);
  const eta = checkNumber(fn, 'options.eta', options.eta ?? 1, { min: 0 });
  return sigmaLoop(fn, shape, s.sigmas, options, s.o, (xs, i, noise): SigmaStepResult => {
    const sigma = s.sigmas[i]!;
    const to = s.sigmas[i + 1]!;
    const { x0, t } = denoise(fn, denoiser, s, xs, sigma);
    const up = Math.min(to, (eta * to * Math.sqrt((sigma - to) * (sigma + to))) / sigma);
    const down = Math.sqrt((to - up) * (to + up));
    const moved = eulerMove(xs, x0, sigma, down);
    return { xs: up > 0 ? tf.add(moved, tf.mul(up, noise())) : moved, predX0: x0, timestep: t };
  });
}
