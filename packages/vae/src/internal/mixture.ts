/**
 * The equal-weight mixture of diagonal Gaussians that {@link aggregatePosterior} and {@link elboSurgery}
 * evaluate: log (1/n)·Σ_j N(z; μ_j, diag exp(logVar_j)), in chunks.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkTensorArg, fail, normalLogDensity, sameShape, showShape } from '@genmod-internal/core';
import { logMeanExpAlong } from './checks.js';

const CHUNK_ELEMENTS = 4_000_000; // floats per chunk of the [m, n, d] difference tensor

/**
 * log (1/n)·Σ_j N(z; μ_j, diag σ_j²) for z `[M, d]` and n components `[n, d]`, `[M]`: core's log-density in
 * the direct form (an expanded quadratic loses float32 precision far from the origin), in chunks of rows so
 * that memory stays O(chunk·n·d).
 */
export function mixtureLogProb(z: Tensor, loc: Tensor, logVar: Tensor): Tensor {
  const n = loc.shape[0]!;
  const d = loc.shape[1]!;
  const chunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / (n * d)));
  const mu = tf.expandDims(loc, 0); // [1, n, d]
  const logScale = tf.expandDims(tf.mul(logVar, 0.5), 0);
  const parts: Tensor[] = [];
  for (let start = 0; start < z.shape[0]!; start += chunk) {
    const zc = tf.expandDims(tf.slice(z, [start, 0], [Math.min(chunk, z.shape[0]! - start), -1]), 1); // [m, 1, d]
    const logComponents = tf.sum(normalLogDensity(zc, mu, logScale), 2); // [m, n]
    parts.push(logMeanExpAlong(logComponents, 1));
  }
  return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
}

/** Checks a dataset's encoder outputs `loc`, `logVar`: `[n, d]` each. */
export function checkEncodings(fn: string, loc: Tensor | TensorLike, logVar: Tensor | TensorLike): number[] {
  const ls = checkTensorArg(fn, 'loc', loc, 2);
  const vs = checkTensorArg(fn, 'logVar', logVar, 2);
  if (ls.length !== 2 || ls[0] === 0) fail(fn, 'loc', 'a matrix [n, d] with n ≥ 1', showShape(ls));
  if (!sameShape(ls, vs)) fail(fn, 'logVar', `of the shape of loc (${showShape(ls)})`, showShape(vs));
  return ls;
}
