/**
 * @see Jabri, Fleet & Chen 2023, "Scalable Adaptive Computation for Iterative Generation", ICML, arXiv:2212.11972.
 * @see Chen 2023, "On the Importance of Noise Scheduling for Diffusion Models", arXiv:2301.10972, Algorithm 1.
 */
import { checkNumber, checkOptions, fail } from '@genmod-internal/core';
import { checkSteps } from './internal/check.js';
import { scheduleFromBetas, type Schedule } from './schedule.js';

/**
 * Options of {@link sigmoidSchedule}.
 *
 * @since 0.1.0
 */
export interface SigmoidScheduleOptions {
  /** the left end of the sigmoid's input range, default −3 */
  start?: number;
  /** the right end, default 3 (must exceed `start`) */
  end?: number;
  /** the temperature τ > 0, default 1 (larger τ: a flatter, more linear-like schedule) */
  tau?: number;
  /** the cap on every β_t, default 0.999 */
  maxBeta?: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The sigmoid schedule (as lucidrains' `sigmoid_beta_schedule` computes it), defined through ᾱ in
 * continuous time u ∈ [0, 1]:
 *
 *   ᾱ(u) ∝ (σ(end/τ) − σ((u·(end − start) + start)/τ)) / (σ(end/τ) − σ(start/τ)),   ᾱ(0) = 1
 *   β_i = min(1 − ᾱ((i + 1)/T)/ᾱ(i/T), maxBeta)
 *
 * @param T the number of steps (integer ≥ 1)
 * @see Chen 2023, arXiv:2301.10972, Algorithm 1; Jabri, Fleet & Chen 2023, arXiv:2212.11972
 * @example
 * ```ts
 * const schedule = sigmoidSchedule(1000, { start: -3, end: 3, tau: 1 });
 * ```
 * @since 0.1.0
 */
export function sigmoidSchedule(T: number, options: SigmoidScheduleOptions = {}): Schedule {
  const fn = 'sigmoidSchedule';
  checkOptions(fn, options, ['start', 'end', 'tau', 'maxBeta']);
  checkSteps(fn, T);
  const start = checkNumber(fn, 'options.start', options.start ?? -3);
  const end = checkNumber(fn, 'options.end', options.end ?? 3);
  if (!(end > start)) fail(fn, 'options.end', `a number > options.start (${start})`, end);
  const tau = checkNumber(fn, 'options.tau', options.tau ?? 1, { above: 0 });
  const maxBeta = checkNumber(fn, 'options.maxBeta', options.maxBeta ?? 0.999, { above: 0, max: 1 });
  const vStart = sigmoid(start / tau);
  const vEnd = sigmoid(end / tau);
  const abar = (u: number) => (vEnd - sigmoid((u * (end - start) + start) / tau)) / (vEnd - vStart);
  const a0 = abar(0);
  const betas = Float64Array.from({ length: T }, (_, i) => Math.min(Math.max(1 - abar((i + 1) / T) / a0 / (abar(i / T) / a0), 0), maxBeta));
  return scheduleFromBetas(betas);
}
