/**
 * @see Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models", NeurIPS, arXiv:2006.11239, §4.
 * @see Rombach et al. 2022, "High-Resolution Image Synthesis with Latent Diffusion Models", CVPR, arXiv:2112.10752 (scaled linear).
 */
import { checkNumber, checkOptions } from '@genmod-internal/core';
import { checkSteps } from './internal/check.js';
import { linspace } from './internal/linspace.js';
import { scheduleFromBetas, type Schedule } from './schedule.js';

/**
 * Options of {@link linearSchedule} and {@link scaledLinearSchedule}.
 *
 * @since 0.1.0
 */
export interface LinearScheduleOptions {
  /** β₁, default 1e−4 */
  betaStart?: number;
  /** β_T, default 0.02 */
  betaEnd?: number;
}

/** The checked arguments of both linear schedules: T and (betaStart, betaEnd) in (0, 1]. */
function checkLinear(fn: string, T: unknown, options: LinearScheduleOptions, start: number, end: number): [number, number] {
  checkOptions(fn, options, ['betaStart', 'betaEnd']);
  checkSteps(fn, T);
  const b0 = checkNumber(fn, 'options.betaStart', options.betaStart ?? start, { above: 0, max: 1 });
  const b1 = checkNumber(fn, 'options.betaEnd', options.betaEnd ?? end, { above: 0, max: 1 });
  return [b0, b1];
}

/**
 * The linear schedule of DDPM: β_t evenly spaced from `betaStart` to `betaEnd` (numpy's `linspace` in
 * float64), every other quantity derived in float64 (see {@link Schedule}).
 *
 *   β_i = betaStart + i·(betaEnd − betaStart)/(T − 1),   i = 0 … T − 1
 *
 * @param T the number of steps (integer ≥ 1; T = 1 gives [betaStart])
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, §4 (T = 1000, β from 1e−4 to 0.02)
 * @example
 * ```ts
 * const schedule = linearSchedule(1000);            // β from 1e-4 to 0.02
 * schedule.alphasCumprod[999];                      // ≈ 4.04e-5
 * ```
 * @since 0.1.0
 */
export function linearSchedule(T: number, options: LinearScheduleOptions = {}): Schedule {
  const fn = 'linearSchedule';
  const [b0, b1] = checkLinear(fn, T, options, 1e-4, 0.02);
  return scheduleFromBetas(linspace(b0, b1, T));
}

/**
 * The "scaled linear" schedule of latent diffusion (Stable Diffusion): √β evenly spaced,
 *
 *   β_i = (√betaStart + i·(√betaEnd − √betaStart)/(T − 1))²
 *
 * @param T the number of steps (integer ≥ 1)
 * @see Rombach et al. 2022, arXiv:2112.10752 (betaStart 0.00085, betaEnd 0.012, T = 1000)
 * @example
 * ```ts
 * const schedule = scaledLinearSchedule(1000);      // Stable Diffusion's schedule
 * ```
 * @since 0.1.0
 */
export function scaledLinearSchedule(T: number, options: LinearScheduleOptions = {}): Schedule {
  const fn = 'scaledLinearSchedule';
  const [b0, b1] = checkLinear(fn, T, options, 0.00085, 0.012);
  return scheduleFromBetas(linspace(Math.sqrt(b0), Math.sqrt(b1), T).map((v) => v * v));
}
