/**
 * The machinery every sampler shares: checking the common options, predicting x̂₀ and ε̂ at a step, and
 * the async loop that yields between steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkOptions, checkSeed, checkShape, deriveSeed, fail, normalNoise, toFloat, type Seed } from '@genmod-internal/core';
import type { Denoiser } from '../denoiser.js';
import type { Prediction } from '../parameterization.js';
import type { SamplerOptions, SamplerStep } from '../sampler.js';
import type { Schedule } from '../schedule.js';
import { abortReason, checkDenoiser, checkDenoiserOutput, checkSameShape, checkSignal, nextMacrotask } from './check.js';
import { checkPrediction, epsFromV, epsFromX0, x0FromEps, x0FromV } from './predictions.js';
import { checkSchedule } from './schedule-check.js';
import { checkDynamicThreshold, thresholdTensor } from './threshold.js';
import { hostTimestepTensor, type CheckedTimesteps } from './timesteps.js';
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

/** A term c·x of a linear combination: a host coefficient (float64) and a tensor. */
export type Term = readonly [number, Tensor];

/**
 * Σ_i c_i·x_i as one expression: the products then one AddN (a term with c = 1 used as it is, c = 0
 * dropped, the terms of one tensor merged by adding their coefficients in float64). Two terms cost three
 * kernels, three terms four. Always a new tensor (never one of the x_i). Inside a tidy.
 */
export function linearCombination(terms: readonly Term[]): Tensor {
  const merged: Array<[number, Tensor]> = [];
  for (const [c, x] of terms) {
    const same = merged.find((m) => m[1] === x);
    if (same) same[0] += c;
    else merged.push([c, x]);
  }
  const kept = merged.filter(([c]) => c !== 0);
  if (kept.length === 0) return tf.zerosLike(terms[0]![1]);
  if (kept.length === 1) return kept[0]![0] === 1 ? tf.clone(kept[0]![1]) : tf.mul(kept[0]![0], kept[0]![1]);
  return tf.addN(kept.map(([c, x]) => (c === 1 ? x : tf.mul(c, x))));
}

/**
 * What the denoiser said at a step: x̂₀ and ε̂ as tensors (each computed when first read, inside the
 * caller's tidy) and as terms with host coefficients, to fold into a sampler's update.
 */
export interface StepPrediction {
  /** the model output */
  out: Tensor;
  /** x̂₀ (after clipping or thresholding), computed when first read */
  readonly x0: Tensor;
  /** ε̂, computed when first read (a sampler that needs only x̂₀ pays nothing for it) */
  readonly eps: Tensor;
  /**
   * x̂₀ = Σ c·v over x_t and the model output, when x̂₀ is linear in them (no clipping or thresholding) with
   * finite coefficients (not at ᾱ = 0 with ε-prediction); undefined otherwise
   */
  x0Terms: Term[] | undefined;
  /** ε̂ = Σ c·v over x_t, the model output or (clipped) x̂₀ */
  epsTerms: Term[];
}

/**
 * x̂₀ and ε̂ at schedule index k, after clipping / thresholding (ε̂ recomputed from the clipped x̂₀). The
 * denoiser gets the timestep as an uploaded host tensor (no Fill kernel) that the embedding recognizes.
 * Inside a tidy.
 */
export function predictAt(fn: string, denoiser: Denoiser, schedule: Schedule, o: CheckedSamplerOptions, x: Tensor, k: number): StepPrediction {
  const ts: CheckedTimesteps = { scalar: true, length: 1, host: Int32Array.of(k) };
  const batch = x.shape[0]!;
  const out = checkDenoiserOutput(fn, denoiser(x, hostTimestepTensor(new Int32Array(batch).fill(schedule.timesteps[k]!))), x.shape);
  const a = schedule.sqrtAlphasCumprod[k]!;
  const b = schedule.sqrtOneMinusAlphasCumprod[k]!;
  let x0: () => Tensor;
  let x0Terms: Term[] | undefined;
  let epsTerms: Term[];
  let eps: () => Tensor;
  if (o.threshold === undefined && o.prediction === 'epsilon') {
    x0 = () => x0FromEps(schedule, ts, x.rank, x, out);
    const r = schedule.sqrtRecipAlphasCumprod[k]!;
    x0Terms = Number.isFinite(r) ? [[r, x], [-r * b, out]] : undefined; // x̂₀ = (x_t − √(1 − ᾱ)·ε)/√ᾱ
    epsTerms = [[1, out]];
    eps = () => out;
  } else if (o.threshold === undefined && o.prediction === 'v') {
    x0 = () => x0FromV(schedule, ts, x.rank, x, out);
    x0Terms = [[a, x], [-b, out]]; // x̂₀ = √ᾱ·x_t − √(1 − ᾱ)·v
    epsTerms = [[b, x], [a, out]]; // ε = √(1 − ᾱ)·x_t + √ᾱ·v
    eps = () => epsFromV(schedule, ts, x.rank, x, out);
  } else {
    const raw = o.prediction === 'x0' ? out : o.prediction === 'epsilon' ? x0FromEps(schedule, ts, x.rank, x, out) : x0FromV(schedule, ts, x.rank, x, out);
    const clipped = o.threshold === undefined ? raw : o.threshold(raw);
    x0 = () => clipped;
    x0Terms = o.threshold === undefined ? [[1, out]] : undefined;
    epsTerms = [[1 / b, x], [-a / b, clipped]]; // ε = (x_t − √ᾱ·x̂₀)/√(1 − ᾱ)
    eps = () => epsFromX0(schedule, ts, x.rank, x, clipped);
  }
  let x0Tensor: Tensor | undefined;
  let epsTensor: Tensor | undefined;
  return {
    out,
    x0Terms,
    epsTerms,
    get x0() {
      x0Tensor ??= x0();
      return x0Tensor;
    },
    get eps() {
      epsTensor ??= eps();
      return epsTensor;
    },
  };
}

/**
 * What a sampler's step returns: the new x, and x̂₀ either as a tensor or as a function computing it from
 * tensors of the step (`keep`: they are kept until the iteration moves on), so that a consumer that never
 * reads `predX0` costs no kernel for it.
 */
export interface StepResult {
  x: Tensor;
  predX0: Tensor | (() => Tensor);
  /** the step's tensors a lazy `predX0` reads besides x_t (the model output): freed when the iteration moves on */
  keep?: Tensor[];
}

/**
 * The async loop of every sampler: from x_T down through indices T − 1 … 0, one tidy step each, yielding
 * between steps (after handing the event loop a macrotask), freeing each step's tensors when it moves on.
 * `noise(σ)` is σ·z, z ~ N(0, I) on the step's stream, scaled on the host (no kernel); a lazy `predX0` is
 * computed, in its own tidy, when the consumer first reads it.
 */
export async function* samplerLoop(
  fn: string,
  shape: number[],
  schedule: Schedule,
  options: SamplerOptions,
  o: CheckedSamplerOptions,
  step: (x: Tensor, k: number, noise: (std?: number) => Tensor) => StepResult,
): AsyncGenerator<SamplerStep, Tensor, void> {
  const given = options.xT instanceof tf.Tensor ? options.xT : undefined;
  let x: Tensor | undefined;
  let held: Tensor[] = []; // the previous step's predX0 and what a lazy one reads
  let stale = () => {}; // marks the previous step as moved on from
  let completed = false;
  const release = () => {
    stale();
    for (const t of held) if (t !== given && t !== x) t.dispose();
    held = [];
  };
  try {
    if (o.signal?.aborted) throw abortReason(o.signal);
    x = options.xT !== undefined ? toFloat(fn, 'options.xT', options.xT) : normalNoise(shape, o.seed, 'xT');
    const T = schedule.T;
    for (let k = T - 1; k >= 0; k--) {
      await nextMacrotask();
      if (o.signal?.aborted) throw abortReason(o.signal);
      const current: Tensor = x;
      const noise = (std = 1) => (std === 1 ? normalNoise(shape, o.seed, 'step', k) : tf.randomNormal(shape, 0, std, 'float32', deriveSeed(o.seed, 'step', k)));
      const next = tf.tidy(fn, () => step(current, k, noise) as unknown as tf.TensorContainer) as unknown as StepResult;
      release();
      x = next.x;
      const make = next.predX0;
      let predX0: Tensor | undefined = typeof make === 'function' ? undefined : make;
      if (typeof make === 'function') held.push(current, ...(next.keep ?? []));
      else if (current !== given) current.dispose();
      if (predX0 !== undefined) held.push(predX0);
      let moved = false;
      stale = () => void (moved = true);
      const final = k === 0;
      if (final) completed = true;
      yield {
        step: T - k,
        total: T,
        progress: (T - k) / T,
        index: k,
        timestep: schedule.timesteps[k]!,
        x,
        get predX0(): Tensor {
          if (predX0 === undefined && moved) {
            // read after the iteration moved on: freed, like every step's tensors then
            predX0 = tf.zeros(shape);
            predX0.dispose();
          } else if (predX0 === undefined) {
            predX0 = tf.tidy(make as () => Tensor);
            held.push(predX0);
          }
          return predX0;
        },
        final,
      };
    }
    return x;
  } finally {
    release();
    if (!completed && x !== undefined && x !== given) x.dispose();
  }
}
