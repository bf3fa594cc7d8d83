import { fail } from '@genmod-internal/core';
import type { Schedule } from '../schedule.js';

/**
 * The variance σ_t² of the reverse step p_θ(x_{t−1} | x_t) = N(μ_θ, σ_t²·I): `'posterior'` is β̃_t (the
 * lower bound on the optimal σ², improved-diffusion's "fixed small"), `'beta'` is β_t (the upper bound,
 * "fixed large", with β̃₂ at t = 1 as improved-diffusion does, so that the decoder is not too wide), or one
 * variance per step (e.g. the optimal variances of Analytic-DPM), T positive numbers.
 *
 * @since 0.1.0
 */
export type ModelVariance = 'posterior' | 'beta' | ArrayLike<number>;

/** log σ_t² for every index of the schedule (float64). */
export function modelLogVariances(fn: string, schedule: Schedule, variance: unknown, arg = 'options.variance'): Float64Array {
  const T = schedule.T;
  if (variance === 'posterior') return schedule.posteriorLogVarianceClipped;
  if (variance === 'beta') {
    return Float64Array.from(schedule.betas, (b, i) => Math.log(i === 0 && T > 1 ? schedule.posteriorVariance[1]! : b));
  }
  if (variance !== null && typeof variance === 'object' && typeof (variance as ArrayLike<number>).length === 'number') {
    const v = variance as ArrayLike<number>;
    if (v.length !== T) fail(fn, arg, `'posterior', 'beta' or ${T} variances (one per step)`, `${v.length} values`);
    const out = new Float64Array(T);
    for (let i = 0; i < T; i++) {
      if (!(typeof v[i] === 'number' && v[i]! > 0 && Number.isFinite(v[i]!))) fail(fn, arg, 'positive finite variances', `${arg}[${i}] = ${v[i]}`);
      out[i] = Math.log(v[i]!);
    }
    return out;
  }
  return fail(fn, arg, `'posterior', 'beta' or an array of ${T} variances`, variance);
}

/** The x̂₀ clipping range: false (none), true (±1) or a positive number r (±r). */
export function checkClip(fn: string, clip: unknown, arg = 'options.clipX0'): number | undefined {
  if (clip === undefined || clip === false) return undefined;
  if (clip === true) return 1;
  if (typeof clip === 'number' && Number.isFinite(clip) && clip > 0) return clip;
  return fail(fn, arg, 'a boolean or a positive number (the clipping range ±r)', clip);
}
