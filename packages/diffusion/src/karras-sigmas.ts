/**
 * The σ grids of the σ samplers: the EDM grid (Karras et al. 2022, eq. 5) and the σ of a schedule's own
 * timesteps (the samplers' default).
 *
 * @see Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of Diffusion-Based Generative Models", NeurIPS, arXiv:2206.00364, eq. (5) and Table 1.
 */
import { checkInteger, checkNumber, checkOptions, fail } from '@genmod-internal/core';
import { checkSchedule } from './internal/schedule-check.js';
import { scheduleSigmaTable } from './internal/sigma-grid.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link karrasSigmas}.
 *
 * @since 0.1.0
 */
export interface KarrasSigmasOptions {
  /** ρ > 0 of the EDM grid, default 7 (larger ρ puts more steps at small σ) */
  rho?: number;
  /** the smallest σ > 0, default the schedule's smallest, √((1 − ᾱ₁)/ᾱ₁) */
  sigmaMin?: number;
  /** the largest σ (> σ_min), default the schedule's largest, √((1 − ᾱ_T)/ᾱ_T) (with ᾱ_T = 0 clamped to 2⁻²⁴: ≈ 4096) */
  sigmaMax?: number;
}

/**
 * The EDM σ grid (Karras et al. 2022, eq. 5): n values from σ_max down to σ_min, evenly spaced in σ^{1/ρ},
 * then 0 (length n + 1, float64):
 *
 *   σ_i = (σ_max^{1/ρ} + i/(n − 1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ,   i = 0 … n − 1,   σ_n = 0
 *
 * (n = 1 gives [σ_max, 0]). σ_min and σ_max default to the schedule's range, σ = √((1 − ᾱ)/ᾱ) at its first
 * and last index; for a zero-terminal-SNR schedule (ᾱ_T = 0, σ = ∞) ᾱ_T is clamped to 2⁻²⁴ as diffusers
 * does, so σ_max ≈ 4096. Pass the grid to {@link eulerSample}, {@link heunSample} or
 * {@link eulerAncestralSample} as `options.sigmas`. Valid range: 0 < σ_min < σ_max finite, ρ > 0; σ beyond
 * the schedule's range is run at the schedule's end timestep.
 *
 * @param schedule the model's schedule (its σ range gives the defaults)
 * @param n the number of non-zero σ (the number of sampler steps), an integer ≥ 1
 * @returns the descending grid of n + 1 values, the last 0
 * @see Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of Diffusion-Based Generative Models", arXiv:2206.00364, eq. (5) and Table 1
 * @example
 * ```ts
 * const sigmas = karrasSigmas(linearSchedule(1000), 5, { sigmaMin: 0.002, sigmaMax: 80 });
 * // Float64Array [80, 17.53…, 2.515…, 0.1698…, 0.002, 0]
 * ```
 * @since 0.1.0
 */
export function karrasSigmas(schedule: Schedule, n: number, options: KarrasSigmasOptions = {}): Float64Array {
  const fn = 'karrasSigmas';
  checkOptions(fn, options, ['rho', 'sigmaMin', 'sigmaMax']);
  checkSchedule(fn, schedule);
  checkInteger(fn, 'n', n, { min: 1 });
  const rho = checkNumber(fn, 'options.rho', options.rho ?? 7, { above: 0 });
  const table = scheduleSigmaTable(schedule);
  const sigmaMin = checkNumber(fn, 'options.sigmaMin', options.sigmaMin ?? table[0]!, { above: 0 });
  const sigmaMax = checkNumber(fn, 'options.sigmaMax', options.sigmaMax ?? table[table.length - 1]!, { above: 0 });
  if (n > 1 && !(sigmaMin < sigmaMax)) fail(fn, 'options.sigmaMin', `below σ_max = ${sigmaMax} (n > 1)`, sigmaMin);
  const out = new Float64Array(n + 1);
  const a = sigmaMax ** (1 / rho);
  const b = sigmaMin ** (1 / rho);
  for (let i = 1; i < n - 1; i++) out[i] = (a + (i / (n - 1)) * (b - a)) ** rho;
  // the ends exactly (not (σ^{1/ρ})^ρ, off by an ulp or two)
  out[0] = sigmaMax;
  if (n > 1) out[n - 1] = sigmaMin;
  return out;
}

/**
 * The σ of each of the schedule's (possibly respaced) timesteps, descending, then 0 (length T + 1,
 * float64): σ_i = √((1 − ᾱ_i)/ᾱ_i) for i = T − 1 … 0, with ᾱ clamped to at least 2⁻²⁴ (as diffusers clamps
 * ᾱ_T = 0 of a zero-terminal-SNR schedule: σ ≤ 4096; the few timesteps before it with 0 < ᾱ < 2⁻²⁴ are
 * clamped too, so the grid can start with equal values, steps that do nothing but cost an evaluation).
 * The default grid of the σ samplers, so that a respaced schedule (leading, linspace or trailing spacing)
 * sets their steps; on it {@link eulerSample} is DDIM with η = 0, and {@link eulerAncestralSample} DDIM with η.
 *
 * @param schedule a schedule (respaced or not)
 * @returns the descending σ of its T indices, then 0
 * @see Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of Diffusion-Based Generative Models", arXiv:2206.00364, Table 1 (σ of a VP schedule)
 * @example
 * ```ts
 * const sigmas = scheduleSigmas(respace(linearSchedule(1000), trailingTimesteps(1000, 4)));
 * // Float64Array [157.4…, 17.25…, 3.424…, 0.9529…, 0]
 * ```
 * @since 0.1.0
 */
export function scheduleSigmas(schedule: Schedule): Float64Array {
  checkSchedule('scheduleSigmas', schedule);
  const table = scheduleSigmaTable(schedule);
  const out = new Float64Array(table.length + 1);
  for (let i = 0; i < table.length; i++) out[i] = table[table.length - 1 - i]!;
  return out;
}
