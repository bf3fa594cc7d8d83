/**
 * Vector quantization with the straight-through estimator and the VQ-VAE codebook and commitment losses.
 *
 * @see van den Oord, Vinyals & Kavukcuoglu 2017, "Neural Discrete Representation Learning", NeurIPS, arXiv:1711.00937, Eq. 3.
 * @see Razavi, van den Oord & Vinyals 2019, "Generating Diverse High-Fidelity Images with VQ-VAE-2", arXiv:1906.00446.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { fail, toFloat } from '@genmod-internal/core';
import { checkNonNegative, checkTensor, oneHotArgMin, showShape, stopGradient } from './internal/checks.js';

export interface VectorQuantizeOptions {
  /** the commitment weight β, default 0.25 (the paper's value) */
  beta?: number;
}

export type VectorQuantizeResult = {
  /** the quantized vectors e_{k(i)} forward, with the identity gradient to z_e (straight-through), z_e's shape */
  zQ: Tensor;
  /** the nearest code per vector, int32, z_e's shape without its last axis */
  indices: Tensor;
  /** ‖sg[z_e] − e‖² (mean over elements): moves the codes toward the encoder outputs */
  codebookLoss: tf.Scalar;
  /** β·‖z_e − sg[e]‖² (mean over elements): keeps the encoder committed to its codes */
  commitmentLoss: tf.Scalar;
  /** codebookLoss + commitmentLoss, to add to the reconstruction loss */
  loss: tf.Scalar;
  /** exp(H(p̂)) of the batch's code frequencies p̂: the number of codes effectively in use, in [1, K] */
  perplexity: tf.Scalar;
};

/** The squared distances ‖z_i − e_k‖² = ‖z_i‖² − 2·z_i·e_k + ‖e_k‖², `[M, K]`. */
export function squaredDistances(flat: Tensor, codebook: Tensor): Tensor {
  return tf.add(tf.sub(tf.sum(tf.square(flat), 1, true), tf.mul(tf.matMul(flat, codebook, false, true), 2)), tf.reshape(tf.sum(tf.square(codebook), 1), [1, -1]));
}

/** Shape checks shared by the function and the class. */
export function checkVq(fn: string, zE: Tensor | TensorLike, codebook: Tensor | TensorLike, codebookArg = 'codebook'): { zs: number[]; k: number } {
  const zs = checkTensor(fn, 'zE', zE);
  const cs = checkTensor(fn, codebookArg, codebook, 2);
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

/**
 * Vector quantization (VQ-VAE): each vector z_e,i (the last axis of `zE`) is replaced by its nearest code
 *
 *   k(i) = argmin_k ‖z_e,i − e_k‖²,   z_q,i = e_{k(i)},
 *
 * with the straight-through gradient ∂L/∂z_e = ∂L/∂z_q (z_q = z_e + sg[e − z_e]), and the losses
 *
 *   codebook = ‖sg[z_e] − e‖²   (trains the codes),   commitment = β·‖z_e − sg[e]‖²   (trains the encoder),
 *
 * each a mean over the elements (as `F.mse_loss`). The lookup is a one-hot matmul, so the codebook loss
 * reaches `codebook` on every backend.
 *
 * @param zE float32 `[..., D]`, the encoder outputs
 * @param codebook float32 `[K, D]`, e.g. a `tf.Variable`
 * @returns `{ zQ, indices, codebookLoss, commitmentLoss, loss, perplexity }`
 * @see van den Oord et al. 2017, arXiv:1711.00937, Eq. 3
 * @example
 * ```ts
 * const codebook = tf.variable(tf.randomNormal([16, 4], 0, 1, 'float32', 1));   // K = 16, D = 4
 * const zE = tf.randomNormal([8, 4], 0, 1, 'float32', 2);
 * const { zQ, indices, loss } = vectorQuantize(zE, codebook);                   // [8, 4], int32 [8], scalar
 * ```
 * @since 0.1.0
 */
export function vectorQuantize(zE: Tensor | TensorLike, codebook: Tensor | TensorLike, options: VectorQuantizeOptions = {}): VectorQuantizeResult {
  const fn = 'vectorQuantize';
  checkVq(fn, zE, codebook);
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  const beta = checkNonNegative(fn, 'options.beta', options.beta ?? 0.25);
  return tf.tidy(fn, () => quantize(toFloat(fn, 'zE', zE), toFloat(fn, 'codebook', codebook), beta, true));
}
