/**
 * @see Nichol & Dhariwal 2021, "Improved Denoising Diffusion Probabilistic Models", ICML, arXiv:2102.09672, §4 (respacing).
 * @see Song, Meng & Ermon 2021, "Denoising Diffusion Implicit Models", ICLR, arXiv:2010.02502, §4.2 and App. C.2 (sub-sequences).
 * @see Lin, Liu, Li & Yang 2024, arXiv:2305.08891, §3.3 and Table 2 (leading, linspace and trailing spacing).
 */
import { checkInteger, checkOptions, fail } from '@genmod-internal/core';
import { checkSteps } from './internal/check.js';
import { checkSchedule } from './internal/schedule-check.js';
import { scheduleFromBetas, type Schedule } from './schedule.js';

/** numpy's round (half to even). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function checkCount(fn: string, T: number, n: unknown): number {
  checkSteps(fn, T);
  return checkInteger(fn, 'n', n, { min: 1, max: T });
}

function ascendingUnique(fn: string, values: number[]): Int32Array {
  const out = Int32Array.from(new Set(values)).sort();
  if (out.length !== values.length) fail(fn, 'n', 'a count that gives distinct timesteps', `${values.length} steps collapsing to ${out.length}`);
  return out;
}

/**
 * n timesteps evenly spaced over [0, T − 1], rounded (diffusers' `timestep_spacing="linspace"`): both ends
 * are kept.
 *
 *   round(linspace(0, T − 1, n))
 *
 * @returns ascending Int32Array of n distinct timesteps in [0, T)
 * @see Lin et al. 2024, arXiv:2305.08891, Table 2
 * @example
 * ```ts
 * linspaceTimesteps(1000, 5);                       // [0, 250, 500, 749, 999]
 * ```
 * @since 0.1.0
 */
export function linspaceTimesteps(T: number, n: number): Int32Array {
  const fn = 'linspaceTimesteps';
  checkCount(fn, T, n);
  const step = n > 1 ? (T - 1) / (n - 1) : 0;
  return ascendingUnique(fn, Array.from({ length: n }, (_, i) => (i === n - 1 && n > 1 ? T - 1 : roundHalfEven(i * step))));
}

/**
 * Options of {@link leadingTimesteps}.
 *
 * @since 0.1.0
 */
export interface LeadingTimestepsOptions {
  /** added to every timestep (diffusers' `steps_offset`; Stable Diffusion uses 1), default 0 */
  offset?: number;
}

/**
 * Every ⌊T/n⌋-th timestep from 0 (diffusers' `timestep_spacing="leading"`, DDIM's original sub-sequence):
 * the last one falls short of T − 1, so sampling starts from a state that is not pure noise.
 *
 *   i·⌊T/n⌋ + offset,   i = 0 … n − 1
 *
 * @param options.offset added to every timestep (diffusers' `steps_offset`, Stable Diffusion uses 1), default 0
 * @see Song, Meng & Ermon 2021, arXiv:2010.02502, App. C.2; Lin et al. 2024, arXiv:2305.08891, Table 2
 * @example
 * ```ts
 * leadingTimesteps(1000, 5);                        // [0, 200, 400, 600, 800]
 * ```
 * @since 0.1.0
 */
export function leadingTimesteps(T: number, n: number, options: LeadingTimestepsOptions = {}): Int32Array {
  const fn = 'leadingTimesteps';
  checkOptions(fn, options, ['offset']);
  checkCount(fn, T, n);
  const ratio = Math.floor(T / n);
  const offset = options.offset ?? 0;
  checkInteger(fn, 'options.offset', offset, { min: 0, max: T - 1 - (n - 1) * ratio });
  return ascendingUnique(fn, Array.from({ length: n }, (_, i) => i * ratio + offset));
}

/**
 * n timesteps counted back from T − 1 in strides of T/n (diffusers' `timestep_spacing="trailing"`): the
 * first sampling step is at T − 1, as zero-terminal-SNR sampling needs.
 *
 *   round(T − i·T/n) − 1,   i = 0 … n − 1
 *
 * computed as numpy's `arange(T, 0, −T/n)` computes it (T + i·δ with δ = (T − T/n) − T), so that ties at
 * exact halves round as in diffusers.
 *
 * @see Lin et al. 2024, arXiv:2305.08891, §3.3 and Table 2
 * @example
 * ```ts
 * trailingTimesteps(1000, 5);                       // [199, 399, 599, 799, 999]
 * ```
 * @since 0.1.0
 */
export function trailingTimesteps(T: number, n: number): Int32Array {
  const fn = 'trailingTimesteps';
  checkCount(fn, T, n);
  // numpy.arange(T, 0, −T/n) as diffusers and Lin et al. compute it: the step is (T − T/n) − T, the difference
  // of the first two values (numpy's fill), not −T/n itself; at exact halves (T = 904, n = 80: 56.5) the two
  // round apart, and the timesteps must be those a diffusers-trained model saw
  const delta = T - T / n - T;
  return ascendingUnique(fn, Array.from({ length: n }, (_, i) => roundHalfEven(T + i * delta) - 1));
}

/**
 * Keeps a subset of a schedule's timesteps and recomputes the betas from ᾱ so that the kept steps form a
 * diffusion process of their own with the same marginals q(x_t | x₀):
 *
 *   β'_k = 1 − ᾱ_{τ_k}/ᾱ_{τ_{k−1}}   (ᾱ_{τ_0} := 1),   k = 1 … n
 *
 * The denoiser keeps seeing the original timesteps τ_k (the new schedule's `timesteps`); a respaced
 * schedule can be respaced again.
 *
 * @param schedule the schedule to respace
 * @param timesteps strictly increasing indices into `schedule` (e.g. from {@link trailingTimesteps})
 * @see Nichol & Dhariwal 2021, arXiv:2102.09672, §4; Song, Meng & Ermon 2021, arXiv:2010.02502, §4.2
 * @example
 * ```ts
 * const fast = respace(linearSchedule(1000), trailingTimesteps(1000, 50)); // 50 steps
 * fast.T;                                           // 50
 * fast.timesteps[49];                               // 999
 * ```
 * @since 0.1.0
 */
export function respace(schedule: Schedule, timesteps: ArrayLike<number>): Schedule {
  const fn = 'respace';
  checkSchedule(fn, schedule);
  if (timesteps === null || typeof timesteps !== 'object' || typeof timesteps.length !== 'number' || timesteps.length < 1) {
    fail(fn, 'timesteps', 'a non-empty array of indices into the schedule', timesteps);
  }
  for (let i = 0; i < timesteps.length; i++) {
    const v = timesteps[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= schedule.T || (i > 0 && v <= timesteps[i - 1]!)) {
      fail(fn, 'timesteps', `strictly increasing integers in [0, ${schedule.T})`, `[${Array.from(timesteps).join(', ')}]`);
    }
  }
  const betas = new Float64Array(timesteps.length);
  const kept = new Int32Array(timesteps.length);
  let last = 1;
  for (let k = 0; k < timesteps.length; k++) {
    const i = timesteps[k]!;
    const abar = schedule.alphasCumprod[i]!;
    betas[k] = 1 - abar / last;
    last = abar;
    kept[k] = schedule.timesteps[i]!;
  }
  return scheduleFromBetas(betas, { timesteps: kept });
}
