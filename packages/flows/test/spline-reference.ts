/**
 * Float64 references for the rational-quadratic spline's numerical-edge tests (issue 14).
 */
import * as tf from '@tensorflow/tfjs-core';
import { rqSpline } from '../src/internal/spline.js';

export const P = { bins: 5, bound: 2, minBinWidth: 1e-3, minBinHeight: 1e-3, minDerivative: 1e-3 };
/** Random raw spline parameters `[n, 3K − 1]` (seeded). */
export const raw = (seed: number, n = 7) => tf.mul(tf.randomNormal([n, 3 * P.bins - 1], 0, 1, 'float32', seed), 1.5);
export const EPS32 = 2 ** -23;
export const bits = new Float32Array(1);
export const ints = new Int32Array(bits.buffer);
/** The float32 n ulps above x (n < 0: below); x must be a float32. */
export function ulpStep(x: number, n: number): number {
  if (x === 0) return n * 2 ** -40;
  bits[0] = x;
  ints[0] = ints[0]! + (x > 0 ? n : -n);
  return bits[0]!;
}
export type Params = typeof P;
export interface Ref { xs: number[]; ys: number[]; ds: number[] }
export function refSpline(row: number[], p: Params): Ref {
  const k = p.bins;
  const b = p.bound;
  const softmax = (a: number[]) => {
    const m = Math.max(...a);
    const e = a.map((v) => Math.exp(v - m));
    const s = e.reduce((u, v) => u + v, 0);
    return e.map((v) => v / s);
  };
  const w = softmax(row.slice(0, k)).map((q) => 2 * b * (p.minBinWidth + (1 - k * p.minBinWidth) * q));
  const h = softmax(row.slice(k, 2 * k)).map((q) => 2 * b * (p.minBinHeight + (1 - k * p.minBinHeight) * q));
  const c = Math.log(Math.expm1(1 - p.minDerivative));
  const softplus = (z: number) => (z > 30 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
  const ds = [1, ...row.slice(2 * k, 3 * k - 1).map((r) => p.minDerivative + softplus(r + c)), 1];
  const xs = [-b];
  const ys = [-b];
  for (let j = 0; j < k - 1; j++) {
    xs.push(xs[j]! + w[j]!);
    ys.push(ys[j]! + h[j]!);
  }
  xs.push(b);
  ys.push(b);
  return { xs, ys, ds };
}
export function refBin(knots: number[], v: number): number {
  let j = 0;
  while (j < knots.length - 2 && v >= knots[j + 1]!) j++;
  return j;
}
/** y = g(x) and dy/dx in float64. */
export function refForward(r: Ref, x: number): { y: number; d: number } {
  const k = r.xs.length - 1;
  if (x < r.xs[0]! || x > r.xs[k]!) return { y: x, d: 1 };
  const j = refBin(r.xs, x);
  const w = r.xs[j + 1]! - r.xs[j]!;
  const h = r.ys[j + 1]! - r.ys[j]!;
  const s = h / w;
  const [d0, d1] = [r.ds[j]!, r.ds[j + 1]!];
  const xi = (x - r.xs[j]!) / w;
  const e = xi * (1 - xi);
  const den = s + (d1 + d0 - 2 * s) * e;
  const y = r.ys[j]! + (h * (s * xi * xi + d0 * e)) / den;
  const d = (s * s * (d1 * xi * xi + 2 * s * e + d0 * (1 - xi) ** 2)) / (den * den);
  return { y, d };
}
/** x = g⁻¹(y) by bisection in float64 (independent of the closed-form root). */
export function refInverse(r: Ref, y: number): number {
  const k = r.xs.length - 1;
  if (y < r.ys[0]! || y > r.ys[k]!) return y;
  const j = refBin(r.ys, y);
  let lo = r.xs[j]!;
  let hi = r.xs[j + 1]!;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (refForward(r, mid).y < y) lo = mid;
    else hi = mid;
  }
  return Math.abs(refForward(r, lo).y - y) <= Math.abs(refForward(r, hi).y - y) ? lo : hi;
}
/** Points: uniform in [−B, B], every knot (float32) and ±1, ±2 ulps around it, ±B and just outside. */
export function probePoints(knots: number[], b: number, n: number, seed: number): number[] {
  const u = Array.from(tf.tidy(() => tf.randomUniform([n], -b, b, 'float32', seed).dataSync()));
  const near = knots.flatMap((t) => {
    const f = Math.fround(t);
    return [-2, -1, 0, 1, 2].map((m) => ulpStep(f, m));
  });
  return [...u, ...near, -b, b, ulpStep(b, 1), ulpStep(-b, -1)];
}
/** Runs the spline on points `v` with one raw row broadcast to every point. */
export function runSpline(v: number[], row: number[], p: Params, inverse: boolean): { out: number[]; ld: number[]; grad: number[] } {
  return tf.tidy(() => {
    const vt = tf.tensor1d(v);
    const r = tf.tile(tf.tensor2d([row]), [v.length, 1]);
    const [out, ld] = rqSpline(vt, r, p, inverse);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(rqSpline(x, r, p, inverse)[0]))(vt);
    return { out: Array.from(out.dataSync()), ld: Array.from(ld.dataSync()), grad: Array.from(grad.dataSync()) };
  });
}
export function rowOf(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}
export const STEEP_P = { bins: 6, bound: 3, minBinWidth: 1e-3, minBinHeight: 1e-3, minDerivative: 1e-3 };
/** Steep configurations: knot derivatives 1e3–1e4 next to 1e−3, narrow bins (width 2B·1e−3). */
export function steepRows(): number[][] {
  const k = STEEP_P.bins;
  const rows: number[][] = [];
  for (let s = 0; s < 4; s++) {
    const w = rowOf(tf.tidy(() => tf.mul(tf.randomNormal([k], 0, 1, 'float32', 40 + s), 4)));
    const h = rowOf(tf.tidy(() => tf.mul(tf.randomNormal([k], 0, 1, 'float32', 50 + s), 4)));
    const dd = Array.from({ length: k - 1 }, (_, i) => ((i + s) % 3 === 2 ? -30 : 10 ** (3 + ((i * 7 + s * 3) % 5) / 4)));
    rows.push([...w, ...h, ...dd]);
  }
  // narrow bins next to wide ones, every interior derivative 1e3–1e4
  rows.push([8, -8, 0, -8, 8, -8, -8, 8, -8, 0, 8, -8, 1e3, 1e4, 3e3, 1e4, 2e3]);
  rows.push([-8, 8, -8, 8, -8, 8, 8, -8, 8, -8, 8, -8, 1e4, 1e4, 1e4, 1e4, 1e4]);
  return rows;
}
export const configs = (): [string, Params, number[]][] => [
  ...[11, 12, 13].map((s) => [`random ${s}`, P, rowOf(raw(s, 1))] as [string, Params, number[]]),
  ...steepRows().map((row, i) => [`steep ${i}`, STEEP_P, row] as [string, Params, number[]]),
];
