/**
 * The NWJ (f-divergence, KL form) variational lower bound on KL, as a loss for the critic.
 *
 * @see Nguyen, Wainwright & Jordan 2010, "Estimating Divergence Functionals and the Likelihood Ratio by Convex Risk Minimization", IEEE Trans. Inf. Theory 56(11).
 * @see Nowozin, Cseke & Tomioka 2016, "f-GAN", NeurIPS, arXiv:1606.00709 (the KL row of Table 2).
 * @see Poole et al. 2019, "On Variational Bounds of Mutual Information", ICML, arXiv:1905.06922 (I_NWJ).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkTensorArg, fail, toFloat } from '@genmod-internal/core';

/**
 * The negated NWJ bound, to minimize over a critic T:
 *
 *   KL(P‖Q) ≥ E_P[T(x)] − E_Q[exp(T(x) − 1)]   for every T,   with equality at T* = 1 + log(p/q),
 *
 * so −(mean T(x_P) − mean exp(T(x_Q) − 1)) is a loss whose minimum is −KL(P‖Q); `−loss` is the KL estimate
 * (and with P the joint and Q the product of marginals, a lower bound on mutual information).
 *
 * @param criticOnP T on samples of P (any shape); `criticOnQ` T on samples of Q
 * @returns a scalar loss
 * @see Nguyen, Wainwright & Jordan 2010 · Nowozin et al. 2016 · Poole et al. 2019
 * @example
 * ```ts
 * nwjLoss([1, 1], [1, 1]).print(); // −(1 − 1) = 0: the constant critic T = 1 proves KL ≥ 0
 * ```
 * @since 0.1.0
 */
export function nwjLoss(criticOnP: Tensor | TensorLike, criticOnQ: Tensor | TensorLike): tf.Scalar {
  const fn = 'nwjLoss';
  for (const [arg, x] of [['criticOnP', criticOnP], ['criticOnQ', criticOnQ]] as const) {
    if (checkTensorArg(fn, arg, x).reduce((s, d) => s * d, 1) === 0) fail(fn, arg, 'non-empty', x);
  }
  return tf.tidy(fn, () => tf.sub(tf.mean(tf.exp(tf.sub(toFloat(fn, 'criticOnQ', criticOnQ), 1))), tf.mean(toFloat(fn, 'criticOnP', criticOnP))) as tf.Scalar);
}
