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
import { broadcastShapes, checkOptions, checkTensorArg, HALF_LOG_TWO_PI, normalKlLogScale, sumTrailing, toFloat, type IndependentLaw, type NormalLaw } from '@genmod-internal/core';
import { checkEventRank, checkValidate, type ValidateOptions } from './internal/checks.js';
import { checkNormal, eventRankOf, logScaleOf, logScaleRatio, type CheckedNormal } from './internal/normal-laws.js';

/**
 * A normal law N(loc, scale²) per element (a diagonal normal when an event axis is summed over), as a plain
 * object. `family` is absent: an object with a family tag is read as a distribution.
 */
export interface NormalParams {
  /** mean μ */
  loc: Tensor | TensorLike;
  /** standard deviation σ > 0, broadcastable with `loc` */
  scale: Tensor | TensorLike;
  family?: undefined;
}

/**
 * A normal law as the Normal functions take it: plain `{ loc, scale }`, a distribution of family 'Normal'
 * (its `loc`, and its exact `logStddev()`), or an `Independent` law over one (its reinterpreted batch axes
 * are event axes, summed).
 * @since 0.1.0
 */
export type NormalLike = NormalParams | NormalLaw | IndependentLaw<NormalLaw>;

export interface EventOptions extends ValidateOptions {
  /**
   * how many trailing axes form the event and are summed over: 0 (default for plain parameters and Normal
   * laws) gives the elementwise value (as `torch.distributions.Normal`), 1 the value of the diagonal normal
   * over the last axis (as `Independent(Normal, 1)` or `tfp.distributions.MultivariateNormalDiag`). For an
   * `Independent` law the default is its `reinterpretedBatchNdims` (the larger of the two laws'), and a
   * smaller eventRank is refused (its event axes are summed by definition).
   */
  eventRank?: number;
}

const EVENT_KEYS = ['validate', 'eventRank'] as const;

/** Validates p, q and the options; returns the checked laws and the event rank. */
function checkPair(fn: string, p: unknown, q: unknown, options: EventOptions): { cp: CheckedNormal; cq: CheckedNormal; eventRank: number } {
  const validate = checkValidate(fn, options);
  const cp = checkNormal(fn, 'p', p, validate);
  const cq = checkNormal(fn, 'q', q, validate);
  const shape = broadcastShapes(fn, 'p and q', cp.shape, cq.shape);
  return { cp, cq, eventRank: eventRankOf(fn, options.eventRank, shape.length, [cp, cq]) };
}

/** d = (μ_p − μ_q)·e^(−log σ_q) (inside a tidy). */
function standardizedShift(fn: string, cp: CheckedNormal, cq: CheckedNormal): Tensor {
  return tf.mul(tf.sub(toFloat(fn, 'p.loc', cp.loc!), toFloat(fn, 'q.loc', cq.loc!)), tf.exp(tf.neg(logScaleOf(fn, 'q', cq))));
}

/** KL(p‖q) elementwise (inside a tidy), by core's normalKlLogScale on the standardized pair. */
function klElementwise(fn: string, cp: CheckedNormal, cq: CheckedNormal): Tensor {
  // KL(N(μ_p, σ_p²) ‖ N(μ_q, σ_q²)) = KL(N((μ_p − μ_q)/σ_q, (σ_p/σ_q)²) ‖ N(0, 1)): d and r = log(σ_p/σ_q)
  return normalKlLogScale(standardizedShift(fn, cp, cq), logScaleRatio(fn, cp, cq), 0, 0);
}

/**
 * H(p, q) elementwise (inside a tidy): log σ_q + ½·log 2π + ½·(d² + e^(2r)), r = log σ_p − log σ_q. The sum
 * H(p) + KL(p‖q) computed as such would cancel in its gradient: ∂/∂σ_p = 1/σ_p + expm1(2r)/σ_p loses every
 * digit when σ_p ≪ σ_q, where the true value e^(2r)/σ_p is small.
 */
function crossEntropyElementwise(fn: string, cp: CheckedNormal, cq: CheckedNormal): Tensor {
  const d = standardizedShift(fn, cp, cq);
  const r = logScaleRatio(fn, cp, cq);
  const quad = tf.mul(tf.add(tf.square(d), tf.exp(tf.mul(r, 2))), 0.5);
  return tf.add(tf.add(quad, logScaleOf(fn, 'q', cq)), HALF_LOG_TWO_PI);
}

/** H(p) elementwise (inside a tidy): log σ + ½·log(2πe), broadcast with loc when there is one. */
function entropyElementwise(fn: string, cp: CheckedNormal): Tensor {
  const h = tf.add(logScaleOf(fn, 'p', cp), HALF_LOG_TWO_PI + 0.5);
  return cp.loc === undefined ? h : tf.add(h, tf.zerosLike(toFloat(fn, 'p.loc', cp.loc)));
}

/**
 * KL(p‖q) between normal laws, elementwise (or summed over `eventRank` trailing axes: a diagonal normal):
 *
 *   KL = ½·[σ_p²/σ_q² + (μ_q − μ_p)²/σ_q² − 1 + log(σ_q²/σ_p²)]
 *      = ½·[((μ_p − μ_q)·e^(−log σ_q))² + expm1(2r) − 2r],   r = log σ_p − log σ_q,
 *
 * the second (log-scale) form being the one computed (core's `normalKlLogScale`), with expm1(x) − x by its
 * Taylor series near 0 and no division by σ: exact when σ_p ≈ σ_q (r from log1p((σ_p − σ_q)/σ_q) for plain
 * scales, from the laws' `logStddev()` for distributions), finite with finite gradients for σ_p/σ_q from
 * 1e−30 to 1e30, +Infinity only where the true KL overflows float32. Differentiable in all four parameters.
 * Valid range of the gradient: where the KL itself overflows float32 (σ_p/σ_q ≳ 1.3e19), the gradient with
 * respect to the scales is ±Infinity (NaN for plain scales), even where the true gradient (σ_p/σ_q² − 1/σ_p)
 * is still finite.
 *
 * @param p `{ loc, scale }` (any broadcastable shapes), a distribution of family 'Normal', or an
 *   `Independent` law over one (its reinterpreted axes are summed: see {@link EventOptions.eventRank})
 * @param q the same, broadcastable with p
 * @returns the broadcast shape, minus `eventRank` trailing axes
 * @throws for a distribution of another family: `klNormalNormal: p must be a Normal law (…), got a Gumbel distribution`
 * @see Kullback & Leibler 1951 · torch.distributions.kl._kl_normal_normal
 * @example
 * ```ts
 * const p = { loc: [0, 1], scale: [1, 2] };
 * const q = { loc: 0, scale: 1 };
 * klNormalNormal(p, q).print();                   // [0, 1.3069] elementwise
 * klNormalNormal(p, q, { eventRank: 1 }).print(); // 1.3069: the diagonal normal over the last axis
 * klNormalNormal({ loc: 0, scale: 1e-20 }, q).print(); // 45.55: finite where σ_p/σ_q underflows
 * ```
 * @since 0.1.0
 */
export function klNormalNormal(p: NormalLike, q: NormalLike, options: EventOptions = {}): Tensor {
  const fn = 'klNormalNormal';
  options = checkOptions(fn, options, EVENT_KEYS);
  const { cp, cq, eventRank } = checkPair(fn, p, q, options);
  return tf.tidy(fn, () => sumTrailing(klElementwise(fn, cp, cq), eventRank));
}

/**
 * KL(N(μ, exp(logVar)) ‖ N(0, 1)) = ½·(σ² + μ² − 1 − log σ²), the VAE's regularizer, computed as
 * ½·(μ² + expm1(logVar) − logVar), accurate near the prior (see {@link klNormalNormal}). Elementwise unless
 * `eventRank` sums the latent axis. Also takes a normal law instead of (loc, logVar): `klStandardNormal(p, options)`
 * is KL(p ‖ N(0, 1)) for `{ loc, scale }`, a 'Normal' distribution or an `Independent` law over one.
 *
 * Valid range: the value is +Infinity where the true KL overflows float32 (logVar ≳ 88, σ ≳ 1.3e19); the
 * gradient is then ±Infinity as well, even where the true gradient (σ − 1/σ for a law with `scale`) is finite.
 *
 * @param loc the encoder mean μ, e.g. `[batch, latent]` (or the law p)
 * @param logVar the encoder log-variance log σ², broadcastable with `loc`
 * @returns the broadcast shape minus `eventRank` trailing axes (e.g. `[batch]` with `eventRank: 1`)
 * @see Kingma & Welling 2014, arXiv:1312.6114, Appendix B
 * @example
 * ```ts
 * const mu = tf.tensor2d([[0.5, -1]]);
 * const logVar = tf.tensor2d([[0, -2]]);
 * klStandardNormal(mu, logVar, { eventRank: 1 }).print(); // [≈ 1.193]: per-example KL, summed over the latent axis
 * klStandardNormal({ loc: [0.5, -1], scale: [1, Math.exp(-1)] }, { eventRank: 1 }).print(); // the same, from a law
 * ```
 * @since 0.1.0
 */
export function klStandardNormal(loc: Tensor | TensorLike, logVar: Tensor | TensorLike, options?: Omit<EventOptions, 'validate'>): Tensor;
export function klStandardNormal(p: NormalLike, options?: EventOptions): Tensor;
export function klStandardNormal(a: Tensor | TensorLike | NormalLike, b?: Tensor | TensorLike | EventOptions, c?: EventOptions): Tensor {
  const fn = 'klStandardNormal';
  if (a !== null && typeof a === 'object' && !Array.isArray(a) && !(a instanceof tf.Tensor) && !ArrayBuffer.isView(a)) {
    const options = checkOptions(fn, b as EventOptions | undefined, EVENT_KEYS);
    const cp = checkNormal(fn, 'p', a, checkValidate(fn, options));
    const eventRank = eventRankOf(fn, options.eventRank, cp.shape.length, [cp]);
    return tf.tidy(fn, () => sumTrailing(normalKlLogScale(toFloat(fn, 'p.loc', cp.loc!), logScaleOf(fn, 'p', cp), 0, 0), eventRank));
  }
  const [loc, logVar] = [a as Tensor | TensorLike, b as Tensor | TensorLike];
  const options = checkOptions(fn, c, ['eventRank']);
  const shape = broadcastShapes(fn, 'loc and logVar', checkTensorArg(fn, 'loc', loc), checkTensorArg(fn, 'logVar', logVar));
  const eventRank = checkEventRank(fn, options.eventRank, shape.length);
  return tf.tidy(fn, () => sumTrailing(normalKlLogScale(toFloat(fn, 'loc', loc), tf.mul(toFloat(fn, 'logVar', logVar), 0.5), 0, 0), eventRank));
}

/**
 * The differential entropy H(p) = ½·log(2πe·σ²) = log σ + ½·log(2πe) of normal laws (it does not depend on
 * μ), elementwise or summed over `eventRank` trailing axes.
 *
 * @param p `{ scale }` (a `loc`, if present, only takes part in the broadcast shape), a 'Normal'
 *   distribution (its `logStddev()`), or an `Independent` law over one
 * @returns the broadcast shape minus `eventRank` trailing axes, in nats
 * @see Cover & Thomas 2006, Elements of Information Theory, §8.1
 * @example
 * ```ts
 * entropyNormal({ loc: 0, scale: [1, 2] }).print(); // [1.4189, 2.1121]
 * ```
 * @since 0.1.0
 */
export function entropyNormal(p: { loc?: Tensor | TensorLike; scale: Tensor | TensorLike; family?: undefined } | NormalLaw | IndependentLaw<NormalLaw>, options: EventOptions = {}): Tensor {
  const fn = 'entropyNormal';
  options = checkOptions(fn, options, EVENT_KEYS);
  const cp = checkNormal(fn, 'p', p, checkValidate(fn, options), false);
  const eventRank = eventRankOf(fn, options.eventRank, cp.shape.length, [cp]);
  return tf.tidy(fn, () => sumTrailing(entropyElementwise(fn, cp), eventRank));
}

/**
 * The cross-entropy H(p, q) = −E_p[log q(x)] = ½·log(2πσ_q²) + (σ_p² + (μ_p − μ_q)²)/(2σ_q²)
 * = H(p) + KL(p‖q), elementwise or summed over `eventRank` trailing axes; computed as
 * log σ_q + ½·log 2π + ½·(((μ_p − μ_q)·e^(−log σ_q))² + e^(2r)), r = log σ_p − log σ_q (see {@link klNormalNormal}),
 * whose gradients do not cancel when σ_p ≪ σ_q. Valid range of the gradient: as for {@link klNormalNormal},
 * ±Infinity (NaN for plain scales) where H(p, q) itself overflows float32 (σ_p/σ_q ≳ 1.3e19).
 *
 * @param p `{ loc, scale }`, a 'Normal' distribution or an `Independent` law over one
 * @param q the same, broadcastable with p
 * @returns the broadcast shape minus `eventRank` trailing axes, in nats
 * @see Cover & Thomas 2006, §2.3, §8.1
 * @example
 * ```ts
 * crossEntropyNormal({ loc: 0, scale: 1 }, { loc: 1, scale: 1 }).print(); // 1.4189 + 0.5
 * ```
 * @since 0.1.0
 */
export function crossEntropyNormal(p: NormalLike, q: NormalLike, options: EventOptions = {}): Tensor {
  const fn = 'crossEntropyNormal';
  options = checkOptions(fn, options, EVENT_KEYS);
  const { cp, cq, eventRank } = checkPair(fn, p, q, options);
  return tf.tidy(fn, () => sumTrailing(crossEntropyElementwise(fn, cp, cq), eventRank));
}
