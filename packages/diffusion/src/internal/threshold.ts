import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkNumber, checkObject, checkOptions, nonDifferentiable, oneHotFloat } from '@genmod-internal/core';
import type { DynamicThresholdOptions } from '../dynamic-threshold.js';

/** The checked options of dynamic thresholding (`arg` names the bag: `options` or `options.dynamicThreshold`). */
export function checkDynamicThreshold(fn: string, options: unknown, arg: string): { percentile: number; maxValue: number } {
  checkObject(fn, arg, options, 'an object { percentile?, maxValue? }');
  const o = checkOptions(fn, options as DynamicThresholdOptions, ['percentile', 'maxValue'], arg);
  const percentile = checkNumber(fn, `${arg}.percentile`, o.percentile ?? 0.995, { above: 0, max: 1 });
  const maxValue = o.maxValue ?? Infinity;
  if (maxValue !== Infinity) checkNumber(fn, `${arg}.maxValue`, maxValue, { min: 1 });
  return { percentile, maxValue };
}

/** The thresholding on a tensor, inside a tidy. */
export function thresholdTensor(x: Tensor, percentile: number, maxValue: number): Tensor {
  const b = x.shape[0]!;
  const d = x.size / b;
  const abs = tf.abs(tf.reshape(x, [b, d]));
  // the order statistics are picked without gradient (tfjs has none for TopK), then read off |x̂₀| through one-hot
  // weights, so that the gradient reaches the elements the quantile interpolates, as torch.quantile's does
  const order = nonDifferentiable((v) => tf.topk(v, d, true).indices, abs); // descending
  const pos = percentile * (d - 1); // ascending position, linear interpolation as torch.quantile
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const frac = pos - lo;
  const at = (j: number) => tf.sum(tf.mul(abs, oneHotFloat(tf.reshape(tf.slice(order, [0, d - 1 - j], [b, 1]), [b]), d)), 1, true);
  const q = frac === 0 ? at(lo) : tf.add(tf.mul(at(lo), 1 - frac), tf.mul(at(hi), frac));
  const s = tf.reshape(tf.clipByValue(q, 1, maxValue), [b, ...new Array<number>(x.rank - 1).fill(1)]);
  // s broadcast to x's shape first: tfjs's gradients of minimum/maximum do not reduce a broadcast operand
  // (x̂₀ [B, D] against s [B, 1] threw in tf.grads)
  const sb = tf.broadcastTo(s, x.shape);
  return tf.div(tf.minimum(tf.maximum(x, tf.neg(sb)), sb), sb);
}
