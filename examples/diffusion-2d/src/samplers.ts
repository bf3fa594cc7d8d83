/**
 * The samplers of the quality run, as a table: how each turns a budget of network evaluations (NFE) into a
 * step count, and how it runs from a given starting noise. Every network call is counted (see `counted`), so
 * the NFE the tables report is measured, not assumed.
 *
 * - DDPM (Ho et al. 2020), DDIM η = 0 (Song et al. 2021) and DPM-Solver++(2M) (Lu et al. 2022, arXiv:2211.01095)
 *   run on the linear schedule (T = 1000) respaced to n trailing timesteps (Lin et al. 2024, arXiv:2305.08891:
 *   the first step is at t = 999); 1 NFE per step (n = 1000: the full schedule).
 * - Euler and Heun (Karras et al. 2022, arXiv:2206.00364) on the Karras σ grid (ρ = 7) of n σ's between the
 *   schedule's σ_min and σ_max, then 0: Euler 1 NFE per step, Heun 2 per step except the last (to σ = 0, an Euler
 *   step): 2n − 1.
 * - Flow matching (Lipman et al. 2023, arXiv:2210.02747; rectified flow, Liu et al. 2023, arXiv:2209.03003):
 *   the velocity field integrated from t = 0 (noise) to t = 1 (data) with n uniform Euler steps (n NFE) or Heun
 *   steps (2 NFE per step).
 */
import type * as tf from '@tensorflow/tfjs';
import {
  ddimSample, ddpmSample, dpmSolverSample, eulerSample, finalSample, flowSample, heunSample, karrasSigmas, respace, trailingTimesteps,
  type Denoiser, type Schedule, type VelocityField,
} from '@genmod/diffusion';

/** What a sampler runs on: the trained ε-denoiser and its schedule, or the velocity field. */
export interface Models {
  denoiser: Denoiser;
  schedule: Schedule;
  velocity: VelocityField;
}

/** One row of the tables. */
export interface SamplerSpec {
  label: string;
  model: 'diffusion' | 'flow';
  /** the NFE that n steps take (the count is also measured at run time) */
  nfeOf: (steps: number) => number;
  /** x₀ from the starting noise `noise` `[N, 2]` (N(0, I)) in `steps` steps; `seed` for the stochastic ones */
  run: (m: Models, steps: number, noise: tf.Tensor, seed: number) => Promise<tf.Tensor>;
}

/** The most steps whose NFE stays within `budget` (at least 1). */
export function stepsFor(spec: SamplerSpec, budget: number): number {
  let n = 1;
  while (spec.nfeOf(n + 1) <= budget) n++;
  return n;
}

/** `fn` with a counter of its calls. */
export function counted<F extends (...a: never[]) => tf.Tensor>(fn: F): { fn: F; calls: () => number; reset: () => void } {
  let calls = 0;
  const wrapped = ((...a: Parameters<F>) => {
    calls++;
    return fn(...a);
  }) as F;
  return { fn: wrapped, calls: () => calls, reset: () => void (calls = 0) };
}

/** A respaced schedule of n trailing timesteps (the full one for n = T), disposed after `use`. */
async function withTrailing<T>(schedule: Schedule, n: number, use: (s: Schedule) => Promise<T>): Promise<T> {
  if (n === schedule.T) return use(schedule);
  const s = respace(schedule, trailingTimesteps(schedule.T, n));
  try {
    return await use(s);
  } finally {
    s.dispose();
  }
}

const one = (n: number) => n;

export const SAMPLERS: SamplerSpec[] = [
  {
    label: 'DDPM',
    model: 'diffusion',
    nfeOf: one,
    run: (m, n, noise, seed) => withTrailing(m.schedule, n, (s) => finalSample(ddpmSample(m.denoiser, noise.shape, s, { xT: noise, seed }))),
  },
  {
    label: 'DDIM',
    model: 'diffusion',
    nfeOf: one,
    run: (m, n, noise) => withTrailing(m.schedule, n, (s) => finalSample(ddimSample(m.denoiser, noise.shape, s, { xT: noise }))),
  },
  {
    label: 'DPM-Solver++(2M)',
    model: 'diffusion',
    nfeOf: one,
    run: (m, n, noise) => withTrailing(m.schedule, n, (s) => finalSample(dpmSolverSample(m.denoiser, noise.shape, s, { xT: noise, order: 2 }))),
  },
  {
    label: 'Euler (Karras)',
    model: 'diffusion',
    nfeOf: one,
    run: (m, n, noise) => finalSample(eulerSample(m.denoiser, noise.shape, m.schedule, { xT: noise, sigmas: karrasSigmas(m.schedule, n) })),
  },
  {
    label: 'Heun (Karras)',
    model: 'diffusion',
    nfeOf: (n) => 2 * n - 1,
    run: (m, n, noise) => finalSample(heunSample(m.denoiser, noise.shape, m.schedule, { xT: noise, sigmas: karrasSigmas(m.schedule, n) })),
  },
  {
    label: 'Flow matching, Euler',
    model: 'flow',
    nfeOf: one,
    run: (m, n, noise) => finalSample(flowSample(m.velocity, noise.shape, { x0: noise, steps: n, method: 'euler' })),
  },
  {
    label: 'Flow matching, Heun',
    model: 'flow',
    nfeOf: (n) => 2 * n,
    run: (m, n, noise) => finalSample(flowSample(m.velocity, noise.shape, { x0: noise, steps: n, method: 'heun' })),
  },
];
