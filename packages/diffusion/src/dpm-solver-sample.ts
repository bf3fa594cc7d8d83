/**
 * @see Lu, Zhou, Bao, Chen, Li & Zhu 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models", arXiv:2211.01095, §4 and Algorithm 2.
 * @see Lu, Zhou, Bao, Chen, Li & Zhu 2022, "DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling in Around 10 Steps", NeurIPS, arXiv:2206.00927.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkBoolean, checkInteger } from '@genmod-internal/core';
import type { Denoiser } from './denoiser.js';
import { DpmHistory, dpmCoefficients, dpmCombine, dpmLambda, dpmStepOrder } from './internal/dpm-solver-step.js';
import { checkSamplerArgs, predictAt, samplerLoop, type CheckedSamplerOptions } from './internal/sampler-loop.js';
import type { SamplerOptions, SamplerStep } from './sampler.js';
import type { Schedule } from './schedule.js';

/**
 * Options of {@link dpmSolverSample}.
 *
 * @since 0.1.0
 */
export interface DpmSolverSampleOptions extends SamplerOptions {
  /** the multistep order: 1 (DPM-Solver++1S, equal to DDIM with η = 0), 2 (2M, default) or 3 (3M) */
  order?: 1 | 2 | 3;
  /**
   * With fewer than 15 steps, run the second-to-last step at order ≤ 2 (diffusers' `lower_order_final`,
   * default true: stabler with few steps). The last step is first order whatever this says (it lands on
   * ᾱ = 1, where x = x̂₀).
   */
  lowerOrderFinal?: boolean;
}

/**
 * DPM-Solver++ (Lu et al. 2022): the multistep data-prediction solver of the probability-flow ODE, over the
 * schedule's (respaced) timesteps, as an async iteration that yields after every step (one denoiser call
 * each). With α = √ᾱ, σ = √(1 − ᾱ), λ = log(α/σ), the ODE's exact solution from s to t is
 *
 *   x_t = (σ_t/σ_s)·x_s + σ_t·∫_{λ_s}^{λ_t} e^λ·x̂₀(x_λ, λ) dλ,
 *
 * and the solver integrates the polynomial in λ through the current and the last order − 1 predictions
 * m₀ = x̂₀(x_s), m₁, m₂ (h = λ_t − λ_s, r_i the earlier step sizes over h, φ₁ = 1 − e^{−h}):
 *
 *   order 1:  x_t = (σ_t/σ_s)·x_s + α_t·φ₁·m₀                                (= DDIM, η = 0)
 *   order 2:  x_t = (σ_t/σ_s)·x_s + α_t·φ₁·(m₀ + (m₀ − m₁)/(2r₀))            (2M, Algorithm 2)
 *   order 3:  x_t = (σ_t/σ_s)·x_s + α_t·φ₁·m₀ + α_t·φ₂·D₁ − 2·α_t·φ₃·D₂      (3M)
 *
 * with φ₂ = 1 − φ₁/h, φ₃ = (h − φ₁)/h² − ½ and D₁, D₂ the first and second divided differences of the m's
 * (times h and h²). The 3M step is exact for an x̂₀ quadratic in λ; diffusers' `solver_order=3` (and the
 * reference code) weight D₂ by φ₃ instead of 2φ₃, which makes theirs second order: so here order 3 differs
 * from diffusers by that term, and is third order (tested).
 *
 * Steps: the first steps warm up (order min(order, steps so far + 1)); the last step, from index 0 to
 * ᾱ = 1 (σ = 0, λ = +∞), is always first order and gives x = x̂₀; with `lowerOrderFinal` (default) and
 * fewer than 15 steps the second-to-last step runs at order ≤ 2 (as diffusers' DPMSolverMultistepScheduler
 * with `final_sigmas_type="zero"`). x̂₀ comes from the ε, x₀ or v prediction, after `clipX0` or
 * `dynamicThreshold`, and the history holds those clipped x̂₀'s. The coefficients are computed in float64 on
 * the host, each step is one expression on the device.
 *
 * Zero terminal SNR (`rescaleZeroTerminalSnr`): the first step starts at ᾱ = 0 (λ = −∞) and is handled as the
 * limit (φ₁ = 1, x_t = σ_t·x_T + α_t·x̂₀; the next step's difference to it drops out): use v-prediction there
 * (with ε-prediction, x̂₀ = (x_T − ε̂)/0 is ±Infinity or NaN at that step, as with DDIM). Timesteps from
 * {@link linspaceTimesteps}, {@link trailingTimesteps} or {@link leadingTimesteps} through {@link respace}.
 *
 * Memory: as {@link ddimSample} (the final step's `x` is the caller's, `options.xT` stays the caller's);
 * the up to two earlier x̂₀'s are kept between steps and freed when the iteration ends, is aborted or is
 * left with `break`.
 *
 * @param denoiser `(x_t, t) => prediction` (ε, x₀ or v per `options.prediction`)
 * @param shape the sample's shape `[B, ...]`
 * @param schedule the (usually respaced) schedule: 10–25 steps are typical
 * @param options `order` (1, 2 or 3; default 2), `lowerOrderFinal` (default true), and the {@link SamplerOptions}
 * @returns an async generator of {@link SamplerStep}s that returns the sample, float32 `[B, ...]`
 * @see Lu, Zhou, Bao, Chen, Li & Zhu 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models", arXiv:2211.01095
 * @see Lu, Zhou, Bao, Chen, Li & Zhu 2022, "DPM-Solver: A Fast ODE Solver for Diffusion Probabilistic Model Sampling in Around 10 Steps", arXiv:2206.00927
 * @example
 * ```ts
 * const schedule = respace(cosineSchedule(1000), linspaceTimesteps(1000, 20));
 * const denoiser = (xt: tf.Tensor) => tf.mul(xt, 0.5);     // a stand-in ε-predictor
 * const x = await finalSample(dpmSolverSample(denoiser, [64, 2], schedule, { order: 2, seed: 2 })); // [64, 2]
 * x.dispose();
 * schedule.dispose();
 * ```
 * @since 0.1.0
 */
export function dpmSolverSample(denoiser: Denoiser, shape: number[], schedule: Schedule, options: DpmSolverSampleOptions = {}): AsyncGenerator<SamplerStep, Tensor, void> {
  const fn = 'dpmSolverSample';
  const o = checkSamplerArgs(fn, denoiser, shape, schedule, options, ['order', 'lowerOrderFinal']);
  const order = checkInteger(fn, 'options.order', options.order ?? 2, { min: 1, max: 3 });
  const lowerOrderFinal = checkBoolean(fn, 'options.lowerOrderFinal', options.lowerOrderFinal ?? true);
  return run(fn, denoiser, shape, schedule, options, o, order, lowerOrderFinal);
}

async function* run(
  fn: string,
  denoiser: Denoiser,
  shape: number[],
  schedule: Schedule,
  options: SamplerOptions,
  o: CheckedSamplerOptions,
  order: number,
  lowerOrderFinal: boolean,
): AsyncGenerator<SamplerStep, Tensor, void> {
  const history = new DpmHistory(order - 1);
  try {
    return yield* samplerLoop(fn, shape, schedule, options, o, (x, k) => {
      const { x0 } = predictAt(fn, denoiser, schedule, o, x, k);
      const stepOrder = dpmStepOrder(order, schedule.T, k, lowerOrderFinal);
      const next = dpmCombine(x, [x0, ...history.x0s], dpmCoefficients(schedule, k, stepOrder, history.lambdas));
      if (k > 0) history.push(dpmLambda(schedule, k), x0);
      return { x: next, predX0: x0 };
    });
  } finally {
    history.dispose();
  }
}
