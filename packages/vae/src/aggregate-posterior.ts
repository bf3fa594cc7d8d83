/**
 * The aggregated posterior q_agg(z) = (1/n)·Σ_i q(z|x_i) of a Gaussian encoder over a dataset: the
 * optimal prior for a fixed encoder (expensive: n components), for comparison with the standard normal.
 *
 * @see Hoffman & Johnson 2016, "ELBO surgery", NeurIPS Workshop on Advances in Approximate Bayesian Inference.
 * @see Tomczak & Welling 2018, "VAE with a VampPrior", AISTATS, arXiv:1705.07120, §2.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkSeed, checkShape, fail, toFloat } from '@genmod-internal/core';
import { LOG_2PI, checkReturned, checkTensor, normalNoise, sameShape, showShape } from './internal/checks.js';
import type { ShapedPrior } from './prior.js';

const CHUNK_ELEMENTS = 4_000_000; // floats per chunk of the [m, n, d] difference tensor

/**
 * log (1/n)·Σ_j N(z; μ_j, diag σ_j²) for z `[M, d]` and n components `[n, d]`, `[M]`: the direct form
 * (z − μ_j)²/σ_j² (an expanded quadratic loses float32 precision far from the origin), in chunks of rows
 * so that memory stays O(chunk·n·d).
 */
export function mixtureLogProb(z: Tensor, loc: Tensor, logVar: Tensor): Tensor {
  const n = loc.shape[0]!;
  const d = loc.shape[1]!;
  const chunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / (n * d)));
  const invVar = tf.expandDims(tf.exp(tf.neg(logVar)), 0); // [1, n, d]
  const mu = tf.expandDims(loc, 0);
  const c = tf.reshape(tf.sum(tf.add(logVar, LOG_2PI), 1), [1, n]); // Σ_d (log σ² + log 2π)
  const parts: Tensor[] = [];
  for (let start = 0; start < z.shape[0]!; start += chunk) {
    const zc = tf.expandDims(tf.slice(z, [start, 0], [Math.min(chunk, z.shape[0]! - start), -1]), 1); // [m, 1, d]
    const quad = tf.add(tf.sum(tf.mul(tf.square(tf.sub(zc, mu)), invVar), 2), c); // [m, n]
    parts.push(tf.sub(tf.logSumExp(tf.mul(quad, -0.5), 1), Math.log(n)));
  }
  return parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
}

/** Checks a dataset's encoder outputs `loc`, `logVar`: `[n, d]` each. */
export function checkEncodings(fn: string, loc: Tensor | TensorLike, logVar: Tensor | TensorLike): number[] {
  const ls = checkTensor(fn, 'loc', loc, 2);
  const vs = checkTensor(fn, 'logVar', logVar, 2);
  if (ls.length !== 2 || ls[0] === 0) fail(fn, 'loc', 'a matrix [n, d] with n ≥ 1', showShape(ls));
  if (!sameShape(ls, vs)) fail(fn, 'logVar', `of the shape of loc (${showShape(ls)})`, showShape(vs));
  return ls;
}

/**
 * The aggregated posterior of a Gaussian encoder over n data points,
 *
 *   q_agg(z) = (1/n)·Σ_i N(z; μ_i, diag(exp(logVar_i))),
 *
 * as a {@link Prior}: the prior that maximizes the average ELBO for a fixed encoder (it zeroes the
 * marginal KL of {@link elboSurgery}); with n components it is expensive and overfits, hence the
 * VampPrior's learned pseudo-inputs. `logProb` is differentiable in z, `loc` and `logVar`; the tensors stay
 * the caller's.
 *
 * @param loc `[n, d]` encoder means over a dataset; `logVar` `[n, d]`
 * @returns a prior with eventShape `[d]`
 * @see Hoffman & Johnson 2016 · Tomczak & Welling 2018, arXiv:1705.07120
 * @example
 * ```ts
 * const prior = aggregatePosterior(tf.tensor2d([[-2, 0], [2, 0]]), tf.fill([2, 2], -1));
 * prior.logProb(tf.zeros([1, 2]));          // [1]: low, between the two modes
 * prior.sample([100], { seed: 1 });         // [100, 2]
 * ```
 * @since 0.1.0
 */
export function aggregatePosterior(loc: Tensor | TensorLike, logVar: Tensor | TensorLike): ShapedPrior {
  const fn = 'aggregatePosterior';
  const [n, d] = checkEncodings(fn, loc, logVar) as [number, number];
  return {
    eventShape: [d],
    sample(sampleShape: number[] = [], options: { seed?: number | string } = {}): Tensor {
      const f = 'aggregatePosterior.sample';
      checkShape(f, sampleShape, 'sampleShape');
      const seed = checkSeed(f, options.seed);
      return tf.tidy(f, () => {
        const m = sampleShape.reduce((a, b) => a * b, 1);
        const idx = tf.clipByValue(tf.floor(tf.randomUniform([m], 0, n, 'float32', seed)), 0, n - 1);
        const i = tf.cast(idx, 'int32');
        const mu = tf.gather(toFloat(f, 'loc', loc), i);
        const lv = tf.gather(toFloat(f, 'logVar', logVar), i);
        const eps = normalNoise([m, d], typeof seed === 'number' ? seed + 1 : seed === undefined ? undefined : `${seed}/eps`);
        return tf.reshape(tf.add(mu, tf.mul(tf.exp(tf.mul(lv, 0.5)), eps)), [...sampleShape, d]);
      });
    },
    logProb(z: Tensor): Tensor {
      const f = 'aggregatePosterior.logProb';
      checkReturned(f, 'z', z);
      if (z.rank < 1 || z.shape[z.rank - 1] !== d) fail(f, 'z', `a tensor [..., ${d}]`, z);
      return tf.tidy(f, () => tf.reshape(mixtureLogProb(tf.reshape(z, [-1, d]), toFloat(f, 'loc', loc), toFloat(f, 'logVar', logVar)), z.shape.slice(0, -1)));
    },
  };
}
