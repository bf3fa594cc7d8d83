/**
 * The pieces of vector quantization shared by {@link vectorQuantize} and {@link VectorQuantizer}: squared
 * distances to the codes, the shape checks and the straight-through quantizer with its two losses.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkTensorArg, fail, showShape, stopGradient } from '@genmod-internal/core';
import { oneHotArgMin } from './checks.js';
import type { VectorQuantizeResult } from '../vector-quantize.js';

/** The squared distances ‖z_i − e_k‖² = ‖z_i‖² − 2·z_i·e_k + ‖e_k‖², `[M, K]`. */
export function squaredDistances(flat: Tensor, codebook: Tensor): Tensor {
  return tf.add(tf.sub(tf.sum(tf.square(flat), 1, true), tf.mul(tf.matMul(flat, codebook, false, true), 2)), tf.reshape(tf.sum(tf.square(codebook), 1), [1, -1]));
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
