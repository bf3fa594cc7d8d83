/**
 * The triplet margin loss of metric learning.
 *
 * @see Schroff, Kalenichenko & Philbin 2015, "FaceNet: A Unified Embedding for Face Recognition and Clustering", CVPR, arXiv:1503.03832.
 * @see Balntas, Riba, Ponsa & Mikolajczyk 2016, "Learning local feature descriptors with triplets and shallow convolutional neural networks", BMVC (the distance swap).
 * @see torch.nn.functional.triplet_margin_loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkBoolean, checkNumber, checkOptions, checkTensorArg, fail, toFloat } from '@genmod-internal/core';
import { checkReduction, checkSameShape, type Reduction } from './internal/checks.js';
import { reduce } from './internal/math.js';
import { scaledNorm } from './internal/norms.js';

/** Options of {@link tripletLoss}: margin α, norm order p, eps, distance swap and reduction. @since 0.1.0 */
export interface TripletLossOptions {
  /** the margin α ≥ 0, default 1 */
  margin?: number;
  /** the norm's order p ≥ 1, default 2 */
  p?: number;
  /**
   * added to every difference before the norm, ‖x − y + eps‖_p, as PyTorch's `pairwise_distance`
   * (default 1e−6); `0` gives the exact distance ‖x − y‖_p
   */
  eps?: number;
  /** use min(d(a, n), d(p, n)) as the negative distance (the distance swap), default false */
  swap?: boolean;
  /** 'mean' (default), 'sum' or 'none' (per triplet) */
  reduction?: Reduction;
}

/**
 * L(a, p, n) = max(d(a, p) − d(a, n) + margin, 0) with d(x, y) = ‖x − y + eps‖_p, per triplet and then
 * reduced: the same values as `torch.nn.functional.triplet_margin_loss`. The anchor is pulled toward the
 * positive and pushed from the negative until they are `margin` apart. Gradients stay finite when points
 * coincide (e.g. positive = anchor with `eps: 0`).
 *
 * @param anchor `[..., D]` embeddings (usually `[B, D]`); `positive`, `negative` of the same shape
 * @returns a scalar (`'mean'`, `'sum'`) or `[...]` (`'none'`)
 * @see Schroff et al. 2015 · Balntas et al. 2016 (swap)
 * @example
 * ```ts
 * const a = [[0, 0]], p = [[0, 1]], n = [[0, 1.5]];
 * tripletLoss(a, p, n, { eps: 0 }).print(); // max(1 − 1.5 + 1, 0) = 0.5
 * ```
 * @since 0.1.0
 */
export function tripletLoss(anchor: Tensor | TensorLike, positive: Tensor | TensorLike, negative: Tensor | TensorLike, options: TripletLossOptions = {}): Tensor {
  const fn = 'tripletLoss';
  options = checkOptions(fn, options, ['margin', 'p', 'eps', 'swap', 'reduction']);
  const margin = options.margin === undefined ? 1 : checkNumber(fn, 'options.margin', options.margin, { min: 0 });
  const p = options.p === undefined ? 2 : checkNumber(fn, 'options.p', options.p, { min: 1 });
  const eps = options.eps === undefined ? 1e-6 : checkNumber(fn, 'options.eps', options.eps, { min: 0 });
  if (options.swap !== undefined) checkBoolean(fn, 'options.swap', options.swap);
  const reduction = checkReduction(fn, options.reduction);
  const shape = checkTensorArg(fn, 'anchor', anchor);
  if (shape.length < 1) fail(fn, 'anchor', 'a tensor of rank ≥ 1 (embeddings on the last axis)', anchor);
  checkSameShape(fn, 'anchor and positive', shape, checkTensorArg(fn, 'positive', positive));
  checkSameShape(fn, 'anchor and negative', shape, checkTensorArg(fn, 'negative', negative));
  return tf.tidy(fn, () => {
    const [a, pos, neg] = [toFloat(fn, 'anchor', anchor), toFloat(fn, 'positive', positive), toFloat(fn, 'negative', negative)];
    const dist = (x: Tensor, y: Tensor) => scaledNorm(eps === 0 ? tf.sub(x, y) : tf.add(tf.sub(x, y), eps), p, -1);
    const dap = dist(a, pos);
    let dan = dist(a, neg);
    if (options.swap) dan = tf.minimum(dan, dist(pos, neg));
    return reduce(tf.relu(tf.add(tf.sub(dap, dan), margin)), reduction);
  });
}
