/**
 * The pieces of vector quantization shared by {@link vectorQuantize} and {@link VectorQuantizer}: squared
 * distances to the codes, the shape checks and the straight-through quantizer with its two losses.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkTensorArg, fail, showShape, stopGradient } from '@genmod-internal/core';
import { oneHotArgMin } from './checks.js';
import type { VectorQuantizeResult } from '../vector-quantize.js';

const CHUNK_ELEMENTS = 4_000_000; // floats per chunk of the [m, K, D] difference tensor

/**
 * The squared distances ‖z_i − e_k‖² = Σ_d (z_id − e_kd)², `[M, K]`, in the direct form, in chunks of rows
 * (memory O(chunk·K·D)). The expanded form ‖z‖² − 2·z·e + ‖e‖² cancels in float32 away from the origin: with
 * vectors near 1000, its rounding (~1e-4·D) swamps distances that differ by 1e-3 and picks the wrong code.
 */
export function squaredDistances(flat: Tensor, codebook: Tensor): Tensor {
  const [m, d] = flat.shape as [number, number];
  const k = codebook.shape[0]!;
  const chunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / Math.max(1, k * d)));
  const e = tf.expandDims(codebook, 0); // [1, K, D]
  if (m === 0) return tf.zeros([0, k]);
  const parts: Tensor[] = [];
  for (let start = 0; start < m; start += chunk) {
    const zc = tf.expandDims(tf.slice(flat, [start, 0], [Math.min(chunk, m - start), d]), 1); // [c, 1, D]
    parts.push(tf.sum(tf.square(tf.sub(zc, e)), 2));
  }
  return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
}

/** Shape checks shared by the function and the class. */
export function checkVq(fn: string, zE: Tensor | TensorLike, codebook: Tensor | TensorLike, codebookArg = 'codebook'): { zs: number[]; k: number } {
  const zs = checkTensorArg(fn, 'zE', zE, 1);
  const cs = checkTensorArg(fn, codebookArg, codebook, 2);
  if (cs.length !== 2) fail(fn, codebookArg, 'a matrix [K, D]', showShape(cs));
  if (zs[zs.length - 1] !== cs[1]) fail(fn, 'zE', `a tensor whose last axis is the code dimension D = ${cs[1]}`, showShape(zs));
  return { zs, k: cs[0]! };
}

/** The core of {@link vectorQuantize}; `codebookLossOn` false leaves the codebook loss at 0 (EMA codebooks). */
export function quantize(zEt: Tensor, cb: Tensor, beta: number, codebookLossOn: boolean): VectorQuantizeResult {
  const d = cb.shape[1]!;
  const flat = tf.reshape(zEt, [-1, d]);
  const onehot = oneHotArgMin(squaredDistances(flat, cb)); // [M, K], no gradient
  const indices = tf.reshape(tf.argMax(onehot, 1), zEt.shape.slice(0, -1));
  const e = tf.matMul(onehot, cb); // [M, D]: a matmul, not tf.gather (wasm has no gradient for gather)
  const st = tf.customGrad((...args: unknown[]) => {
    const [z, q] = args as [Tensor, Tensor];
    return { value: tf.clone(q), gradFunc: (dy: Tensor) => [dy, tf.zerosLike(q)] };
  }) as (z: Tensor, q: Tensor) => Tensor;
  const zQ = tf.reshape(st(flat, e), zEt.shape);
  const codebookLoss = (codebookLossOn ? tf.mean(tf.square(tf.sub(stopGradient(flat), e))) : tf.scalar(0)) as tf.Scalar;
  const commitmentLoss = tf.mul(tf.mean(tf.square(tf.sub(flat, stopGradient(e)))), beta) as tf.Scalar;
  const p = tf.mean(onehot, 0);
  const perplexity = tf.exp(tf.neg(tf.sum(tf.mul(p, tf.log(tf.add(p, 1e-10)))))) as tf.Scalar;
  return { zQ, indices, codebookLoss, commitmentLoss, loss: tf.add(codebookLoss, commitmentLoss) as tf.Scalar, perplexity };
}
