/**
 * The shared representation of discrete laws (Categorical over the last axis, Bernoulli as two classes):
 * probabilities, log-probabilities made safe on the complement of the support, and the support itself.
 * With it every discrete divergence follows 0·log 0 = 0 and stays finite (with finite gradients) at
 * logits ±1e4 and −Infinity masks.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { broadcastShapes, checkOptions, checkTensorArg, fail, nonDifferentiable, toFloat, type BernoulliLaw, type CategoricalLaw } from '@genmod-internal/core';
import { checkBase, checkParamObject, checkProbValues, checkValidate } from './checks.js';
import { discreteSource } from './laws.js';

/**
 * A discrete law given by unnormalized log-probabilities or by probabilities (exactly one of them), as a
 * plain object (`family` absent: an object with a family tag is read as a distribution).
 */
export type DiscreteParams =
  | { logits: Tensor | TensorLike; probs?: undefined; family?: undefined }
  | { probs: Tensor | TensorLike; logits?: undefined; family?: undefined };

/** A categorical law: plain `{ logits } | { probs }` or a distribution of family 'Categorical'. @since 0.1.0 */
export type CategoricalLike = DiscreteParams | CategoricalLaw;

/** A Bernoulli law: plain `{ logits } | { probs }` or a distribution of family 'Bernoulli'. @since 0.1.0 */
export type BernoulliLike = DiscreteParams | BernoulliLaw;

export type DiscreteFamily = 'Categorical' | 'Bernoulli';

export interface CheckedDiscrete {
  key: 'logits' | 'probs';
  value: Tensor | TensorLike;
  shape: number[];
}

/**
 * Validates `{ logits } | { probs }` or a law of `family` before any allocation (probabilities in [0, 1]
 * when `validate`, for plain objects: a law checked its own parameters).
 */
export function checkDiscrete(fn: string, arg: string, params: unknown, validate: boolean, family: DiscreteFamily): CheckedDiscrete {
  const src = discreteSource(fn, arg, params, family);
  const minRank = family === 'Categorical' ? 1 : 0;
  const p = checkParamObject(fn, arg, src.params, [], 'an object with exactly one of `logits` or `probs`', ['logits', 'probs', 'family']);
  const hasLogits = p.logits !== undefined;
  const hasProbs = p.probs !== undefined;
  if (hasLogits === hasProbs) fail(fn, arg, 'an object with exactly one of `logits` or `probs`', hasLogits ? 'both' : 'neither');
  const key = hasLogits ? 'logits' : 'probs';
  const value = p[key]!;
  const shape = checkTensorArg(fn, `${arg}.${key}`, value);
  if (shape.length < minRank) fail(fn, `${arg}.${key}`, `a tensor of rank ≥ ${minRank}${minRank ? ' with the classes on the last axis (shape [..., K])' : ''}`, value);
  if (key === 'probs' && validate && !src.law) checkProbValues(fn, `${arg}.probs`, value);
  return { key, value, shape };
}

/** Two categorical laws over the same classes: the broadcast shape `[...batch, K]`. */
export function checkSameClasses(fn: string, p: CheckedDiscrete, q: CheckedDiscrete, names = 'p and q'): number[] {
  const kp = p.shape[p.shape.length - 1];
  const kq = q.shape[q.shape.length - 1];
  if (kp !== kq) fail(fn, names, 'laws over the same number of classes (last axis)', `${kp} and ${kq} classes`);
  return broadcastShapes(fn, `${names}`, p.shape, q.shape);
}

export interface LogProbs {
  /** probabilities */
  p: Tensor;
  /** log-probabilities, replaced by 0 off the support (so that no −Infinity or NaN reaches a gradient) */
  logp: Tensor;
  /** bool, p > 0 (a constant: built from `raw` inside nonDifferentiable) */
  support: Tensor;
  /** the float tensor the support is read from: log-probabilities (`isLog`) or probabilities */
  raw: Tensor;
  isLog: boolean;
}

/** p > 0, read from log-probabilities (> −Infinity) or probabilities (> 0). */
function positive(raw: Tensor, isLog: boolean): Tensor {
  return isLog ? tf.greater(raw, -Infinity) : tf.greater(raw, 0);
}

/** Categorical log-probabilities along the last axis. Call inside a tidy. */
export function categorical(fn: string, arg: string, c: CheckedDiscrete): LogProbs {
  const x = toFloat(fn, `${arg}.${c.key}`, c.value);
  if (c.key === 'logits') {
    return fromLogs(tf.logSoftmax(x));
  }
  return fromProbs(x);
}

/** Bernoulli laws as two classes on a new last axis: [P(0), P(1)]. Call inside a tidy. */
export function bernoulli(fn: string, arg: string, c: CheckedDiscrete): LogProbs {
  const x = toFloat(fn, `${arg}.${c.key}`, c.value);
  if (c.key === 'logits') {
    // log σ(l) = −softplus(−l), log(1 − σ(l)) = −softplus(l): exact at |l| = 1e4, −Infinity at l = ∓Infinity
    return fromLogs(tf.stack([tf.neg(tf.softplus(x)), tf.neg(tf.softplus(tf.neg(x)))], -1));
  }
  return fromProbs(tf.stack([tf.sub(1, x), x], -1));
}

function fromLogs(ls: Tensor): LogProbs {
  const support = nonDifferentiable((l) => positive(l, true), ls);
  return { p: tf.exp(ls), logp: tf.where(support, ls, tf.zerosLike(ls)), support, raw: ls, isLog: true };
}

function fromProbs(p: Tensor): LogProbs {
  const support = nonDifferentiable((v) => positive(v, false), p);
  return { p, logp: tf.log(tf.where(support, p, tf.onesLike(p))), support, raw: p, isLog: false };
}

/** Σ p·(log p − log q) per class, 0 off the support of p, +Infinity where q = 0 < p. */
export function klTerms(P: LogProbs, Q: LogProbs): Tensor {
  const term = tf.where(P.support, tf.mul(P.p, tf.sub(P.logp, Q.logp)), tf.zerosLike(P.p));
  return withInfinity(term, P, Q);
}

/** −p·log q per class, 0 off the support of p, +Infinity where q = 0 < p. */
export function crossEntropyTerms(P: LogProbs, Q: LogProbs): Tensor {
  const term = tf.where(P.support, tf.neg(tf.mul(P.p, Q.logp)), tf.zerosLike(P.p));
  return withInfinity(term, P, Q);
}

function withInfinity(term: Tensor, P: LogProbs, Q: LogProbs): Tensor {
  // masks are built from float tensors inside nonDifferentiable: tfjs-core has no gradient for
  // LogicalAnd, and a custom gradient cannot take bool inputs
  const infinite = nonDifferentiable((a, b) => tf.logicalAnd(positive(a, P.isLog), tf.logicalNot(positive(b, Q.isLog))), P.raw, Q.raw);
  return tf.where(infinite, tf.fill(term.shape, Infinity), term);
}

/** −p·log p per class (0·log 0 = 0). */
export function entropyTerms(P: LogProbs): Tensor {
  return tf.where(P.support, tf.neg(tf.mul(P.p, P.logp)), tf.zerosLike(P.p));
}

/** The mixture m = (p + q)/2, computed in log space (stable when p or q underflows). */
export function midpoint(P: LogProbs, Q: LogProbs): LogProbs {
  const floor = tf.scalar(-1e30);
  const a = tf.where(P.support, P.logp, tf.broadcastTo(floor, P.logp.shape));
  const b = tf.where(Q.support, Q.logp, tf.broadcastTo(floor, Q.logp.shape));
  const m = nonDifferentiable((u, v) => tf.maximum(u, v), a, b);
  const logm = tf.add(m, tf.log(tf.mul(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m))), 0.5)));
  // finite everywhere (≈ −1e30 where both p and q are 0); only read where p > 0 or q > 0
  const support = nonDifferentiable((l) => positive(l, true), logm);
  return { p: tf.mul(tf.add(P.p, Q.p), 0.5), logp: logm, support, raw: logm, isLog: true };
}

/** The options of the discrete divergences with a log base. */
export const DISCRETE_KEYS = ['validate', 'base'] as const;

/**
 * The argument checks every two-argument discrete divergence shares: the options, then p and q (Bernoulli:
 * shapes that broadcast; categorical: the same number of classes), then the log base's factor.
 */
export function checkDiscretePair(
  fn: string,
  p: unknown,
  q: unknown,
  options: { validate?: boolean; base?: unknown } | undefined,
  family: DiscreteFamily,
  keys: readonly string[] = DISCRETE_KEYS,
): { cp: CheckedDiscrete; cq: CheckedDiscrete; factor: number } {
  const opts = checkOptions(fn, options, keys);
  const validate = checkValidate(fn, opts);
  const factor = checkBase(fn, opts.base);
  const cp = checkDiscrete(fn, 'p', p, validate, family);
  const cq = checkDiscrete(fn, 'q', q, validate, family);
  if (family === 'Bernoulli') broadcastShapes(fn, 'p and q', cp.shape, cq.shape);
  else checkSameClasses(fn, cp, cq);
  return { cp, cq, factor };
}
