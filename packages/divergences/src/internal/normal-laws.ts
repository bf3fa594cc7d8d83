/**
 * The normal laws of the analytic functions: intake (plain `{ loc, scale }`, a NormalLaw, or an
 * IndependentLaw over one), the event rank, and log σ / log(σ_p/σ_q) computed without under- or overflow.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { broadcastShapes, checkTensorArg, fail, nonDifferentiable, toFloat } from '@genmod-internal/core';
import { checkParamObject, checkPositiveValues } from './checks.js';
import { normalSource, type NormalSource } from './laws.js';

export interface CheckedNormal extends NormalSource {
  /** the broadcast shape of loc and scale (the law's batch shape, event axes of an Independent law included) */
  shape: number[];
}

/** Checks a normal law (value checks only for plain parameters: a law checked its own). Allocates nothing. */
export function checkNormal(fn: string, arg: string, params: unknown, validate: boolean, needLoc = true): CheckedNormal {
  const src = normalSource(fn, arg, params);
  if (!src.law) checkParamObject(fn, arg, params, needLoc ? ['loc', 'scale'] : ['scale'], needLoc ? 'an object { loc, scale }' : 'an object { scale }', ['loc', 'scale', 'family']);
  const scaleShape = checkTensorArg(fn, `${arg}.scale`, src.scale);
  let shape = scaleShape;
  if (src.loc !== undefined) shape = broadcastShapes(fn, `${arg}.loc and ${arg}.scale`, checkTensorArg(fn, `${arg}.loc`, src.loc), scaleShape);
  if (src.eventNdims > shape.length) fail(fn, `${arg}.reinterpretedBatchNdims`, `at most the rank ${shape.length} of the base law's batch shape`, src.eventNdims);
  if (validate && !src.law) checkPositiveValues(fn, `${arg}.scale`, src.scale!);
  return { ...src, shape };
}

/**
 * The number of trailing axes summed over: `options.eventRank` when given, else the laws' own event rank (an
 * Independent law's reinterpretedBatchNdims, 0 for a Normal or plain parameters). An explicit eventRank may
 * sum more axes, never fewer than a law's event axes.
 */
export function eventRankOf(fn: string, eventRank: unknown, rank: number, laws: readonly CheckedNormal[]): number {
  const own = Math.max(0, ...laws.map((l) => l.eventNdims));
  if (eventRank === undefined) return own;
  if (typeof eventRank !== 'number' || !Number.isInteger(eventRank) || eventRank < own || eventRank > rank) {
    const why = own > 0 ? `, at least the ${own} event axes of an Independent law` : '';
    fail(fn, 'options.eventRank', `an integer in [${own}, ${rank}] (the number of trailing axes to sum over${why})`, eventRank);
  }
  return eventRank;
}

/** log σ (inside a tidy): the law's `logStddev()`, or log(scale). */
export function logScaleOf(fn: string, arg: string, n: CheckedNormal): Tensor {
  return n.law ? n.law.logStddev() : tf.log(toFloat(fn, `${arg}.scale`, n.scale!));
}

/**
 * r = log σ_p − log σ_q (inside a tidy). From a law, the difference of the `logStddev()`s; from two plain scales
 * that nearly agree (|u| < 0.2, u = (σ_p − σ_q)/(σ_p + σ_q), i.e. σ_p/σ_q in (2/3, 3/2)), r = 2·atanh(u) by its
 * odd series 2u·Σ_k u^(2k)/(2k + 1) to u¹²/13 (truncation < 1e−10 relative): exact where the difference of two
 * float32 logarithms loses the digits that matter, and free of any backend's log1p (tfjs-backend-wasm's is
 * log(1 + x), off by percents at x ~ 1e−6). Elsewhere log σ_p − log σ_q.
 * u is formed from σ_p/c and σ_q/c, c a constant power of two near max(σ_p, σ_q) (u does not depend on it, and σ/c is
 * exact): dividing by
 * σ_p + σ_q itself squares it in the gradient, which underflows float32 for σ below 1e−19 (NaN at σ = 1e−30).
 * The unused branch gets harmless inputs, so no NaN reaches a gradient.
 */
export function logScaleRatio(fn: string, p: CheckedNormal, q: CheckedNormal): Tensor {
  const far = tf.sub(logScaleOf(fn, 'p', p), logScaleOf(fn, 'q', q));
  if (p.law || q.law) return far;
  const sp = tf.add(toFloat(fn, 'p.scale', p.scale!), tf.zerosLike(far));
  const sq = tf.add(toFloat(fn, 'q.scale', q.scale!), tf.zerosLike(far));
  const near = nonDifferentiable((a, b) => tf.less(tf.abs(tf.div(tf.sub(a, b), tf.add(a, b))), 0.2), sp, sq);
  const one = tf.onesLike(far);
  // c: a power of two near max(σ_p, σ_q), so that σ/c is exact (any other divisor rounds σ_q/c, and with it u)
  const c = nonDifferentiable((a, b) => tf.where(near, tf.pow(2, tf.floor(tf.div(tf.log(tf.maximum(a, b)), Math.LN2))), one), sp, sq);
  const [a, b] = [tf.div(tf.where(near, sp, one), c), tf.div(tf.where(near, sq, one), c)];
  const u = tf.div(tf.sub(a, b), tf.add(a, b));
  const u2 = tf.square(u);
  let series = tf.fill(u.shape, 1 / 13);
  for (const k of [11, 9, 7, 5, 3, 1]) series = tf.add(tf.mul(series, u2), 1 / k);
  return tf.where(near, tf.mul(tf.mul(u, series), 2), far);
}
