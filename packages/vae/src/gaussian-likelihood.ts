/**
 * The Gaussian observation model, with a fixed variance, a learned one, or one per pixel from the decoder.
 *
 * @see Kingma & Welling 2014, "Auto-Encoding Variational Bayes", ICLR, arXiv:1312.6114, appendix C.2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkNumber, checkOptions, fail, normalLogDensity, sameShape, showShape, sumTrailing } from '@genmod-internal/core';
import { checkReturned } from './internal/checks.js';
import type { Likelihood } from './likelihood.js';

/** Options of {@link gaussianLikelihood}. @since 0.1.0 */
export interface GaussianLikelihoodOptions {
  /** a fixed variance σ² > 0 for every pixel (default 1 when nothing else is given) */
  variance?: number;
  /** a learned log-variance, e.g. a `tf.Variable` of shape `[]` or `[D]`, broadcast against x (gradients reach it) */
  logVariance?: Tensor;
  /**
   * `true`: the decoder outputs `[B, ..., 2·C]`, the mean in the first C channels of the last axis and the
   * log-variance in the last C (a heteroscedastic decoder)
   */
  split?: boolean;
}

/**
 * The Gaussian likelihood log p(x | z) = Σ_d log N(x_d; μ_d, σ_d²)
 * = −½·Σ_d [(x_d − μ_d)²/σ_d² + log σ_d² + log 2π], with μ the decoder's output and σ² fixed, learned or
 * decoded (choose one of the options).
 *
 * @returns a {@link Likelihood}: `(x [B, ...], decoded) → [B]`
 * @see Kingma & Welling 2014, arXiv:1312.6114, appendix C.2
 * @example
 * ```ts
 * const fixed = gaussianLikelihood({ variance: 0.1 });
 * const logVar = tf.variable(tf.zeros([4]));               // learned, one per pixel
 * const learned = gaussianLikelihood({ logVariance: logVar });
 * fixed(tf.zeros([2, 4]), tf.zeros([2, 4]));               // [2]
 * ```
 * @since 0.1.0
 */
export function gaussianLikelihood(options: GaussianLikelihoodOptions = {}): Likelihood {
  const fn = 'gaussianLikelihood';
  checkOptions(fn, options, ['variance', 'logVariance', 'split']);
  const given = [options.variance !== undefined, options.logVariance !== undefined, options.split === true].filter(Boolean).length;
  if (given > 1) fail(fn, 'options', 'at most one of `variance`, `logVariance` or `split: true`', `${given} of them`);
  const logVar = options.variance === undefined ? 0 : Math.log(checkNumber(fn, 'options.variance', options.variance, { above: 0 }));
  if (options.logVariance !== undefined && !(options.logVariance instanceof tf.Tensor && options.logVariance.dtype === 'float32')) {
    fail(fn, 'options.logVariance', 'a float32 tensor', options.logVariance);
  }
  const split = options.split === true;
  return (x: Tensor, decoded: Tensor): Tensor =>
    tf.tidy(fn, () => {
      checkReturned(fn, 'x', x);
      checkReturned(fn, 'the decoded mean', decoded);
      const expected = split ? [...x.shape.slice(0, -1), 2 * x.shape[x.rank - 1]!] : x.shape;
      if (!sameShape(decoded.shape, expected)) fail(fn, 'the decoded output', `of ${showShape(expected)}`, decoded);
      let mean = decoded;
      let lv: Tensor;
      if (split) {
        [mean, lv] = tf.split(decoded, 2, -1) as [Tensor, Tensor];
      } else {
        lv = options.logVariance ?? tf.scalar(logVar);
      }
      return sumTrailing(normalLogDensity(x, mean, tf.mul(lv, 0.5)), x.rank - 1);
    });
}
