/**
 * @see Saharia et al. 2022, "Photorealistic Text-to-Image Diffusion Models with Deep Language Understanding" (Imagen), NeurIPS, arXiv:2205.11487, §2.3.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { fail, toFloat } from '@genmod-internal/core';
import { checkFloatInput } from './internal/check.js';

export interface DynamicThresholdOptions {
  /** the percentile p of |x̂₀| (per example) that sets the threshold, in (0, 1]; default 0.995 */
  percentile?: number;
  /** the largest threshold s (diffusers' `sample_max_value`); default Infinity (Imagen) */
  maxValue?: number;
}

export function checkDynamicThreshold(fn: string, options: unknown, arg: string): { percentile: number; maxValue: number } {
  if (options === null || typeof options !== 'object') fail(fn, arg, 'an object { percentile?, maxValue? }', options);
  const o = options as DynamicThresholdOptions;
  const percentile = o.percentile ?? 0.995;
  if (typeof percentile !== 'number' || !(percentile > 0 && percentile <= 1)) fail(fn, `${arg}.percentile`, 'a number in (0, 1]', percentile);
  const maxValue = o.maxValue ?? Infinity;
  if (typeof maxValue !== 'number' || !(maxValue >= 1)) fail(fn, `${arg}.maxValue`, 'a number ≥ 1', maxValue);
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

/**
 * Dynamic thresholding of a predicted x₀: per example, s is the p-th percentile of |x̂₀|, at least 1
 * (and at most `maxValue`); x̂₀ is clipped to [−s, s] and divided by s, so that saturated pixels are pushed
 * inward instead of piling up at ±1:
 *
 *   s = clip(quantile_p(|x̂₀|), 1, maxValue),   x̂₀ ← clip(x̂₀, −s, s)/s
 *
 * With s ≤ 1 this is plain clipping to [−1, 1].
 *
 * @param x0 float32 `[B, ...]`
 * @returns float32 of x₀'s shape, in [−1, 1]
 * @see Saharia et al. 2022 (Imagen), arXiv:2205.11487, §2.3
 * @example
 * ```ts
 * const x0 = tf.tensor2d([[0.5, -3, 2, 0.1]]);
 * dynamicThreshold(x0, { percentile: 0.9 });        // divided by s ≈ 2.7
 * ```
 * @since 0.1.0
 */
export function dynamicThreshold(x0: Tensor | TensorLike, options: DynamicThresholdOptions = {}): Tensor {
  const fn = 'dynamicThreshold';
  const shape = checkFloatInput(fn, 'x0', x0, 1);
  const { percentile, maxValue } = checkDynamicThreshold(fn, options, 'options');
  if (shape[0] === 0 || shape.slice(1).some((v) => v === 0)) fail(fn, 'x0', 'a non-empty tensor', `shape [${shape.join(', ')}]`);
  return tf.tidy(fn, () => thresholdTensor(toFloat(fn, 'x0', x0), percentile, maxValue));
}
