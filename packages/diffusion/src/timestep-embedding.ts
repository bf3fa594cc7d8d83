/**
 * @see Vaswani et al. 2017, "Attention Is All You Need", NeurIPS, arXiv:1706.03762, §3.5 (sinusoidal positions).
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, App. B (the timestep embedding of the DDPM U-Net).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkInteger, checkNumber, checkOptions, fail, inferShape, showShape } from '@genmod-internal/core';
import { knownTimesteps } from './internal/timesteps.js';

/**
 * Options of {@link sinusoidalTimestepEmbedding}.
 *
 * @since 0.1.0
 */
export interface TimestepEmbeddingOptions {
  /** the longest period, default 10000 */
  maxPeriod?: number;
}

/**
 * The sinusoidal timestep embedding of DDPM / improved-diffusion, laid out [cos | sin]:
 *
 *   f_j = exp(−ln(maxPeriod)·j/h),   e(t) = [cos(t·f_0) … cos(t·f_{h−1}), sin(t·f_0) … sin(t·f_{h−1})],   h = ⌊dim/2⌋
 *
 * with a zero column appended when `dim` is odd. Timesteps given as numbers are embedded on the host in
 * float64 and rounded once, and so is the int32 `t` that this package's samplers (DDPM, DDIM, DPM-Solver)
 * hand a denoiser: they build it from host numbers and record them, so a sampler step runs no kernel here
 * (one upload of `[B, dim]`). Any other tensor `t` is embedded on the device in float32 (Cast, Multiply,
 * Cos, Sin, Concat) (differentiable with respect
 * to a float32 `t`, for continuous-time models). Valid range of a tensor `t`: the float32 phase t·f_j is off by
 * up to |t|·2⁻²⁴ rad, so past |t| ≈ 10⁶ (0.06 rad) the device embedding drifts and from 2²⁴ ≈ 1.7·10⁷ on it is
 * meaningless; pass such timesteps as numbers (exact to float32 at any t).
 *
 * @param t timesteps `[B]` (or a scalar): int32 or float32, a number or an array
 * @param dim the embedding size (integer ≥ 1)
 * @returns float32 `[B, dim]` (`[dim]` for a scalar t)
 * @see Vaswani et al. 2017, arXiv:1706.03762, §3.5; Ho, Jain & Abbeel 2020, arXiv:2006.11239
 * @example
 * ```ts
 * const e = sinusoidalTimestepEmbedding([0, 10, 999], 32); // [3, 32]
 * ```
 * @since 0.1.0
 */
export function sinusoidalTimestepEmbedding(t: Tensor | TensorLike, dim: number, options: TimestepEmbeddingOptions = {}): Tensor {
  const fn = 'sinusoidalTimestepEmbedding';
  checkOptions(fn, options, ['maxPeriod']);
  if (t === null || t === undefined || (typeof t !== 'number' && !Array.isArray(t) && !ArrayBuffer.isView(t) && !(t instanceof tf.Tensor))) {
    fail(fn, 't', 'a tensor, a number or an array of numbers of shape [] or [B]', t);
  }
  if (t instanceof tf.Tensor && t.dtype !== 'float32' && t.dtype !== 'int32') fail(fn, 't', 'an int32 or float32 tensor', t);
  const shape = inferShape(t);
  if (shape.length > 1) fail(fn, 't', 'of shape [] or [B]', t instanceof tf.Tensor ? t : showShape(shape));
  checkInteger(fn, 'dim', dim, { min: 1 });
  const maxPeriod = checkNumber(fn, 'options.maxPeriod', options.maxPeriod ?? 10000, { above: 0 });
  const half = Math.floor(dim / 2);
  const freqs64 = Float64Array.from({ length: half }, (_, j) => Math.exp((-Math.log(maxPeriod) * j) / half));
  // a sampler's timestep tensor carries its host numbers: embedded like numbers, no kernel at all
  const known = t instanceof tf.Tensor ? knownTimesteps(t) : undefined;
  if (!(t instanceof tf.Tensor) || known !== undefined) {
    // numbers on the host: the whole embedding in float64, rounded once
    const ts = known !== undefined ? Array.from(known) : shape.length === 0 ? [Number(t)] : Array.from(t as ArrayLike<number>, Number);
    const out = new Float32Array(ts.length * dim);
    ts.forEach((v, r) => {
      for (let j = 0; j < half; j++) {
        out[r * dim + j] = Math.cos(v * freqs64[j]!);
        out[r * dim + half + j] = Math.sin(v * freqs64[j]!);
      }
    });
    return tf.tidy(fn, () => tf.tensor(out, shape.length === 0 ? [dim] : [ts.length, dim], 'float32'));
  }
  return tf.tidy(fn, () => {
    const tt = t instanceof tf.Tensor ? (t.dtype === 'float32' ? t : tf.cast(t, 'float32')) : tf.tensor(t as TensorLike, shape, 'float32');
    const b = shape.length === 0 ? 1 : shape[0]!;
    // dim = 1 is the zero column alone, 0·t (tfjs's gradient of a product with an empty [1, 0] factor fails)
    const e = half === 0 ? tf.mul(tf.reshape(tt, [b, 1]), 0) : embedTensor(tt, b, half, freqs64, dim);
    return shape.length === 0 ? tf.reshape(e, [dim]) : e;
  });
}

/** [cos | sin] of t·f on the device, with a zero column for an odd dim. Inside a tidy. */
function embedTensor(tt: Tensor, b: number, half: number, freqs64: Float64Array, dim: number): Tensor {
  const freqs = tf.tensor2d(Float32Array.from(freqs64), [1, half]);
  const args = tf.mul(tf.reshape(tt, [b, 1]), freqs);
  const parts = [tf.cos(args), tf.sin(args)];
  if (dim % 2 === 1) parts.push(tf.zeros([b, 1]));
  return tf.concat(parts, 1);
}
