/**
 * The causal (look-ahead) mask of masked self-attention, the piece that makes a transformer an
 * autoregressive model p(c) = Π_i p(c_i | c_<i).
 *
 * @see Vaswani et al. 2017, "Attention Is All You Need", NeurIPS, arXiv:1706.03762, §3.2.3.
 * @see Ramesh et al. 2021, "Zero-Shot Text-to-Image Generation", ICML, arXiv:2102.12092 (a causal transformer over dVAE codes).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkInteger, checkOptions, fail } from '@genmod-internal/core';

/** Options of {@link causalMask}. @since 0.1.0 */
export interface CausalMaskOptions {
  /** the value above the diagonal: a large negative number or −Infinity; default −1e9 */
  fill?: number;
}

/**
 * The additive causal mask M `[n, n]` of masked self-attention:
 *
 *   M_ij = 0 for j ≤ i,   M_ij = fill (default −1e9) for j > i,
 *   attention = softmax(Q·Kᵀ/√d + M)·V,
 *
 * so position i attends to positions 0..i only and output i never sees the inputs after it. It is a
 * constant (no gradient needed); add it to the scores `[..., n, n]`, broadcasting over batch and heads.
 * Built on the host: no `bandPart` (whose gradient is broken in tfjs 4.22) and no comparisons.
 *
 * @param n the sequence length, ≥ 1
 * @returns float32 `[n, n]`
 * @see Vaswani et al. 2017, arXiv:1706.03762, §3.2.3
 * @example
 * ```ts
 * causalMask(3).print(); // [[0, -1e9, -1e9], [0, 0, -1e9], [0, 0, 0]]
 * ```
 * @since 0.1.0
 */
export function causalMask(n: number, options: CausalMaskOptions = {}): Tensor {
  const fn = 'causalMask';
  checkInteger(fn, 'n', n, { min: 1 });
  checkOptions(fn, options, ['fill']);
  const value = options.fill ?? -1e9;
  if (typeof value !== 'number' || Number.isNaN(value) || value > -1e4) fail(fn, 'options.fill', 'a number ≤ −1e4 (or −Infinity)', value);
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i * n + j] = value;
  return tf.tensor2d(m, [n, n]);
}
