// Deterministic 2-D datasets for the tests (a seeded host RNG: no dependence on tfjs's generator).
import { mulberry32 } from '@genmod-internal/core';

export const rng = mulberry32;

/** Box–Muller standard normals. */
export function normals(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/**
 * Two moons (as scikit-learn and the PyTorch bench peer make them), noise 0.05, standardized with the
 * statistics of the first `n` points of seed 2 so train and test share one scaling.
 */
export function twoMoons(n: number, seed: number): number[][] {
  const u = rng(seed);
  const g = normals(u);
  const pts: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.PI * u();
    const p = i % 2 === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    pts.push([p[0]! + 0.05 * g(), p[1]! + 0.05 * g()]);
  }
  // the two-moons population mean and sd (x̄ = (0.5, 0.25) exactly, sd ≈ (0.867, 0.497) by Monte Carlo)
  const mean = [0.5, 0.25];
  const sd = [0.8674, 0.4967];
  return pts.map((p) => [(p[0]! - mean[0]!) / sd[0]!, (p[1]! - mean[1]!) / sd[1]!]);
}
