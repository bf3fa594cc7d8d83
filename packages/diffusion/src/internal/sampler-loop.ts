/**
 * The machinery every sampler shares: checking the common options, predicting x̂₀ and ε̂ at a step, and
 * the async loop that yields between steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkOptions, checkSeed, checkShape, fail, normalNoise, toFloat, type Seed } from '@genmod-internal/core';
import type { Denoiser } from '../denoiser.js';
import type { Prediction } from '../parameterization.js';
import type { SamplerOptions, SamplerStep } from '../sampler.js';
import type { Schedule } from '../schedule.js';
import { abortReason, checkDenoiser, checkDenoiserOutput, checkSameShape, checkSignal, nextMacrotask } from './check.js';
import { checkPrediction, epsFromX0, x0AndEps } from './predictions.js';
import { checkSchedule } from './schedule-check.js';
import { checkDynamicThreshold, thresholdTensor } from './threshold.js';
import type { CheckedTimesteps } from './timesteps.js';
import { checkClip } from './variance.js';

/** The keys of {@link SamplerOptions}. */
const SAMPLER_KEYS = ['prediction', 'clipX0', 'dynamicThreshold', 'seed', 'xT', 'signal'];

/** The checked common options. */
export interface CheckedSamplerOptions {
  prediction: Prediction;
  threshold: ((x0: Tensor) => Tensor) | undefined;
  seed: Seed | undefined;
  signal: AbortSignal | undefined;
}

/** Checks what every sampler takes (before anything is allocated). */
export function checkSamplerArgs(fn: string, denoiser: unknown, shape: unknown, schedule: unknown, options: SamplerOptions, extraKeys: readonly string[]): CheckedSamplerOptions {
  checkOptions(fn, options, [...SAMPLER_KEYS, ...extraKeys]);
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
  if (options.xT !== undefined) checkSameShape(fn, 'options.xT', options.xT, shape as number[], 'the requested sample');
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
  step: (x: Tensor, k: number, noise: () => Tensor) => { x: Tensor; predX0: Tensor },
): AsyncGenerator<SamplerStep, Tensor, void> {
  const given = options.xT instanceof tf.Tensor ? options.xT : undefined;
  let x: Tensor | undefined;
  let predX0: Tensor | undefined;
  let completed = false;
  try {
    if (o.signal?.aborted) throw abortReason(o.signal);
    x = options.xT !== undefined ? toFloat(fn, 'options.xT', options.xT) : normalNoise(shape, o.seed, 'xT');
    const T = schedule.T;
    for (let k = T - 1; k >= 0; k--) {
      await nextMacrotask();
      if (o.signal?.aborted) throw abortReason(o.signal);
      const current: Tensor = x;
      const next = tf.tidy(fn, () => step(current, k, () => normalNoise(shape, o.seed, 'step', k)));
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

