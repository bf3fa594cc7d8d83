/**
 * What the samplers share: the step record, the options, the async loop that yields between steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkShape, fail, toFloat } from '@genmod-internal/core';
import type { Denoiser } from './denoiser.js';
import { checkDynamicThreshold, thresholdTensor, type DynamicThresholdOptions } from './dynamic-threshold.js';
import { abortReason, checkDenoiser, checkDenoiserOutput, checkFloatInput, checkSameShape, checkSeed, checkSignal, deriveSeed, nextMacrotask } from './internal/check.js';
import type { CheckedTimesteps } from './internal/timesteps.js';
import { checkClip } from './internal/variance.js';
import { checkPrediction, epsFromX0, x0AndEps, type Prediction } from './parameterization.js';
import { checkSchedule, type Schedule } from './schedule.js';

/** One step of a sampler, as its async iteration yields it. */
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

/** Options every sampler takes. */
export interface SamplerOptions {
  /** what the denoiser predicts: ε (default), x₀ or v */
  prediction?: Prediction;
  /** clip x̂₀ to ±1 (`true`) or ±r at every step (for data in [−1, 1], e.g. images); default none */
  clipX0?: boolean | number;
  /** dynamic thresholding of x̂₀ (Saharia et al. 2022) instead of clipping; `true` for the defaults */
  dynamicThreshold?: boolean | DynamicThresholdOptions;
  /** seed of x_T and of the per-step noise (each step derives its own) */
  seed?: number;
  /** the starting state x_T of the requested shape (default: N(0, I) noise); stays the caller's */
  xT?: Tensor | TensorLike;
  /** stops the iteration: the next step throws the signal's reason (an AbortError), having freed its tensors */
  signal?: AbortSignal;
}

/** The checked common options. */
export interface CheckedSamplerOptions {
  prediction: Prediction;
  threshold: ((x0: Tensor) => Tensor) | undefined;
  seed: number | undefined;
  signal: AbortSignal | undefined;
}

/** Checks what every sampler takes (before anything is allocated). */
export function checkSamplerArgs(fn: string, denoiser: unknown, shape: unknown, schedule: unknown, options: SamplerOptions): CheckedSamplerOptions {
  checkDenoiser(fn, denoiser);
  checkShape(fn, shape);
  if ((shape as number[]).length < 1 || (shape as number[])[0] === 0) fail(fn, 'shape', 'a non-empty shape [B, ...] with B ≥ 1', shape);
  checkSchedule(fn, schedule);
  const prediction = checkPrediction(fn, options.prediction ?? 'epsilon');
  const clip = checkClip(fn, options.clipX0);
  let threshold: ((x0: Tensor) => Tensor) | undefined;
  if (options.dynamicThreshold !== undefined && options.dynamicThreshold !== false) {
    if (clip !== undefined) fail(fn, 'options.dynamicThreshold', 'absent when options.clipX0 is set (one or the other)', 'both');
    const { percentile, maxValue } = checkDynamicThreshold(fn, options.dynamicThreshold === true ? {} : options.dynamicThreshold, 'options.dynamicThreshold');
    threshold = (x0) => thresholdTensor(x0, percentile, maxValue);
  } else if (clip !== undefined) {
    threshold = (x0) => tf.clipByValue(x0, -clip, clip);
  }
  if (options.xT !== undefined) checkSameShape(fn, 'options.xT', checkFloatInput(fn, 'options.xT', options.xT), shape as number[], 'the requested sample');
  return { prediction, threshold, seed: checkSeed(fn, options.seed), signal: checkSignal(fn, options.signal) };
}

/** x̂₀ and ε̂ at schedule index k, after clipping / thresholding (ε̂ recomputed from the clipped x̂₀). Inside a tidy. */
export function predictAt(fn: string, denoiser: Denoiser, schedule: Schedule, o: CheckedSamplerOptions, x: Tensor, k: number): { x0: Tensor; eps: Tensor } {
  const ts: CheckedTimesteps = { scalar: true, length: 1, host: Int32Array.of(k) };
  const batch = x.shape[0]!;
  const out = checkDenoiserOutput(fn, denoiser(x, tf.fill([batch], schedule.timesteps[k]!, 'int32')), x.shape);
  const r = x0AndEps(schedule, ts, x.rank, o.prediction, x, out);
  if (o.threshold === undefined) return r;
  const x0 = o.threshold(r.x0);
  return { x0, eps: epsFromX0(schedule, ts, x.rank, x, x0) };
}

/**
 * The async loop of every sampler: from x_T down through indices T − 1 … 0, one tidy step each, yielding
 * between steps (after handing the event loop a macrotask), freeing each step's tensors when it moves on.
 */
export async function* samplerLoop(
  fn: string,
  shape: number[],
  schedule: Schedule,
  options: SamplerOptions,
  o: CheckedSamplerOptions,
  step: (x: Tensor, k: number, noiseSeed: number | undefined) => { x: Tensor; predX0: Tensor },
): AsyncGenerator<SamplerStep, Tensor, void> {
  const given = options.xT instanceof tf.Tensor ? options.xT : undefined;
  let x: Tensor | undefined;
  let predX0: Tensor | undefined;
  let completed = false;
  try {
    if (o.signal?.aborted) throw abortReason(o.signal);
    x = options.xT !== undefined ? toFloat(fn, 'options.xT', options.xT) : tf.randomNormal(shape, 0, 1, 'float32', deriveSeed(o.seed, 0));
    const T = schedule.T;
    for (let k = T - 1; k >= 0; k--) {
      await nextMacrotask();
      if (o.signal?.aborted) throw abortReason(o.signal);
      const current: Tensor = x;
      const next = tf.tidy(fn, () => step(current, k, deriveSeed(o.seed, k + 1)));
      if (current !== given) current.dispose();
      predX0?.dispose();
      x = next.x;
      predX0 = next.predX0;
      const final = k === 0;
      if (final) completed = true;
      yield { step: T - k, total: T, progress: (T - k) / T, index: k, timestep: schedule.timesteps[k]!, x, predX0, final };
    }
    return x;
  } finally {
    predX0?.dispose();
    if (!completed && x !== undefined && x !== given) x.dispose();
  }
}

/**
 * Runs a sampler's iteration to the end and returns the sample (the caller owns it); `onStep` sees each
 * step (its tensors are valid during the call only, clone what you keep).
 *
 * @param iteration the async iteration of {@link ddpmSample} or {@link ddimSample}
 * @returns the final x₀, float32 of the requested shape
 * @example
 * ```ts
 * const schedule = respace(linearSchedule(1000), trailingTimesteps(1000, 20));
 * const denoiser = (xt: tf.Tensor) => tf.zerosLike(xt);
 * const x = await finalSample(ddimSample(denoiser, [16, 2], schedule, { seed: 1 }), (s) => console.log(s.progress));
 * ```
 * @since 0.1.0
 */
export async function finalSample(iteration: AsyncIterable<SamplerStep>, onStep?: (step: SamplerStep) => void): Promise<Tensor> {
  let last: SamplerStep | undefined;
  for await (const s of iteration) {
    onStep?.(s);
    last = s;
  }
  if (last === undefined || !last.final) throw new Error('finalSample: iteration must be a sampler iteration that reaches its final step, got one that ended early');
  return last.x;
}
