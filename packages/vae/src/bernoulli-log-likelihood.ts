/**
 * The Bernoulli observation model of binarized images, from logits.
 *
 * @see Kingma & Welling 2014, "Auto-Encoding Variational Bayes", ICLR, arXiv:1312.6114, appendix C.1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkTensorArg, fail, sameShape, showShape, softplus, sumTrailing, toFloat } from '@genmod-internal/core';

/**
 * log p(x | l) = Σ_d [x_d·l_d − softplus(l_d)] = −BCEWithLogits(l, x) summed per example: stable at logits
 * ±50 and beyond, and defined for x in [0, 1] (the continuous relaxation some papers train on).
 *
 * @param x float32 `[B, ...]`, values in [0, 1]
 * @param logits float32, the shape of `x`: the decoder's output
 * @returns `[B]`, in nats
 * @see Kingma & Welling 2014, arXiv:1312.6114, appendix C.1
 * @example
 * ```ts
 * const x = tf.tensor2d([[1, 0, 1]]);
 * bernoulliLogLikelihood(x, tf.zeros([1, 3])).print(); // [−3·log 2 = −2.0794]
 * ```
 * @since 0.1.0
 */
export function bernoulliLogLikelihood(x: Tensor | TensorLike, logits: Tensor | TensorLike): Tensor {
  const fn = 'bernoulliLogLikelihood';
  const xs = checkTensorArg(fn, 'x', x, 1);
  const ls = checkTensorArg(fn, 'logits', logits, 1);
  if (!sameShape(xs, ls)) fail(fn, 'logits', `of the shape of x (${showShape(xs)})`, showShape(ls));
  return tf.tidy(fn, () => {
    const xt = toFloat(fn, 'x', x);
    const l = toFloat(fn, 'logits', logits);
    return sumTrailing(tf.sub(tf.mul(xt, l), softplus(l)), xt.rank - 1);
  });
}
