/**
 * Vector quantization with the straight-through estimator and the VQ-VAE codebook and commitment losses.
 *
 * @see van den Oord, Vinyals & Kavukcuoglu 2017, "Neural Discrete Representation Learning", NeurIPS, arXiv:1711.00937, Eq. 3.
 * @see Razavi, van den Oord & Vinyals 2019, "Generating Diverse High-Fidelity Images with VQ-VAE-2", arXiv:1906.00446.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkNumber, checkOptions, toFloat } from '@genmod-internal/core';
import { checkVq, quantize } from './internal/quantize.js';

/** Options of {@link vectorQuantize}. @since 0.1.0 */
export interface VectorQuantizeOptions {
  /** the commitment weight β, default 0.25 (the paper's value) */
  beta?: number;
}

/** What {@link vectorQuantize} and {@link VectorQuantizer.quantize} return. @since 0.1.0 */
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
  checkOptions(fn, options, ['beta']);
  const beta = checkNumber(fn, 'options.beta', options.beta ?? 0.25, { min: 0 });
  return tf.tidy(fn, () => quantize(toFloat(fn, 'zE', zE), toFloat(fn, 'codebook', codebook), beta, true));
}
