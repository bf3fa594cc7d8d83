/**
 * The discretized logistic likelihood of 8-bit images (PixelCNN++).
 *
 * @see Salimans, Karpathy, Chen & Kingma 2017, "PixelCNN++", ICLR, arXiv:1701.05517, §2.1.
 * @see Kingma et al. 2016, "Improved Variational Inference with Inverse Autoregressive Flow", NeurIPS, arXiv:1606.04934 (the same model in a VAE).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkInteger, checkOptions, fail, nonDifferentiable, sameShape, showShape, softplus, sumTrailing } from '@genmod-internal/core';
import { checkReturned } from './internal/checks.js';
import type { Likelihood } from './likelihood.js';

/** Options of {@link discretizedLogisticLikelihood}. @since 0.1.0 */
export interface DiscretizedLogisticOptions {
  /** the number of intensity levels (256 for 8-bit images) */
  bins?: number;
  /**
   * a log-scale shared by every pixel or learned (e.g. a `tf.Variable`), broadcast against x; absent: the
   * decoder outputs `[B, ..., 2·C]`, the location in the first C channels of the last axis, log s in the last C
   */
  logScale?: Tensor | number;
}

/**
 * The discretized logistic likelihood of pixels x ∈ {−1, −1 + 2/(bins−1), …, 1} (8-bit values rescaled
 * to [−1, 1]): each pixel gets the mass of its bin under a logistic(μ, s),
 *
 *   P(x) = σ((x + 1/(bins−1) − μ)/s) − σ((x − 1/(bins−1) − μ)/s),
 *
 * with the edge bins open (x = −1 takes all the mass below, x = 1 all the mass above). Computed in log
 * space, exactly: log P = log σ(a) + log(1 − σ(b)) + log(1 − e^(b − a)) with a, b the two arguments above and
 * log σ(a) = −softplus(−a), so narrow bins, far-off bins and tiny scales keep their digits (no difference of
 * nearly equal CDFs, no bin-centre density approximation). Summed per example.
 *
 * @returns a {@link Likelihood}: `(x [B, ...] in [−1, 1], decoded) → [B]`, in nats
 * @see Salimans et al. 2017, arXiv:1701.05517, §2.1
 * @example
 * ```ts
 * const likelihood = discretizedLogisticLikelihood({ bins: 256 });
 * const x = tf.tensor2d([[-1, 0.2, 1]]);
 * const decoded = tf.concat([tf.zeros([1, 3]), tf.fill([1, 3], -2)], -1); // locations, log-scales
 * likelihood(x, decoded);                                                 // [1]
 * ```
 * @since 0.1.0
 */
export function discretizedLogisticLikelihood(options: DiscretizedLogisticOptions = {}): Likelihood {
  const fn = 'discretizedLogisticLikelihood';
  checkOptions(fn, options, ['bins', 'logScale']);
  const bins = checkInteger(fn, 'options.bins', options.bins ?? 256, { min: 2 });
  const ls = options.logScale;
  if (ls !== undefined && !(typeof ls === 'number' && Number.isFinite(ls)) && !(ls instanceof tf.Tensor && ls.dtype === 'float32')) {
    fail(fn, 'options.logScale', 'a finite number or a float32 tensor', ls);
  }
  const half = 1 / (bins - 1);
  return (x: Tensor, decoded: Tensor): Tensor =>
    tf.tidy(fn, () => {
      checkReturned(fn, 'x', x);
      checkReturned(fn, 'the decoded output', decoded);
      const expected = ls === undefined ? [...x.shape.slice(0, -1), 2 * x.shape[x.rank - 1]!] : x.shape;
      if (!sameShape(decoded.shape, expected)) fail(fn, 'the decoded output', `of ${showShape(expected)}`, decoded);
      let loc = decoded;
      let logS: Tensor;
      if (ls === undefined) [loc, logS] = tf.split(decoded, 2, -1) as [Tensor, Tensor];
      else logS = typeof ls === 'number' ? tf.scalar(ls) : ls;
      const centered = tf.sub(x, loc);
      const invS = tf.exp(tf.neg(logS));
      const plusIn = tf.mul(invS, tf.add(centered, half));
      const minIn = tf.mul(invS, tf.sub(centered, half));
      const logCdfPlus = tf.neg(softplus(tf.neg(plusIn))); // log σ(plusIn): the x = −1 bin
      const logSfMin = tf.neg(softplus(minIn)); // log(1 − σ(minIn)): the x = 1 bin
      // log(σ(a) − σ(b)) = log σ(a) + log(1 − σ(b)) + log(1 − e^(b − a)), a − b = 2·half/s: exact, with no
      // difference of nearly equal CDFs (which loses every digit in float32 for narrow or far-off bins)
      const logGap = tf.log(tf.neg(tf.expm1(tf.neg(tf.mul(invS, 2 * half)))));
      const logMid = tf.add(tf.add(logCdfPlus, logSfMin), logGap);
      const low = nonDifferentiable((v) => tf.cast(tf.less(v, -1 + half / 2), 'float32'), x);
      const high = nonDifferentiable((v) => tf.cast(tf.greater(v, 1 - half / 2), 'float32'), x);
      const mid = tf.sub(tf.sub(1, low), high);
      return sumTrailing(tf.add(tf.add(tf.mul(low, logCdfPlus), tf.mul(high, logSfMin)), tf.mul(mid, logMid)), x.rank - 1);
    });
}
