import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkNumber, checkObject, checkOptions } from '@genmod-internal/core';
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
  const sorted = tf.topk(abs, d, true).values; // descending
  const pos = percentile * (d - 1); // ascending position, linear interpolation as torch.quantile
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const frac = pos - lo;
  const at = (j: number) => tf.slice(sorted, [0, d - 1 - j], [b, 1]);
  const q = frac === 0 ? at(lo) : tf.add(tf.mul(at(lo), 1 - frac), tf.mul(at(hi), frac));
  const s = tf.reshape(tf.clipByValue(q, 1, maxValue), [b, ...new Array<number>(x.rank - 1).fill(1)]);
  return tf.div(tf.minimum(tf.maximum(x, tf.neg(s)), s), s);
}
