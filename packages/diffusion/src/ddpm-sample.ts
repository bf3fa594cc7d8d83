/**
 * @see Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models", NeurIPS, arXiv:2006.11239, Algorithm 2.
 * @see Nichol & Dhariwal 2021, "Improved Denoising Diffusion Probabilistic Models", ICML, arXiv:2102.09672, §4 (sampling a respaced schedule).
 * @see Saharia et al. 2022, arXiv:2205.11487, §2.3 (dynamic thresholding).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Denoiser } from './denoiser.js';
import { modelLogVariances, type ModelVariance } from './internal/variance.js';
import { checkSamplerArgs, linearCombination, predictAt, samplerLoop, type Term } from './internal/sampler-loop.js';
import type { SamplerOptions, SamplerStep } from './sampler.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link ddpmSample}.
 *
 * @since 0.1.0
 */
export interface DdpmSampleOptions extends SamplerOptions {
  /** the reverse-step variance σ_t²: `'posterior'` β̃_t (default), `'beta'` β_t, or T values */
  variance?: ModelVariance;
}

/**
 * Ancestral sampling of DDPM, from x_T ~ N(0, I) down to x₀, as an async iteration that yields after every
 * step:
 *
 *   x̂₀ = x̂₀(x_t, f_θ(x_t, t))  (clipped or thresholded if asked),
 *   x_{t−1} = μ̃_t(x_t, x̂₀) + σ_t·z,   z ~ N(0, I)   (no noise at the last step)
 *
 * with μ̃_t the posterior mean (equal to (x_t − β_t/√(1 − ᾱ_t)·ε̂)/√α_t without clipping). Over a respaced
 * schedule ({@link respace}) it takes the respaced steps with their recomputed betas.
 *
 * Each step is tidy and the tensor count stays flat; a step's tensors are freed when the iteration moves on,
 * except the final `x` (the sample), which the caller owns and which is also the iteration's return value.
 * Arguments are checked when the function is called; the work starts with the first `next()`.
 *
 * @param denoiser `(x_t, t) => prediction`
 * @param shape the sample's shape `[B, ...]`
 * @param schedule the (possibly respaced) schedule
 * @returns an async generator of {@link SamplerStep}s that returns the sample
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, Algorithm 2; Nichol & Dhariwal 2021, arXiv:2102.09672, §4
 * @example
 * ```ts
 * const schedule = respace(linearSchedule(1000), linspaceTimesteps(1000, 100));
 * const denoiser = (xt: tf.Tensor) => tf.zerosLike(xt);   // your trained network here
 * let sample: tf.Tensor | undefined;
 * for await (const step of ddpmSample(denoiser, [256, 2], schedule, { seed: 1 })) {
 *   if (step.final) sample = step.x;                       // [256, 2], yours to dispose
 * }
 * ```
 * @since 0.1.0
 */
export function ddpmSample(denoiser: Denoiser, shape: number[], schedule: Schedule, options: DdpmSampleOptions = {}): AsyncGenerator<SamplerStep, Tensor, void> {
  const fn = 'ddpmSample';
  const o = checkSamplerArgs(fn, denoiser, shape, schedule, options, ['variance']);
  const logVar = modelLogVariances(fn, schedule, options.variance ?? 'posterior');
  const sigma = Float64Array.from(logVar, (l) => Math.exp(0.5 * l));
  return samplerLoop(fn, shape, schedule, options, o, (x, k, noise) => {
    const p = predictAt(fn, denoiser, schedule, o, x, k);
    const c1 = schedule.posteriorMeanCoef1[k]!;
    // μ̃ + σ·z in one expression, σ·z drawn scaled: c₁·x̂₀ + c₂·x_t + σ·z, with x̂₀'s terms folded in where it
    // is linear in x_t and the model output (then two products and one AddN, and x̂₀ only if read)
    const terms: Term[] = p.x0Terms ? p.x0Terms.map(([c, v]): Term => [c1 * c, v]) : [[c1, p.x0]];
    terms.push([schedule.posteriorMeanCoef2[k]!, x]);
    if (k > 0) terms.push([1, noise(sigma[k]!)]);
    const next = linearCombination(terms);
    return p.x0Terms ? { x: next, predX0: () => p.x0, keep: [p.out] } : { x: next, predX0: p.x0 };
  });
}
