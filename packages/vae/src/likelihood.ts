/**
 * The decoder's observation model as a value: a function from the data and the decoder's output to the
 * per-example log-likelihood.
 *
 * @see Kingma & Welling 2014, "Auto-Encoding Variational Bayes", ICLR, arXiv:1312.6114, appendix C.
 */
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * log p(x | z) from the decoder's output: `(x [B, ...], decoded [B, ...]) → [B]`, summed over every axis
 * but the first. {@link bernoulliLogLikelihood} is one; {@link gaussianLikelihood} and
 * {@link discretizedLogisticLikelihood} make others.
 *
 * @example
 * ```ts
 * const likelihood: Likelihood = bernoulliLogLikelihood;
 * likelihood(tf.tensor2d([[1, 0]]), tf.tensor2d([[2, -1]])); // [1]
 * ```
 * @since 0.1.0
 */
export type Likelihood = (x: Tensor, decoded: Tensor) => Tensor;
