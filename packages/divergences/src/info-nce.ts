/**
 * InfoNCE: the contrastive (noise-contrastive) lower bound on mutual information, and its normalized,
 * temperature-scaled form (NT-Xent).
 *
 * @see van den Oord, Li & Vinyals 2018, "Representation Learning with Contrastive Predictive Coding", arXiv:1807.03748.
 * @see Chen, Kornblith, Norouzi & Hinton 2020, "A Simple Framework for Contrastive Learning of Visual Representations", ICML, arXiv:2002.05709 (NT-Xent).
 * @see Poole et al. 2019, "On Variational Bounds of Mutual Information", ICML, arXiv:1905.06922.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkNumber, checkOptions, checkTensorArg, fail, toFloat } from '@genmod-internal/core';
import { checkReduction, checkSameShape, type Reduction } from './internal/checks.js';
import { reduce } from './internal/math.js';
import { unitVectors } from './internal/norms.js';

/** −log softmax(scores_i)_i per row, positives on the diagonal. */
function diagonalCrossEntropy(scores: Tensor): Tensor {
  const b = scores.shape[0]!;
  const ls = tf.logSoftmax(scores);
  return tf.neg(tf.sum(tf.where(tf.cast(tf.eye(b), 'bool'), ls, tf.zerosLike(ls)), -1));
}

/**
 * The InfoNCE loss from a matrix of critic scores f(x_i, y_j), the positive pairs on the diagonal:
 *
 *   L = −(1/B)·Σ_i log [exp f(x_i, y_i) / Σ_j exp f(x_i, y_j)],   I(X; Y) ≥ log B − L.
 *
 * A cross-entropy over each row; −Infinity masks a pair. Stable at any score.
 *
 * @param scores `[B, B]` (row i: query i against every key)
 * @returns a scalar (`'mean'`, default; `'sum'`) or `[B]` (`'none'`)
 * @see van den Oord et al. 2018 · Poole et al. 2019
 * @example
 * ```ts
 * infoNceLoss([[5, 0], [0, 5]]).print(); // log(1 + e^−5) ≈ 0.0067: positives stand out
 * ```
 * @since 0.1.0
 */
export function infoNceLoss(scores: Tensor | TensorLike, options: { reduction?: Reduction } = {}): Tensor {
  const fn = 'infoNceLoss';
  options = checkOptions(fn, options, ['reduction']);
  const reduction = checkReduction(fn, options.reduction);
  const shape = checkTensorArg(fn, 'scores', scores);
  if (shape.length !== 2 || shape[0] !== shape[1] || shape[0] === 0) fail(fn, 'scores', 'a non-empty square matrix [B, B] (positives on the diagonal)', scores instanceof tf.Tensor ? scores : `shape [${shape.join(', ')}]`);
  return tf.tidy(fn, () => reduce(diagonalCrossEntropy(toFloat(fn, 'scores', scores)), reduction));
}

/**
 * InfoNCE over cosine similarities (NT-Xent as in SimCLR, with the keys as the other view):
 *
 *   s_ij = cos(q_i, k_j)/τ,   L_i = −log [exp s_ii / Σ_j exp s_ij],
 *
 * query i's positive is key i, every other key in the batch is a negative. Embeddings are normalized by
 * max(‖x‖, 1e−12) (as `torch.nn.functional.normalize`), so a zero vector gives no NaN.
 *
 * @param query `[B, D]`; `keys` `[B, D]`
 * @param options `temperature` τ > 0 (default 0.1), `reduction`
 * @returns a scalar (`'mean'`, default; `'sum'`) or `[B]` (`'none'`)
 * @see Chen et al. 2020 · van den Oord et al. 2018
 * @example
 * ```ts
 * const z1 = tf.randomNormal([8, 16], 0, 1, 'float32', 1);
 * const z2 = tf.add(z1, tf.randomNormal([8, 16], 0, 0.1, 'float32', 2)); // two views of the same 8 items
 * infoNce(z1, z2, { temperature: 0.1 }).print(); // small: each query finds its key
 * ```
 * @since 0.1.0
 */
export function infoNce(query: Tensor | TensorLike, keys: Tensor | TensorLike, options: { temperature?: number; reduction?: Reduction } = {}): Tensor {
  const fn = 'infoNce';
  options = checkOptions(fn, options, ['temperature', 'reduction']);
  const tau = options.temperature === undefined ? 0.1 : checkNumber(fn, 'options.temperature', options.temperature, { above: 0 });
  const reduction = checkReduction(fn, options.reduction);
  const shape = checkTensorArg(fn, 'query', query);
  if (shape.length !== 2 || shape[0] === 0) fail(fn, 'query', 'a non-empty batch of embeddings [B, D]', query instanceof tf.Tensor ? query : `shape [${shape.join(', ')}]`);
  checkSameShape(fn, 'query and keys', shape, checkTensorArg(fn, 'keys', keys));
  return tf.tidy(fn, () => {
    const unit = (x: Tensor) => unitVectors(x, 1e-12);
    const scores = tf.div(tf.matMul(unit(toFloat(fn, 'query', query)), unit(toFloat(fn, 'keys', keys)), false, true), tau);
    return reduce(diagonalCrossEntropy(scores), reduction);
  });
}
