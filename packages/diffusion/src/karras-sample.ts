/**
 * STUB (to be implemented): Euler, Heun and Euler-ancestral sampling on a σ grid (EDM).
 * @see Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of Diffusion-Based Generative Models", NeurIPS, arXiv:2206.00364.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Denoiser } from './denoiser.js';
import type { SamplerOptions, SamplerStep } from './sampler.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link karrasSigmas}.
 *
 * @since 0.1.0
 */
export interface KarrasSigmasOptions {
  /** ρ of the EDM grid, default 7 */
  rho?: number;
  /** the smallest σ > 0, default the schedule's smallest */
  sigmaMin?: number;
  /** the largest σ, default the schedule's largest (2⁻²⁴-clamped ᾱ for a zero-terminal-SNR schedule) */
  sigmaMax?: number;
}

/**
 * The EDM σ grid: n values from σ_max down to σ_min, then 0.
 *
 * @since 0.1.0
 */
export function karrasSigmas(schedule: Schedule, n: number, options: KarrasSigmasOptions = {}): Float64Array {
  void schedule; void n; void options;
  throw new Error('karrasSigmas: not implemented yet');
}

/**
 * The σ of each of the schedule's timesteps, descending, then 0: σ_i = √((1 − ᾱ_i)/ᾱ_i).
 *
 * @since 0.1.0
 */
export function scheduleSigmas(schedule: Schedule): Float64Array {
  void schedule;
  throw new Error('scheduleSigmas: not implemented yet');
}

/**
 * Options of {@link eulerSample}, {@link heunSample} and {@link eulerAncestralSample}.
 *
 * @since 0.1.0
 */
export interface SigmaSamplerOptions extends SamplerOptions {
  /** the descending σ grid ending in 0 (e.g. {@link karrasSigmas}); default {@link scheduleSigmas} of the schedule */
  sigmas?: ArrayLike<number>;
  /** round each σ's timestep to the nearest integer and use that timestep's σ (k-diffusion's `quantize`); default false: fractional float32 timesteps */
  quantize?: boolean;
}

/**
 * Options of {@link eulerSample} and {@link heunSample}: stochastic churn (Karras et al. 2022, Algorithm 2).
 *
 * @since 0.1.0
 */
export interface ChurnSamplerOptions extends SigmaSamplerOptions {
  /** S_churn, default 0 (deterministic) */
  churn?: number;
  /** S_tmin, default 0 */
  churnSigmaMin?: number;
  /** S_tmax, default Infinity */
  churnSigmaMax?: number;
  /** S_noise, default 1 */
  churnNoise?: number;
}

/**
 * Options of {@link eulerAncestralSample}.
 *
 * @since 0.1.0
 */
export interface EulerAncestralSampleOptions extends SigmaSamplerOptions {
  /** η, default 1 */
  eta?: number;
}

/** @since 0.1.0 */
export function eulerSample(denoiser: Denoiser, shape: number[], schedule: Schedule, options: ChurnSamplerOptions = {}): AsyncGenerator<SamplerStep, Tensor, void> {
  void denoiser; void shape; void schedule; void options;
  throw new Error('eulerSample: not implemented yet');
}

/** @since 0.1.0 */
export function heunSample(denoiser: Denoiser, shape: number[], schedule: Schedule, options: ChurnSamplerOptions = {}): AsyncGenerator<SamplerStep, Tensor, void> {
  void denoiser; void shape; void schedule; void options;
  throw new Error('heunSample: not implemented yet');
}

/** @since 0.1.0 */
export function eulerAncestralSample(denoiser: Denoiser, shape: number[], schedule: Schedule, options: EulerAncestralSampleOptions = {}): AsyncGenerator<SamplerStep, Tensor, void> {
  void denoiser; void shape; void schedule; void options;
  throw new Error('eulerAncestralSample: not implemented yet');
}
