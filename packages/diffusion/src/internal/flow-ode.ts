/**
 * Fixed-step explicit Runge–Kutta steps over a tuple of tensors, for the flow sampler (the state x) and the
 * likelihood (the augmented state x and ∫ div v). The tableaus are the textbook ones.
 *
 * @see Hairer, Nørsett & Wanner 1993, "Solving Ordinary Differential Equations I", §II.1 (Butcher tableaus).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { OdeMethod } from '../flow-sample.js';

interface Tableau {
  /** a[i][j]: the weight of stage j in stage i's input */
  a: number[][];
  b: number[];
  c: number[];
}

/** Euler (order 1), Heun = explicit trapezoid and midpoint (order 2), classical RK4 (order 4). */
export const TABLEAUS: Record<OdeMethod, Tableau> = {
  euler: { a: [[]], b: [1], c: [0] },
  heun: { a: [[], [1]], b: [0.5, 0.5], c: [0, 1] },
  midpoint: { a: [[], [0.5]], b: [0, 1], c: [0, 0.5] },
  rk4: { a: [[], [0.5], [0, 0.5], [0, 0, 1]], b: [1 / 6, 1 / 3, 1 / 3, 1 / 6], c: [0, 0.5, 0.5, 1] },
};

export const ODE_METHODS: readonly OdeMethod[] = ['euler', 'heun', 'midpoint', 'rk4'];

/** y + Σ_j w_j·k_j per component (terms with w_j = 0 skipped). */
function combine(y: Tensor[], ks: Tensor[][], weights: number[], h: number): Tensor[] {
  return y.map((yc, c) => {
    let out = yc;
    weights.forEach((w, j) => {
      if (w !== 0) out = tf.add(out, tf.mul(h * w, ks[j]![c]!));
    });
    return out;
  });
}

/**
 * One step y(t) → y(t + h) of `method` for y' = F(y, t) (h may be negative). Allocates in the caller's
 * tidy. Returns the new state and the first stage's derivative F(y, t).
 */
export function rkStep(method: OdeMethod, y: Tensor[], t: number, h: number, F: (y: Tensor[], t: number) => Tensor[]): { y: Tensor[]; k1: Tensor[] } {
  const tab = TABLEAUS[method];
  const ks: Tensor[][] = [];
  for (let i = 0; i < tab.b.length; i++) {
    const input = i === 0 ? y : combine(y, ks, tab.a[i]!, h);
    ks.push(F(input, t + tab.c[i]! * h));
  }
  return { y: combine(y, ks, tab.b, h), k1: ks[0]! };
}
