/**
 * Kullback–Leibler divergence, entropy and cross-entropy of (diagonal) normal laws, and the VAE's KL to
 * the standard normal.
 *
 * @see Kullback & Leibler 1951, "On Information and Sufficiency", Ann. Math. Statist. 22(1).
 * @see Kingma & Welling 2014, "Auto-Encoding Variational Bayes", ICLR, arXiv:1312.6114, Appendix B.
 * @see torch.distributions.kl_divergence(Normal, Normal), tfp.distributions.kl_divergence.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { toFloat } from '@genmod-internal/core';
import {
  broadcastShapes,
  checkEventRank,
  checkOptions,
  checkParamObject,
  checkPositiveValues,
  checkTensorArg,
  checkValidate,
  type ValidateOptions,
} from './internal/checks.js';
import { expm1MinusX, sumTrailing } from './internal/math.js';

/** A normal law N(loc, scale²) per element (a diagonal normal when an event axis is summed over). */
export interface NormalParams {
  /** mean μ */
  loc: Tensor | TensorLike;
  /** standard deviation σ > 0, broadcastable with `loc` */
  scale: Tensor | TensorLike;
}

export interface EventOptions extends ValidateOptions {
  /**
   * how many trailing axes form the event and are summed over: 0 (default) gives the elementwise value
   * (as `torch.distributions.Normal`), 1 the value of the diagonal normal over the last axis (as
   * `Independent(Normal, 1)` or `tfp.distributions.MultivariateNormalDiag`).
   */
  eventRank?: number;
}

const LOG_2PI_E = Math.log(2 * Math.PI) + 1;

function checkNormal(fn: string, arg: string, params: unknown, validate: boolean, needLoc = true): number[] {
  const p = checkParamObject(fn, arg, params, needLoc ? ['loc', 'scale'] : ['scale'], needLoc ? 'an object { loc, scale }' : 'an object { scale }');
  const scaleShape = checkTensorArg(fn, `${arg}.scale`, p.scale);
  let shape = scaleShape;
  if (p.loc !== undefined) shape = broadcastShapes(fn, `${arg}.loc and ${arg}.scale`, checkTensorArg(fn, `${arg}.loc`, p.loc), scaleShape);
  if (validate) checkPositiveValues(fn, `${arg}.scale`, p.scale!);
  return shape;
}

/** Validates p, q and the options; returns the event rank. */
function checkPair(fn: string, p: NormalParams, q: NormalParams, options: EventOptions): number {
  const validate = checkValidate(fn, options);
  const shape = broadcastShapes(fn, 'p and q', checkNormal(fn, 'p', p, validate), checkNormal(fn, 'q', q, validate));
  return checkEventRank(fn, options.eventRank, shape.length);
}

/**
 * KL(p‖q) between normal laws, elementwise (or summed over `eventRank` trailing axes: a diagonal normal):
 *
 *   KL = ½·[σ_p²/σ_q² + (μ_q − μ_p)²/σ_q² − 1 + log(σ_q²/σ_p²)]
 *      = ½·[(μ_p − μ_q)²/σ_q² + expm1(2r) − 2r],   r = log1p((σ_p − σ_q)/σ_q),
 *
 * the second form being the one computed, with expm1(x) − x summed as its Taylor series for |x| < 0.1:
 * accurate to float32 precision relative to the KL itself even when σ_p ≈ σ_q (where the first form
 * cancels to noise). Differentiable in all four parameters.
 *
 * @param p `{ loc, scale }`, any broadcastable shapes
 * @param q `{ loc, scale }`, broadcastable with p
 * @returns the broadcast shape, minus `eventRank` trailing axes
 * @see Kullback & Leibler 1951 · torch.distributions.kl._kl_normal_normal
 * @example
 * ```ts
 * const p = { loc: [0, 1], scale: [1, 2] };
 * const q = { loc: 0, scale: 1 };
 * klNormalNormal(p, q).print();                   // [0, 1.3069] elementwise
 * klNormalNormal(p, q, { eventRank: 1 }).print(); // 1.3069: the diagonal normal over the last axis
 * ```
 * @since 0.1.0
 */
export function klNormalNormal(p: NormalParams, q: NormalParams, options: EventOptions = {}): Tensor {
  const fn = 'klNormalNormal';
  options = checkOptions(fn, options);
  const eventRank = checkPair(fn, p, q, options);
  return tf.tidy(fn, () => {
    const [mp, sp, mq, sq] = [toFloat(fn, 'p.loc', p.loc), toFloat(fn, 'p.scale', p.scale), toFloat(fn, 'q.loc', q.loc), toFloat(fn, 'q.scale', q.scale)];
    // r = log(σ_p/σ_q) = log1p((σ_p − σ_q)/σ_q): σ_p − σ_q is exact when they are close
    const r = tf.log1p(tf.div(tf.sub(sp, sq), sq));
    const kl = tf.mul(tf.add(tf.square(tf.div(tf.sub(mp, mq), sq)), expm1MinusX(tf.mul(r, 2))), 0.5);
    return sumTrailing(kl, eventRank);
  });
}

/**
 * KL(N(μ, exp(logVar)) ‖ N(0, 1)) = ½·(σ² + μ² − 1 − log σ²), the VAE's regularizer, computed as
 * ½·(μ² + expm1(logVar) − logVar), accurate near the prior (see {@link klNormalNormal}). Elementwise unless `eventRank` sums the latent axis.
 *
 * @param loc the encoder mean μ, e.g. `[batch, latent]`
 * @param logVar the encoder log-variance log σ², broadcastable with `loc`
 * @returns the broadcast shape minus `eventRank` trailing axes (e.g. `[batch]` with `eventRank: 1`)
 * @see Kingma & Welling 2014, arXiv:1312.6114, Appendix B
 * @example
 * ```ts
 * const mu = tf.tensor2d([[0.5, -1]]);
 * const logVar = tf.tensor2d([[0, -2]]);
 * klStandardNormal(mu, logVar, { eventRank: 1 }).print(); // [≈ 1.193]: per-example KL, summed over the latent axis
 * ```
 * @since 0.1.0
 */
export function klStandardNormal(loc: Tensor | TensorLike, logVar: Tensor | TensorLike, options: Omit<EventOptions, 'validate'> = {}): Tensor {
  const fn = 'klStandardNormal';
  options = checkOptions(fn, options);
  const shape = broadcastShapes(fn, 'loc and logVar', checkTensorArg(fn, 'loc', loc), checkTensorArg(fn, 'logVar', logVar));
  const eventRank = checkEventRank(fn, options.eventRank, shape.length);
  return tf.tidy(fn, () => {
    const mu = toFloat(fn, 'loc', loc);
    const lv = toFloat(fn, 'logVar', logVar);
    return sumTrailing(tf.mul(tf.add(tf.square(mu), expm1MinusX(lv)), 0.5), eventRank);
  });
}

/**
 * The differential entropy H(p) = ½·log(2πe·σ²) of normal laws (it does not depend on μ), elementwise or
 * summed over `eventRank` trailing axes.
 *
 * @param p `{ scale }` (a `loc`, if present, only takes part in the broadcast shape)
 * @returns the broadcast shape minus `eventRank` trailing axes, in nats
 * @see Cover & Thomas 2006, Elements of Information Theory, §8.1
 * @example
 * ```ts
 * entropyNormal({ loc: 0, scale: [1, 2] }).print(); // [1.4189, 2.1121]
 * ```
 * @since 0.1.0
 */
export function entropyNormal(p: { loc?: Tensor | TensorLike; scale: Tensor | TensorLike }, options: EventOptions = {}): Tensor {
  const fn = 'entropyNormal';
  options = checkOptions(fn, options);
  const shape = checkNormal(fn, 'p', p, checkValidate(fn, options), false);
  const eventRank = checkEventRank(fn, options.eventRank, shape.length);
  return tf.tidy(fn, () => {
    let h = tf.add(tf.log(toFloat(fn, 'p.scale', p.scale)), 0.5 * LOG_2PI_E);
    if (p.loc !== undefined) h = tf.add(h, tf.zerosLike(toFloat(fn, 'p.loc', p.loc)));
    return sumTrailing(h, eventRank);
  });
}

/**
 * The cross-entropy H(p, q) = −E_p[log q(x)] = ½·log(2πσ_q²) + (σ_p² + (μ_p − μ_q)²)/(2σ_q²)
 * = H(p) + KL(p‖q), elementwise or summed over `eventRank` trailing axes.
 *
 * @param p `{ loc, scale }`
 * @param q `{ loc, scale }`, broadcastable with p
 * @returns the broadcast shape minus `eventRank` trailing axes, in nats
 * @see Cover & Thomas 2006, §2.3, §8.1
 * @example
 * ```ts
 * crossEntropyNormal({ loc: 0, scale: 1 }, { loc: 1, scale: 1 }).print(); // 1.4189 + 0.5
 * ```
 * @since 0.1.0
 */
export function crossEntropyNormal(p: NormalParams, q: NormalParams, options: EventOptions = {}): Tensor {
  const fn = 'crossEntropyNormal';
  options = checkOptions(fn, options);
  const eventRank = checkPair(fn, p, q, options);
  return tf.tidy(fn, () => {
    const [mp, sp, mq, sq] = [toFloat(fn, 'p.loc', p.loc), toFloat(fn, 'p.scale', p.scale), toFloat(fn, 'q.loc', q.loc), toFloat(fn, 'q.scale', q.scale)];
    const quad = tf.div(tf.add(tf.square(sp), tf.square(tf.sub(mp, mq))), tf.mul(tf.square(sq), 2));
    return sumTrailing(tf.add(tf.add(tf.log(sq), 0.5 * Math.log(2 * Math.PI)), quad), eventRank);
  });
}
