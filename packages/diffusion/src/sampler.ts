/**
 * What the samplers share: the step record, the options, and running an iteration to its sample (the
 * loop itself is in internal/sampler-loop.ts).
 */
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import type { Seed } from '@genmod-internal/core';
import type { DynamicThresholdOptions } from './dynamic-threshold.js';
import type { Prediction } from './parameterization.js';

/**
 * One step of a sampler, as its async iteration yields it.
 *
 * @since 0.1.0
 */
export interface SamplerStep {
  /** steps done, 1 … total */
  step: number;
  /** the number of steps (the schedule's T) */
  total: number;
  /** step/total, in (0, 1] */
  progress: number;
  /** the schedule index just denoised, from T − 1 down to 0 */
  index: number;
  /** the timestep the denoiser saw at this step */
  timestep: number;
  /** the noise level σ = √((1 − ᾱ)/ᾱ) the step ended at (the σ samplers: Euler, Heun, Euler ancestral); absent for the others */
  sigma?: number;
  /**
   * The new state x_{t−1}. It belongs to the sampler and is freed when the iteration moves on (clone what
   * you keep), except on the final step: the final `x` is the sample, and the caller owns it.
   */
  x: Tensor;
  /** x̂₀ predicted at this step (after clipping or thresholding); freed when the iteration moves on */
  predX0: Tensor;
  /** whether this is the last step (then `x` is yours) */
  final: boolean;
}

/**
 * Options every sampler takes.
 *
 * @since 0.1.0
 */
export interface SamplerOptions {
  /** what the denoiser predicts: ε (default), x₀ or v */
  prediction?: Prediction;
  /** clip x̂₀ to ±1 (`true`) or ±r at every step (for data in [−1, 1], e.g. images); default none */
  clipX0?: boolean | number;
  /** dynamic thresholding of x̂₀ (Saharia et al. 2022) instead of clipping; `true` for the defaults */
  dynamicThreshold?: boolean | DynamicThresholdOptions;
  /**
   * Seed of x_T (stream `'xT'`) and of the per-step noise (stream `('step', k)` at schedule index k): a
   * number, 0 included, or a string.
   */
  seed?: Seed;
  /** the starting state x_T of the requested shape (default: N(0, I) noise); stays the caller's */
  xT?: Tensor | TensorLike;
  /** stops the iteration: the next step throws the signal's reason (an AbortError), having freed its tensors */
  signal?: AbortSignal;
}

/**
 * Runs a sampler's iteration to the end and returns the sample (the caller owns it); `onStep` sees each
 * step (its tensors are valid during the call only, clone what you keep).
 *
 * @param iteration the async iteration of any sampler ({@link ddpmSample}, {@link ddimSample}, {@link dpmSolverSample},
 *   {@link eulerSample}, … and {@link flowSample}, whose {@link FlowStep}s `onStep` then sees with their `t` and `evaluations`)
 * @returns the final x₀, float32 of the requested shape
 * @example
 * ```ts
 * const schedule = respace(linearSchedule(1000), trailingTimesteps(1000, 20));
 * const denoiser = (xt: tf.Tensor) => tf.zerosLike(xt);
 * const x = await finalSample(ddimSample(denoiser, [16, 2], schedule, { seed: 1 }), (s) => console.log(s.progress));
 * ```
 * @since 0.1.0
 */
export async function finalSample<S extends SamplerStep>(iteration: AsyncIterable<S>, onStep?: (step: S) => void): Promise<Tensor> {
  let last: S | undefined;
  for await (const s of iteration) {
    onStep?.(s);
    last = s;
  }
  if (last === undefined || !last.final) throw new Error('finalSample: iteration must be a sampler iteration that reaches its final step, got one that ended early');
  return last.x;
}
