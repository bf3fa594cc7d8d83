/**
 * A noise schedule as a value: every per-step quantity of the forward process computed once on the host in
 * float64, and uploaded to float32 tensors on first use.
 *
 * @see Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models", NeurIPS, arXiv:2006.11239, eqs. (4), (6), (7).
 * @see Nichol & Dhariwal 2021, "Improved Denoising Diffusion Probabilistic Models", ICML, arXiv:2102.09672 (the clipped log-variance).
 * @see Kingma, Salimans, Poole & Ho 2021, "Variational Diffusion Models", NeurIPS, arXiv:2107.00630 (SNR(t) = ᾱ_t/(1 − ᾱ_t)).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D } from '@tensorflow/tfjs-core';
import { checkOptions, fail } from '@genmod-internal/core';

/**
 * The per-step quantities a {@link Schedule} holds, each of length T (index i is paper timestep t = i + 1).
 *
 * @since 0.1.0
 */
export const SCHEDULE_QUANTITIES = [
  'betas',
  'alphas',
  'alphasCumprod',
  'alphasCumprodPrev',
  'sqrtAlphasCumprod',
  'sqrtOneMinusAlphasCumprod',
  'sqrtRecipAlphasCumprod',
  'sqrtRecipm1AlphasCumprod',
  'posteriorVariance',
  'posteriorLogVarianceClipped',
  'posteriorMeanCoef1',
  'posteriorMeanCoef2',
  'snr',
  'logSnr',
] as const;

/**
 * The name of one per-step quantity of a {@link Schedule}.
 *
 * @since 0.1.0
 */
export type ScheduleQuantity = (typeof SCHEDULE_QUANTITIES)[number];

/**
 * The float32 copies of a schedule's quantities: one `[T]` tensor each, owned by the schedule.
 *
 * @since 0.1.0
 */
export type ScheduleTensors = Readonly<Record<ScheduleQuantity, Tensor1D>>;

/**
 * A noise schedule of T steps. Index i ∈ [0, T) is the paper's timestep t = i + 1 (the convention of
 * improved-diffusion and diffusers): `betas[0]` is β₁.
 *
 * | field | value at index i (t = i + 1) |
 * |---|---|
 * | `betas` | β_t |
 * | `alphas` | α_t = 1 − β_t |
 * | `alphasCumprod` | ᾱ_t = Π_{s ≤ t} α_s |
 * | `alphasCumprodPrev` | ᾱ_{t−1} (ᾱ₀ = 1) |
 * | `sqrtAlphasCumprod`, `sqrtOneMinusAlphasCumprod` | √ᾱ_t, √(1 − ᾱ_t) |
 * | `sqrtRecipAlphasCumprod`, `sqrtRecipm1AlphasCumprod` | √(1/ᾱ_t), √(1/ᾱ_t − 1) |
 * | `posteriorVariance` | β̃_t = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t) (β̃₁ = 0) |
 * | `posteriorLogVarianceClipped` | log β̃_t, with log β̃₂ at t = 1 (log β₁ when T = 1) |
 * | `posteriorMeanCoef1`, `posteriorMeanCoef2` | β_t·√ᾱ_{t−1}/(1 − ᾱ_t) (× x₀) and (1 − ᾱ_{t−1})·√α_t/(1 − ᾱ_t) (× x_t) |
 * | `snr`, `logSnr` | SNR(t) = ᾱ_t/(1 − ᾱ_t) and its log |
 *
 * Ownership: the float64 arrays are computed when the schedule is made (treat them as read-only). The
 * float32 tensors are uploaded together the first time an op needs them with a tensor `t` (one `[T]` tensor
 * per quantity, kept outside any `tf.tidy`), and live until `dispose()`; a disposed schedule uploads them
 * again if used again. Ops given `t` as numbers read the float64 arrays directly and upload nothing.
 *
 * @since 0.1.0
 */
export interface Schedule extends Readonly<Record<ScheduleQuantity, Float64Array>> {
  /** the number of steps */
  readonly T: number;
  /**
   * The timestep the denoiser sees at each index: `0, 1, …, T − 1` for a full schedule, the kept timesteps
   * of the original schedule for a respaced one (see {@link respace}).
   */
  readonly timesteps: Int32Array;
  /** whether the timesteps are the identity 0 … T − 1 */
  readonly isRespaced: boolean;
  /** the float32 tensors of every quantity (uploaded on the first call, owned by the schedule) */
  tensors(): ScheduleTensors;
  /** frees the float32 tensors (the float64 arrays stay usable) */
  dispose(): void;
}

class ComputedSchedule implements Schedule {
  readonly T: number;
  readonly timesteps: Int32Array;
  readonly isRespaced: boolean;
  readonly betas: Float64Array;
  readonly alphas: Float64Array;
  readonly alphasCumprod: Float64Array;
  readonly alphasCumprodPrev: Float64Array;
  readonly sqrtAlphasCumprod: Float64Array;
  readonly sqrtOneMinusAlphasCumprod: Float64Array;
  readonly sqrtRecipAlphasCumprod: Float64Array;
  readonly sqrtRecipm1AlphasCumprod: Float64Array;
  readonly posteriorVariance: Float64Array;
  readonly posteriorLogVarianceClipped: Float64Array;
  readonly posteriorMeanCoef1: Float64Array;
  readonly posteriorMeanCoef2: Float64Array;
  readonly snr: Float64Array;
  readonly logSnr: Float64Array;
  #tensors: ScheduleTensors | undefined;

  constructor(betas: Float64Array, timesteps: Int32Array) {
    const T = betas.length;
    this.T = T;
    this.timesteps = timesteps;
    this.isRespaced = timesteps.some((s, i) => s !== i);
    const map = (f: (i: number) => number) => Float64Array.from({ length: T }, (_, i) => f(i));
    this.betas = betas;
    this.alphas = map((i) => 1 - betas[i]!);
    // the sequential product, as numpy.cumprod computes it
    const ac = new Float64Array(T);
    let prod = 1;
    for (let i = 0; i < T; i++) ac[i] = prod *= this.alphas[i]!;
    this.alphasCumprod = ac;
    // 1 − ᾱ_t in log form, −expm1(Σ log1p(−β_s)): 1 − ᾱ cancels to 0 (and β̃₂, √(1 − ᾱ), √(1/ᾱ − 1), SNR to
    // 0, NaN or Infinity) when the betas are below 2⁻⁵³
    const om = new Float64Array(T);
    let logAc = 0;
    for (let i = 0; i < T; i++) om[i] = -Math.expm1((logAc += Math.log1p(-betas[i]!)));
    const omPrev = (i: number) => (i === 0 ? 0 : om[i - 1]!);
    this.alphasCumprodPrev = map((i) => (i === 0 ? 1 : ac[i - 1]!));
    const prev = this.alphasCumprodPrev;
    this.sqrtAlphasCumprod = map((i) => Math.sqrt(ac[i]!));
    this.sqrtOneMinusAlphasCumprod = map((i) => Math.sqrt(om[i]!));
    this.sqrtRecipAlphasCumprod = map((i) => Math.sqrt(1 / ac[i]!));
    this.sqrtRecipm1AlphasCumprod = map((i) => Math.sqrt(om[i]! / ac[i]!));
    this.posteriorVariance = map((i) => (betas[i]! * omPrev(i)) / om[i]!);
    const pv = this.posteriorVariance;
    this.posteriorLogVarianceClipped = map((i) => Math.log(i === 0 ? (T > 1 ? pv[1]! : betas[0]!) : pv[i]!));
    this.posteriorMeanCoef1 = map((i) => (betas[i]! * Math.sqrt(prev[i]!)) / om[i]!);
    this.posteriorMeanCoef2 = map((i) => (omPrev(i) * Math.sqrt(this.alphas[i]!)) / om[i]!);
    this.snr = map((i) => ac[i]! / om[i]!);
    this.logSnr = map((i) => Math.log(ac[i]!) - Math.log(om[i]!));
  }

  tensors(): ScheduleTensors {
    if (this.#tensors === undefined || this.#tensors.betas.isDisposed) {
      const out = {} as Record<ScheduleQuantity, Tensor1D>;
      for (const q of SCHEDULE_QUANTITIES) out[q] = tf.keep(tf.tensor1d(Float32Array.from(this[q]), 'float32'));
      this.#tensors = out;
    }
    return this.#tensors;
  }

  dispose(): void {
    if (this.#tensors !== undefined) tf.dispose(Object.values(this.#tensors));
    this.#tensors = undefined;
  }
}

/**
 * Whether a value is a schedule made by this package.
 *
 * @example
 * ```ts
 * isSchedule(linearSchedule(10));                    // true
 * isSchedule({ T: 10 });                            // false
 * ```
 * @since 0.1.0
 */
export function isSchedule(value: unknown): value is Schedule {
  return value instanceof ComputedSchedule;
}

const SCHEDULE_KEYS = ['timesteps'];

/**
 * Options of {@link scheduleFromBetas} and {@link scheduleFromAlphasCumprod}.
 *
 * @since 0.1.0
 */
export interface ScheduleFromBetasOptions {
  /**
   * The timestep the denoiser sees at each index (default 0 … T − 1): set by {@link respace}, rarely by
   * hand. Strictly increasing non-negative integers, one per beta.
   */
  timesteps?: ArrayLike<number>;
}

/**
 * Builds a schedule from its betas β₁ … β_T (float64), deriving every other quantity:
 *
 *   α_t = 1 − β_t,   ᾱ_t = Π_{s≤t} α_s,   β̃_t = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t),
 *   μ̃_t(x_t, x₀) = [β_t·√ᾱ_{t−1}/(1 − ᾱ_t)]·x₀ + [(1 − ᾱ_{t−1})·√α_t/(1 − ᾱ_t)]·x_t
 *
 * @param betas T values in (0, 1] (β_T = 1 is allowed: a zero-terminal-SNR schedule)
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eqs. (4), (6), (7)
 * @example
 * ```ts
 * const s = scheduleFromBetas([0.1, 0.2, 0.3]);
 * s.alphasCumprod;                                   // Float64Array [0.9, 0.72, 0.504]
 * ```
 * @since 0.1.0
 */
export function scheduleFromBetas(betas: ArrayLike<number>, options: ScheduleFromBetasOptions = {}): Schedule {
  const fn = 'scheduleFromBetas';
  checkOptions(fn, options, SCHEDULE_KEYS);
  if (betas === null || typeof betas !== 'object' || typeof betas.length !== 'number' || betas.length < 1) {
    fail(fn, 'betas', 'a non-empty array of numbers in (0, 1] (T ≥ 1)', betas);
  }
  const b = Float64Array.from(betas);
  for (let i = 0; i < b.length; i++) {
    if (!(b[i]! > 0 && b[i]! <= 1)) fail(fn, 'betas', 'numbers in (0, 1]', `betas[${i}] = ${betas[i]}`);
  }
  let ts: Int32Array;
  if (options.timesteps === undefined) {
    ts = Int32Array.from({ length: b.length }, (_, i) => i);
  } else {
    const given = options.timesteps;
    if (given === null || typeof given !== 'object' || given.length !== b.length) {
      fail(fn, 'options.timesteps', `an array of ${b.length} integers (one per beta)`, given);
    }
    for (let i = 0; i < given.length; i++) {
      const v = given[i]!;
      if (!Number.isInteger(v) || v < 0 || (i > 0 && v <= given[i - 1]!)) fail(fn, 'options.timesteps', 'strictly increasing non-negative integers', given);
    }
    ts = Int32Array.from(given);
  }
  return new ComputedSchedule(b, ts);
}

/**
 * Builds a schedule from ᾱ₁ … ᾱ_T (decreasing, in [0, 1)), with β_t = 1 − ᾱ_t/ᾱ_{t−1} (ᾱ₀ = 1): the
 * form continuous-time schedules (cosine, sigmoid, zero terminal SNR) are written in.
 *
 * @param alphasCumprod T values, strictly decreasing, ᾱ₁ < 1, ᾱ_T ≥ 0
 * @see Nichol & Dhariwal 2021, arXiv:2102.09672, eq. (17)
 * @example
 * ```ts
 * const s = scheduleFromAlphasCumprod([0.9, 0.5, 0.1]);
 * s.betas;                                           // Float64Array [0.1, 0.444…, 0.8]
 * ```
 * @since 0.1.0
 */
export function scheduleFromAlphasCumprod(alphasCumprod: ArrayLike<number>, options: ScheduleFromBetasOptions = {}): Schedule {
  const fn = 'scheduleFromAlphasCumprod';
  checkOptions(fn, options, SCHEDULE_KEYS);
  if (alphasCumprod === null || typeof alphasCumprod !== 'object' || typeof alphasCumprod.length !== 'number' || alphasCumprod.length < 1) {
    fail(fn, 'alphasCumprod', 'a non-empty array of numbers (T ≥ 1)', alphasCumprod);
  }
  const betas = new Float64Array(alphasCumprod.length);
  let last = 1;
  for (let i = 0; i < alphasCumprod.length; i++) {
    const a = alphasCumprod[i]!;
    if (!(a >= 0 && a < last)) fail(fn, 'alphasCumprod', 'strictly decreasing numbers in [0, 1)', `alphasCumprod[${i}] = ${a}`);
    betas[i] = 1 - a / last;
    last = a;
  }
  return scheduleFromBetas(betas, options);
}
