/**
 * @see Saharia et al. 2022, "Photorealistic Text-to-Image Diffusion Models with Deep Language Understanding" (Imagen), NeurIPS, arXiv:2205.11487, §2.3.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkTensorArg, fail, showShape, toFloat } from '@genmod-internal/core';
import { checkDynamicThreshold, thresholdTensor } from './internal/threshold.js';

/**
 * Options of {@link dynamicThreshold}.
 *
 * @since 0.1.0
 */
export interface DynamicThresholdOptions {
  /** the percentile p of |x̂₀| (per example) that sets the threshold, in (0, 1]; default 0.995 */
  percentile?: number;
  /** the largest threshold s (diffusers' `sample_max_value`); default Infinity (Imagen) */
  maxValue?: number;
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
  const { percentile, maxValue } = checkDynamicThreshold(fn, options, 'options');
  const shape = checkTensorArg(fn, 'x0', x0, 1);
  if (shape[0] === 0 || shape.slice(1).some((v) => v === 0)) fail(fn, 'x0', 'a non-empty tensor', showShape(shape));
  return tf.tidy(fn, () => thresholdTensor(toFloat(fn, 'x0', x0), percentile, maxValue));
}
