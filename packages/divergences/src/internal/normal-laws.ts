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
  if (!src.law) checkParamObject(fn, arg, params, needLoc ? ['loc', 'scale'] : ['scale'], needLoc ? 'an object { loc, scale }' : 'an object { scale }');
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
 * r = log σ_p − log σ_q (inside a tidy). From two laws, the difference of their `logStddev()`; from plain
 * scales, log1p((σ_p − σ_q)/σ_q) where |σ_p/σ_q − 1| < ½ (exact when the scales nearly agree, where the
 * difference of two float32 logarithms would lose the digits that matter) and log σ_p − log σ_q elsewhere.
 * The unused branch gets harmless inputs, so no NaN reaches a gradient.
 */
export function logScaleRatio(fn: string, p: CheckedNormal, q: CheckedNormal): Tensor {
  const far = tf.sub(logScaleOf(fn, 'p', p), logScaleOf(fn, 'q', q));
  if (p.law || q.law) return far;
  const sp = toFloat(fn, 'p.scale', p.scale!);
  const sq = toFloat(fn, 'q.scale', q.scale!);
  const near = nonDifferentiable((a, b) => tf.less(tf.abs(tf.sub(tf.div(a, b), 1)), 0.5), sp, sq);
  const one = tf.onesLike(far);
  const spSafe = tf.where(near, tf.add(sp, tf.zerosLike(far)), one);
  const sqSafe = tf.where(near, tf.add(sq, tf.zerosLike(far)), one);
  return tf.where(near, tf.log1p(tf.div(tf.sub(spSafe, sqSafe), sqSafe)), far);
}
