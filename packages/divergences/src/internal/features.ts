/**
 * Host-side helpers of the sample-quality metrics: feature-matrix checks, float64 moments and a symmetric
 * eigendecomposition (cyclic Jacobi).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkTensorArg, fail, toFloat } from '@genmod-internal/core';

/** A checked `[n, d]` feature matrix, read to the host as float64 rows. */
export interface Features {
  n: number;
  d: number;
  data: Float64Array;
}

export function checkFeatures(fn: string, arg: string, x: unknown): [number, number] {
  const shape = checkTensorArg(fn, arg, x);
  if (shape.length !== 2) fail(fn, arg, 'a feature matrix of shape [n, d]', x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  return shape as [number, number];
}

export function checkPair(fn: string, real: unknown, generated: unknown, minPoints: number[], why: string): [[number, number], [number, number]] {
  const r = checkFeatures(fn, 'real', real);
  const g = checkFeatures(fn, 'generated', generated);
  if (r[1] !== g[1]) fail(fn, 'real and generated', 'features of the same dimension d', `d = ${r[1]} and d = ${g[1]}`);
  if (r[1] < 1) fail(fn, 'real and generated', 'features of dimension d ≥ 1', `d = ${r[1]}`);
  if (r[0] < minPoints[0]!) fail(fn, 'real', `at least ${minPoints[0]} points (${why})`, `${r[0]} points`);
  if (g[0] < minPoints[1]!) fail(fn, 'generated', `at least ${minPoints[1]} points (${why})`, `${g[0]} points`);
  return [r, g];
}

export function readHost(fn: string, arg: string, x: Tensor | TensorLike, [n, d]: [number, number]): Features {
  const t = toFloat(fn, arg, x);
  const data = Float64Array.from(t.dataSync());
  if (t !== x) t.dispose();
  return { n, d, data };
}

/** Mean and covariance (ddof 1) of the rows, in float64. */
export function meanCov({ n, d, data }: Features): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      for (let b = a; b < d; b++) cov[a * d + b] = cov[a * d + b]! + ra * row[b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b]! / (n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return { mean, cov };
}

/**
 * The eigendecomposition A = V diag(λ) Vᵀ of a symmetric d×d matrix by cyclic Jacobi rotations in float64
 * (Golub & Van Loan, Matrix Computations, §8.5): returns λ and V (columns), to full float64 accuracy.
 */
export function symmetricEigen(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += m[p * d + p]! * m[p * d + p]!;
      for (let q = p + 1; q < d; q++) off += m[p * d + q]! * m[p * d + q]!;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q]!;
        if (apq === 0) continue;
        const app = m[p * d + p]!;
        const aqq = m[q * d + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const mkp = m[k * d + p]!;
          const mkq = m[k * d + q]!;
          m[k * d + p] = c * mkp - s * mkq;
          m[k * d + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < d; k++) {
          const mpk = m[p * d + k]!;
          const mqk = m[q * d + k]!;
          m[p * d + k] = c * mpk - s * mqk;
          m[q * d + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = m[i * d + i]!;
  return { values, vectors: v };
}
