/**
 * Host-side 1-D optimal transport: sample checks and the CDF distance between weighted 1-D samples.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkTensorArg, fail } from '@genmod-internal/core';
import { checkSameShape } from './checks.js';

function hostVector(x: Tensor | TensorLike): number[] {
  if (x instanceof tf.Tensor) return Array.from(x.dataSync() as ArrayLike<number>);
  if (typeof x === 'number') return [x];
  return Array.from(x as ArrayLike<number>, Number);
}

/** Validates a 1-D sample and its optional weights; returns the host values. */
export function checkSample1d(fn: string, arg: string, x: unknown, weights: unknown, weightsArg: string): { values: number[]; weights: number[] | null } {
  const shape = checkTensorArg(fn, arg, x);
  if (shape.length !== 1 || shape[0] === 0) fail(fn, arg, 'a non-empty 1-D sample (shape [n])', x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  const values = hostVector(x as Tensor | TensorLike);
  if (!values.every(Number.isFinite)) fail(fn, arg, 'finite', 'a non-finite value');
  if (weights === undefined || weights === null) return { values, weights: null };
  const wShape = checkTensorArg(fn, weightsArg, weights);
  checkSameShape(fn, `${arg} and ${weightsArg}`, shape, wShape);
  const w = hostVector(weights as Tensor | TensorLike);
  const total = w.reduce((s, v) => s + v, 0);
  if (!w.every((v) => v >= 0 && Number.isFinite(v)) || !(total > 0)) fail(fn, weightsArg, 'finite non-negative weights with a positive sum', `[${w.join(', ')}]`);
  return { values, weights: w };
}

/**
 * ∫|F_u − G_v|^p (p = 1) or its square root (p = 2), between the empirical CDFs, on the host in float64:
 * scipy.stats._stats_py._cdf_distance, step for step.
 */
export function cdfDistance(u: number[], v: number[], uw: number[] | null, vw: number[] | null, p: 1 | 2): number {
  const order = (x: number[]) => x.map((_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const uo = order(u);
  const vo = order(v);
  const us = uo.map((i) => u[i]!);
  const vs = vo.map((i) => v[i]!);
  const all = [...u, ...v].sort((a, b) => a - b);
  const cumulative = (sorted: number[], ord: number[], w: number[] | null) => {
    const c = [0];
    for (let i = 0; i < sorted.length; i++) c.push(c[i]! + (w ? w[ord[i]!]! : 1));
    return c;
  };
  const uc = cumulative(us, uo, uw);
  const vc = cumulative(vs, vo, vw);
  // searchsorted(sorted, x, 'right'): the number of entries ≤ x
  const upTo = (sorted: number[], x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let total = 0;
  for (let i = 0; i < all.length - 1; i++) {
    const delta = all[i + 1]! - all[i]!;
    if (delta === 0) continue;
    const fu = uc[upTo(us, all[i]!)]! / uc[uc.length - 1]!;
    const fv = vc[upTo(vs, all[i]!)]! / vc[vc.length - 1]!;
    total += (p === 1 ? Math.abs(fu - fv) : (fu - fv) ** 2) * delta;
  }
  return p === 1 ? total : Math.sqrt(total);
}
