/**
 * @see Song, Meng & Ermon 2021, "Denoising Diffusion Implicit Models", ICLR, arXiv:2010.02502, eq. (12) and eq. (16).
 * @see Lin, Liu, Li & Yang 2024, arXiv:2305.08891 (trailing timesteps, zero terminal SNR).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Denoiser } from './denoiser.js';
import { checkNumber } from '@genmod-internal/core';
import { checkSamplerArgs, linearCombination, predictAt, samplerLoop, type Term } from './internal/sampler-loop.js';
import type { SamplerOptions, SamplerStep } from './sampler.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link ddimSample}.
 *
 * @since 0.1.0
 */
export interface DdimSampleOptions extends SamplerOptions {
  /** η ≥ 0: 0 (default) is the deterministic DDIM, 1 has DDPM's variance β̃ */
  eta?: number;
}

/**
 * DDIM sampling (Song et al. 2021), deterministic for η = 0, as an async iteration that yields after every
 * step. With ᾱ = ᾱ_t and ᾱ' = ᾱ_{t−1} of the (respaced) schedule (ᾱ' = 1 at the last step):
 *
 *   x̂₀ = x̂₀(x_t, f_θ(x_t, t)),  ε̂ = (x_t − √ᾱ·x̂₀)/√(1 − ᾱ)  (recomputed after clipping),
 *   σ = η·√((1 − ᾱ')/(1 − ᾱ))·√(1 − ᾱ/ᾱ'),
 *   x_{t−1} = √ᾱ'·x̂₀ + √(1 − ᾱ' − σ²)·ε̂ + σ·z,   z ~ N(0, I)
 *
 * Run it over a respaced schedule for fast sampling: `respace(schedule, trailingTimesteps(T, 50))`. With a
 * zero-terminal-SNR schedule use v-prediction (x̂₀ from ε̂ is undefined where ᾱ = 0).
 *
 * Memory and ownership as {@link ddpmSample}: the final step's `x` is the caller's.
 *
 * @param denoiser `(x_t, t) => prediction`
 * @param shape the sample's shape `[B, ...]`
 * @param schedule the (usually respaced) schedule
 * @returns an async generator of {@link SamplerStep}s that returns the sample
 * @see Song, Meng & Ermon 2021, arXiv:2010.02502, eqs. (12) and (16)
 * @example
 * ```ts
 * const schedule = respace(cosineSchedule(1000), trailingTimesteps(1000, 25));
 * const denoiser = (xt: tf.Tensor) => tf.zerosLike(xt);
 * const x = await finalSample(ddimSample(denoiser, [64, 2], schedule, { eta: 0, seed: 2 })); // [64, 2]
 * ```
 * @since 0.1.0
 */
export function ddimSample(denoiser: Denoiser, shape: number[], schedule: Schedule, options: DdimSampleOptions = {}): AsyncGenerator<SamplerStep, Tensor, void> {
  const fn = 'ddimSample';
  const o = checkSamplerArgs(fn, denoiser, shape, schedule, options, ['eta']);
  const eta = checkNumber(fn, 'options.eta', options.eta ?? 0, { min: 0 });
  return samplerLoop(fn, shape, schedule, options, o, (x, k, noise) => {
    const p = predictAt(fn, denoiser, schedule, o, x, k);
    const a = schedule.alphasCumprod[k]!;
    const aPrev = schedule.alphasCumprodPrev[k]!;
    const sigma = eta * Math.sqrt((1 - aPrev) / (1 - a)) * Math.sqrt(1 - a / aPrev);
    const dir = Math.sqrt(Math.max(1 - aPrev - sigma * sigma, 0));
    // √ᾱ'·x̂₀ + dir·ε̂ + σ·z in one expression: x̂₀ and ε̂ folded in as their terms (over x_t and the model
    // output, or the clipped x̂₀), σ·z drawn scaled
    const sa = Math.sqrt(aPrev);
    const terms: Term[] = p.x0Terms ? p.x0Terms.map(([c, v]): Term => [sa * c, v]) : [[sa, p.x0]];
    terms.push(...p.epsTerms.map(([c, v]): Term => [dir * c, v]));
    if (sigma > 0) terms.push([1, noise(sigma)]);
    const next = linearCombination(terms);
    return p.x0Terms ? { x: next, predX0: () => p.x0, keep: [p.out] } : { x: next, predX0: p.x0 };
  });
}
