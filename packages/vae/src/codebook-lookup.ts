/**
 * Decoding one-hot (or relaxed one-hot) codes through a codebook, as a matrix product: differentiable in
 * both the weights and the codebook, and free of tf.gather (whose gradient tfjs-backend-wasm lacks).
 *
 * @see Ramesh et al. 2021, "Zero-Shot Text-to-Image Generation" (DALL-E dVAE), arXiv:2102.12092, appendix A.
 * @see van den Oord, Vinyals & Kavukcuoglu 2017, "Neural Discrete Representation Learning", arXiv:1711.00937.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkTensorArg, fail, showShape, toFloat } from '@genmod-internal/core';

/**
 * e = Σ_k y_k·c_k: each (relaxed) one-hot y over K codes becomes the y-weighted mix of the codebook rows
 * (exactly row c_k when y is one-hot): `y [..., K] · codebook [K, D] → [..., D]`.
 *
 * @param y float32 `[..., K]`, e.g. Gumbel-softmax samples `[B, N, K]`
 * @param codebook float32 `[K, D]`, e.g. a `tf.Variable`
 * @returns `[..., D]`
 * @see Ramesh et al. 2021, arXiv:2102.12092
 * @example
 * ```ts
 * const codebook = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);   // K = 3 codes of dimension 2
 * codebookLookup(tf.tensor2d([[0, 0, 1]]), codebook).print(); // [[1, 1]]
 * ```
 * @since 0.1.0
 */
export function codebookLookup(y: Tensor | TensorLike, codebook: Tensor | TensorLike): Tensor {
  const fn = 'codebookLookup';
  const ys = checkTensorArg(fn, 'y', y, 1);
  const cs = checkTensorArg(fn, 'codebook', codebook, 2);
  if (cs.length !== 2) fail(fn, 'codebook', 'a matrix [K, D]', showShape(cs));
  if (ys[ys.length - 1] !== cs[0]) fail(fn, 'y', `a tensor whose last axis has the codebook's ${cs[0]} codes`, showShape(ys));
  return tf.tidy(fn, () => {
    const yt = toFloat(fn, 'y', y);
    const flat = tf.reshape(yt, [-1, cs[0]!]);
    return tf.reshape(tf.matMul(flat, toFloat(fn, 'codebook', codebook)), [...ys.slice(0, -1), cs[1]!]);
  });
}
