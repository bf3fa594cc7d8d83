/**
 * @see Lin, Liu, Li & Yang 2024, "Common Diffusion Noise Schedules and Sample Steps are Flawed", WACV, arXiv:2305.08891, Algorithm 1.
 */
import { fail } from '@genmod-internal/core';
import { checkSchedule } from './internal/schedule-check.js';
import { scheduleFromBetas, type Schedule } from './schedule.js';

/**
 * Rescales a schedule to zero terminal SNR (ᾱ_T = 0, so x_T is pure noise, as sampling assumes), keeping
 * ᾱ₁ fixed and shifting and scaling √ᾱ linearly:
 *
 *   √ᾱ'_t = (√ᾱ_t − √ᾱ_T)·√ᾱ₁/(√ᾱ₁ − √ᾱ_T),   β'_t = 1 − ᾱ'_t/ᾱ'_{t−1}   (so β'_T = 1)
 *
 * With ᾱ_T = 0, ε-prediction cannot recover x₀ at the last step (√(1/ᾱ_T) = ∞): train with
 * `prediction: 'v'` (as Lin et al. do) and sample with trailing timesteps ({@link trailingTimesteps}).
 * The timesteps the denoiser sees are kept.
 *
 * @param schedule a schedule with T ≥ 2
 * @returns a new schedule (the input is unchanged)
 * @see Lin et al. 2024, arXiv:2305.08891, Algorithm 1
 * @example
 * ```ts
 * const schedule = rescaleZeroTerminalSnr(scaledLinearSchedule(1000));
 * schedule.alphasCumprod[999];                      // 0
 * ```
 * @since 0.1.0
 */
export function rescaleZeroTerminalSnr(schedule: Schedule): Schedule {
  const fn = 'rescaleZeroTerminalSnr';
  checkSchedule(fn, schedule);
  if (schedule.T < 2) fail(fn, 'schedule', 'a schedule with T ≥ 2', `T = ${schedule.T}`);
  const sqrtAbar = schedule.sqrtAlphasCumprod;
  const first = sqrtAbar[0]!;
  const last = sqrtAbar[schedule.T - 1]!;
  if (!(first > last)) fail(fn, 'schedule', 'a schedule with ᾱ₁ > ᾱ_T', `ᾱ₁ = ᾱ_T = ${schedule.alphasCumprod[0]}`);
  const abar = Float64Array.from(sqrtAbar, (v) => {
    const r = ((v - last) * first) / (first - last);
    return r * r;
  });
  abar[schedule.T - 1] = 0;
  const betas = new Float64Array(schedule.T);
  let prev = 1;
  for (let i = 0; i < schedule.T; i++) {
    betas[i] = 1 - abar[i]! / prev;
    prev = abar[i]!;
  }
  betas[schedule.T - 1] = 1;
  return scheduleFromBetas(betas, { timesteps: schedule.timesteps });
}
