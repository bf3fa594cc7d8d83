/**
 * The σ view of a discrete schedule (the EDM / k-diffusion reading of a DDPM model): the noise level of each
 * timestep, σ = √((1 − ᾱ)/ᾱ), and the map from any σ back to the (fractional) timestep the model should see,
 * linear in log σ between the schedule's timesteps (k-diffusion's `DiscreteSchedule.sigma_to_t`).
 *
 * @see Karras, Aittala, Aila & Laine 2022, arXiv:2206.00364, §C.3.4 (the VP / DDPM models as σ denoisers).
 */
import { fail } from '@genmod-internal/core';
import type { Schedule } from '../schedule.js';

/**
 * The least ᾱ: a zero-terminal-SNR step (ᾱ = 0, σ = ∞) is clamped to it, as diffusers does
 * (`alphas_cumprod[-1] = 2**-24`), so σ_max = √((1 − 2⁻²⁴)/2⁻²⁴) ≈ 4096. The last few timesteps before it
 * can have 0 < ᾱ < 2⁻²⁴ (rescaleZeroTerminalSnr(linearSchedule(1000)) at t = 996 … 998): they are clamped too,
 * so that σ stays non-decreasing in t (their σ is then 4096 as well, instead of exceeding the last one's).
 */
export const MIN_ALPHA_CUMPROD = 2 ** -24;

/** σ = √((1 − ᾱ)/ᾱ) of every schedule index, non-decreasing with the index (float64), ᾱ clamped to ≥ 2⁻²⁴. */
export function scheduleSigmaTable(schedule: Schedule): Float64Array {
  const cap = Math.sqrt((1 - MIN_ALPHA_CUMPROD) / MIN_ALPHA_CUMPROD);
  // √(1/ᾱ − 1) from the schedule's log-form 1 − ᾱ (exact for tiny betas), Infinity where ᾱ = 0
  return Float64Array.from(schedule.sqrtRecipm1AlphasCumprod, (s, i) => (schedule.alphasCumprod[i]! < MIN_ALPHA_CUMPROD ? cap : s));
}

/** A σ resolved against the schedule: the timestep the model sees, and the σ the step uses. */
export interface ResolvedSigma {
  /** the timestep (fractional unless quantized) */
  t: number;
  /** σ itself, or with `quantize` the σ of the nearest timestep */
  sigma: number;
}

/** Maps σ > 0 to the model's timestep (see the file comment); the σ table is {@link scheduleSigmaTable}'s. */
export class SigmaTimesteps {
  readonly #table: Float64Array;
  readonly #logs: Float64Array;
  readonly #timesteps: Int32Array;

  constructor(schedule: Schedule) {
    this.#table = scheduleSigmaTable(schedule);
    this.#logs = Float64Array.from(this.#table, Math.log);
    this.#timesteps = schedule.timesteps;
  }

  /**
   * The fractional timestep of σ: with log σ_lo ≤ log σ < log σ_hi at neighbouring indices,
   *   w = (log σ − log σ_lo)/(log σ_hi − log σ_lo),   t = (1 − w)·τ_lo + w·τ_hi
   * (τ the schedule's timesteps); σ outside the schedule's range gives the end timestep.
   */
  fractional(sigma: number): number {
    // (equal neighbours, from the clamp, give the last of them: the search below keeps log σ_lo ≤ log σ < log σ_hi)
    const logs = this.#logs;
    const ts = this.#timesteps;
    const n = logs.length;
    const ls = Math.log(sigma);
    if (n === 1 || ls <= logs[0]!) return ts[0]!;
    if (ls >= logs[n - 1]!) return ts[n - 1]!;
    // the last index with log σ_i ≤ log σ (binary search: logs ascend)
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (logs[mid]! <= ls) lo = mid;
      else hi = mid;
    }
    const w = (ls - logs[lo]!) / (logs[hi]! - logs[lo]!);
    return (1 - w) * ts[lo]! + w * ts[hi]!;
  }

  /** The index whose σ is nearest in log σ (the higher one on a tie: the clamped σ = 4096 is the last timestep's). */
  nearestIndex(sigma: number): number {
    const ls = Math.log(sigma);
    let best = 0;
    for (let i = 1; i < this.#logs.length; i++) if (Math.abs(ls - this.#logs[i]!) <= Math.abs(ls - this.#logs[best]!)) best = i;
    return best;
  }

  /** The σ of schedule index i (clamped for zero terminal SNR). */
  sigmaAt(i: number): number {
    return this.#table[i]!;
  }

  /** The timestep and σ the model is evaluated at: fractional, or (quantize) the nearest timestep and its σ. */
  resolve(sigma: number, quantize: boolean): ResolvedSigma {
    if (!quantize) return { t: this.fractional(sigma), sigma };
    const i = this.nearestIndex(sigma);
    return { t: this.#timesteps[i]!, sigma: this.#table[i]! };
  }
}

/**
 * Checks a σ grid: at least two values, finite, non-increasing (equal neighbours make a step that only
 * churns), positive except the last, which is exactly 0. Returns a float64 copy.
 */
export function checkSigmas(fn: string, sigmas: unknown, arg = 'options.sigmas'): Float64Array {
  const expected = 'a non-increasing array of finite σ > 0 that ends in 0 (at least 2 values)';
  if (sigmas === null || typeof sigmas !== 'object' || typeof (sigmas as ArrayLike<number>).length !== 'number') fail(fn, arg, expected, sigmas);
  const a = sigmas as ArrayLike<unknown>;
  if (a.length < 2) fail(fn, arg, expected, `${a.length} value${a.length === 1 ? '' : 's'}`);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(fn, arg, expected, `${arg}[${i}] = ${Array.isArray(v) ? 'an array' : String(v)}`);
    if (i > 0 && v > out[i - 1]!) fail(fn, arg, expected, `${arg}[${i}] = ${v} after ${arg}[${i - 1}] = ${out[i - 1]}`);
    if (i < a.length - 1 && v === 0) fail(fn, arg, expected, `${arg}[${i}] = 0 before the end`);
    out[i] = v;
  }
  if (out[a.length - 1] !== 0) fail(fn, arg, expected, `a last value of ${out[a.length - 1]}`);
  return out;
}
