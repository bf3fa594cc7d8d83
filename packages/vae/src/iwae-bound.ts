/**
 * The importance-weighted bound (IWAE).
 *
 * @see Burda, Grosse & Salakhutdinov 2016, "Importance Weighted Autoencoders", ICLR, arXiv:1509.00519.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkAxis, checkInteger, checkTensorArg, toFloat } from '@genmod-internal/core';
import { logMeanExpAlong } from './internal/checks.js';
import { MODEL_KEYS, checkModel, drawLatents, encodeChecked, logLikelihood, logPosterior, logPrior, type ModelOptions } from './internal/latents.js';

/** Options of {@link iwaeBound}. @since 0.1.0 */
export interface IwaeOptions extends ModelOptions {
  /** k ≥ 1, the number of importance samples per example (k = 1 is the ELBO with a Monte Carlo KL) */
  k: number;
}

/** What {@link iwaeBound} returns. @since 0.1.0 */
export interface IwaeResult {
  /** the per-example bound L_k(x) ≤ log p(x), `[B]`, in nats; −L_k with large k estimates the NLL */
  bound: Tensor;
  /** −mean_batch L_k: the IWAE training loss */
  loss: tf.Scalar;
  /** the log importance weights log w_i = log p(x|z_i) + log p(z_i) − log q(z_i|x), `[k, B]` */
  logWeights: Tensor;
}

const IWAE_KEYS = [...MODEL_KEYS, 'k'];

/**
 * The importance-weighted lower bound
 *
 *   L_k(x) = E_{z_1..k ~ q(z|x)} [log (1/k)·Σ_i p(x, z_i)/q(z_i|x)],
 *
 * which satisfies ELBO = L_1 ≤ L_k ≤ L_{k+1} ≤ log p(x) and tends to log p(x) as k → ∞ (Burda et al.
 * 2016, Theorem 1). Used for evaluation (the NLL reported on MNIST is −L_k with k = 5000 in the paper,
 * k ≥ 100 in practice) and as a training objective (differentiable: the reparameterized gradient).
 * Computed with a log-sum-exp.
 *
 * @returns `{ bound [B], loss (scalar), logWeights [k, B] }`
 * @see Burda, Grosse & Salakhutdinov 2016, arXiv:1509.00519
 * @example
 * ```ts
 * const w = tf.variable(tf.randomNormal([2, 6], 0, 0.1, 'float32', 1));
 * const x = tf.tensor2d([[1, 0, 1, 1, 0, 0]]);
 * const encode = (x: tf.Tensor) => ({ loc: tf.zeros([x.shape[0]!, 2]), logVar: tf.zeros([x.shape[0]!, 2]) });
 * const { bound } = iwaeBound({ x, encode, decode: (z) => tf.matMul(z, w), likelihood: bernoulliLogLikelihood, k: 64, seed: 0 });
 * ```
 * @since 0.1.0
 */
export function iwaeBound(options: IwaeOptions): IwaeResult {
  const fn = 'iwaeBound';
  const { seed } = checkModel(fn, options, IWAE_KEYS);
  const k = checkInteger(fn, 'options.k', options.k, { min: 1 });
  return tf.tidy(fn, () => {
    const x = toFloat(fn, 'options.x', options.x);
    const q = encodeChecked(fn, options.encode, x);
    const z = drawLatents(fn, q, k, seed, options.noise);
    const logWeights = tf.sub(tf.add(logLikelihood(fn, options, x, z), logPrior(fn, options.prior, z)), logPosterior(fn, q, z));
    const bound = logMeanExpAlong(logWeights, 0);
    return { bound, loss: tf.neg(tf.mean(bound)) as tf.Scalar, logWeights };
  });
}

/**
 * log((1/k)·Σ_i exp(x_i)) along an axis, stable (a log-sum-exp): the IWAE bound from log-weights. −Infinity
 * entries (weights of exactly 0) drop out, and all −Infinity gives −Infinity.
 *
 * @param x float32, any shape; `axis` default 0
 * @returns x's shape without `axis`
 * @see Burda et al. 2016, arXiv:1509.00519, Eq. 8
 * @example
 * ```ts
 * logMeanExp(tf.tensor1d([-100, -101, -99])).print(); // ≈ −99.69
 * ```
 * @since 0.1.0
 */
export function logMeanExp(x: Tensor | tf.TensorLike, axis = 0): Tensor {
  const fn = 'logMeanExp';
  const shape = checkTensorArg(fn, 'x', x, 1);
  const a = checkAxis(fn, axis, shape.length);
  return tf.tidy(fn, () => logMeanExpAlong(toFloat(fn, 'x', x), a));
}
