/**
 * @see Nichol & Dhariwal 2021, "Improved Denoising Diffusion Probabilistic Models", ICML, arXiv:2102.09672, §3.2, eq. (17).
 */
import { checkNumber, checkOptions } from '@genmod-internal/core';
import { checkSteps } from './internal/check.js';
import { scheduleFromBetas, type Schedule } from './schedule.js';

/**
 * Options of {@link cosineSchedule}.
 *
 * @since 0.1.0
 */
export interface CosineScheduleOptions {
  /** the offset s that keeps β₁ from being too small near t = 0, default 0.008 */
  s?: number;
  /** the cap on every β_t, default 0.999 (without it the last steps blow up: f(1) = 0 gives β_T = 1) */
  maxBeta?: number;
}

/**
 * The cosine schedule of improved DDPM, as improved-diffusion's `betas_for_alpha_bar` computes it in
 * float64:
 *
 *   f(u) = cos²(((u + s)/(1 + s))·π/2),   β_i = min(1 − f((i + 1)/T)/f(i/T), maxBeta),   i = 0 … T − 1
 *
 * and ᾱ recomputed as Π(1 − β) (it differs from f(t)/f(0) only where a beta was capped: the last one
 * for T = 1000).
 *
 * @param T the number of steps (integer ≥ 1)
 * @see Nichol & Dhariwal 2021, arXiv:2102.09672, eq. (17)
 * @example
 * ```ts
 * const schedule = cosineSchedule(1000);
 * schedule.betas[999];                              // 0.999 (capped)
 * ```
 * @since 0.1.0
 */
export function cosineSchedule(T: number, options: CosineScheduleOptions = {}): Schedule {
  const fn = 'cosineSchedule';
  checkOptions(fn, options, ['s', 'maxBeta']);
  checkSteps(fn, T);
  const s = checkNumber(fn, 'options.s', options.s ?? 0.008, { min: 0 });
  const maxBeta = checkNumber(fn, 'options.maxBeta', options.maxBeta ?? 0.999, { above: 0, max: 1 });
  const f = (u: number) => Math.cos(((u + s) / (1 + s)) * Math.PI / 2) ** 2;
  const betas = Float64Array.from({ length: T }, (_, i) => Math.min(1 - f((i + 1) / T) / f(i / T), maxBeta));
  return scheduleFromBetas(betas);
}
